from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop"

    def ready(self):
        from tenants import activity, sms

        from . import activity_labels, receivers  # noqa: F401
        from .services import buyer_auth, buyer_notifications

        sms.register_template(
            buyer_auth.SIGN_IN_SMS, text=buyer_auth.SIGN_IN_SMS_TEXT, params=buyer_auth.SIGN_IN_SMS_PARAMS
        )
        sms.register_template(
            buyer_notifications.ORDER_SMS,
            text=buyer_notifications.ORDER_SMS_TEXT,
            params=buyer_notifications.ORDER_SMS_PARAMS,
        )
        activity.register_labels(actions=activity_labels.ACTIONS, targets=activity_labels.TARGETS)
