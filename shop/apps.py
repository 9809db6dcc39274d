from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop"

    def ready(self):
        from tenants import activity, sms

        from . import receivers  # noqa: F401
        from .services import buyer_auth

        sms.register_template(
            buyer_auth.SIGN_IN_SMS, text=buyer_auth.SIGN_IN_SMS_TEXT, params=buyer_auth.SIGN_IN_SMS_PARAMS
        )
        activity.register_labels(
            actions={
                "buyer.created": _("New customer account"),
                "buyer.phone_changed": _("Customer phone number changed"),
                "wechat_settings.updated": _("WeChat settings changed"),
            },
            targets={"user": _("User"), "wechatsettings": _("WeChat settings")},
        )
