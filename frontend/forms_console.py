"""Form shapes for the merchant console. No business rules here: the services check names, templates,
pictures, roles and plan limits, and `apply_domain_error` puts their messages on these fields."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from shop.models import PaymentSettings
from shop.services.wechat import WechatSettingsInput
from tenants.accounts.services import ASSIGNABLE_ROLES

User = get_user_model()


def role_choices() -> list[tuple[str, str]]:
    return [(role, User.Role(role).label) for role in ASSIGNABLE_ROLES]


class StoreSettingsForm(forms.Form):
    name = forms.CharField(
        label=_("Store name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "PNG, JPEG, WebP or GIF; at most 2 MB and 4000×4000 pixels. A square picture looks best."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
    )
    clear_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    template = forms.CharField(label=_("Storefront template"), required=False, max_length=40)
    time_zone = forms.CharField(
        label=_("Time zone"),
        required=False,
        max_length=64,
        help_text=_("Times in your console and on your storefront are shown in this time zone."),
    )


class StaffMemberForm(forms.Form):
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("They log in to this console with it."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=role_choices)
    password = forms.CharField(
        label=_("Password (optional)"),
        required=False,
        max_length=128,
        strip=False,
        help_text=_("Leave empty and a password is generated; you will see it once, to pass it on."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=role_choices)


class StaffActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        choices=[("1", _("Active")), ("0", _("Deactivated"))], coerce=lambda value: value == "1"
    )


class SecretTextarea(forms.Textarea):
    """A textarea that never renders its value: a pasted private key is not sent back, even when the form
    comes back with an error."""

    def format_value(self, value):
        return None


def _secret(label, help_text, *, max_length, multiline=False):
    widget = (
        SecretTextarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"})
        if multiline
        else forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False)
    )
    return forms.CharField(
        label=label, help_text=help_text, required=False, max_length=max_length, widget=widget
    )


def _plain(label, help_text="", *, max_length, multiline=False, placeholder=""):
    attrs = {"autocomplete": "off", "spellcheck": "false"}
    if placeholder:
        attrs["placeholder"] = placeholder
    widget = forms.Textarea(attrs={**attrs, "rows": 4}) if multiline else forms.TextInput(attrs=attrs)
    return forms.CharField(
        label=label, help_text=help_text, required=False, max_length=max_length, widget=widget
    )


class PaymentSettingsForm(forms.Form):
    """The payment settings page. Secrets are never filled in: leaving one blank keeps the saved value."""

    wechat_enabled = forms.BooleanField(label=_("Take WeChat Pay"), required=False)
    wechat_mode = forms.ChoiceField(
        label=_("WeChat Pay account"),
        choices=PaymentSettings.WeChatMode.choices,
        widget=forms.RadioSelect,
    )
    wechat_mchid = _plain(_("Merchant number (mchid)"), max_length=12, placeholder="1230000109")
    wechat_appid = _plain(
        _("App id (appid)"),
        _("The official account or mini program your buyers pay in, bound to the merchant number."),
        max_length=18,
        placeholder="wx0123456789abcdef",
    )
    wechat_apiv3_key = _secret(
        _("APIv3 key"),
        _("The 32-character key you set under Account centre → API security in the WeChat Pay console."),
        max_length=32,
    )
    wechat_private_key = _secret(
        _("Merchant API private key"),
        _("The contents of apiclient_key.pem, from -----BEGIN PRIVATE KEY----- to the end."),
        max_length=10_000,
        multiline=True,
    )
    wechat_cert_serial = _plain(
        _("Merchant API certificate serial number"),
        _(
            "Shown next to the merchant API certificate in the WeChat Pay console (40 hexadecimal "
            "characters)."
        ),
        max_length=64,
    )
    wechat_public_key = _plain(
        _("WeChat Pay public key"),
        _("The contents of pub_key.pem, downloaded under API security → WeChat Pay public key."),
        max_length=10_000,
        multiline=True,
    )
    wechat_public_key_id = _plain(
        _("WeChat Pay public key id"), max_length=64, placeholder="PUB_KEY_ID_0112345678202401010000000000"
    )
    stripe_enabled = forms.BooleanField(label=_("Take card payments with Stripe"), required=False)
    stripe_publishable_key = _plain(_("Publishable key"), max_length=255, placeholder="pk_live_…")
    stripe_secret_key = _secret(
        _("Secret key"),
        _("From Developers → API keys in your Stripe dashboard (sk_live_… or sk_test_…)."),
        max_length=255,
    )
    stripe_webhook_secret = _secret(
        _("Webhook signing secret"),
        _("From the webhook endpoint you added in Stripe for this store (whsec_…)."),
        max_length=255,
    )


class WechatSettingsForm(forms.Form):
    """Secrets are never shown back: an empty secret field keeps the stored secret."""

    official_app_id = forms.CharField(label=_("Official account AppID"), max_length=32, required=False)
    official_app_secret = forms.CharField(
        label=_("Official account AppSecret"),
        max_length=64,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    official_asks_for_profile = forms.BooleanField(
        label=_("Ask buyers for their WeChat nickname and avatar"),
        required=False,
        help_text=_("WeChat then shows buyers a consent screen; without it, sign-in is silent."),
    )
    mini_app_id = forms.CharField(label=_("Mini-program AppID"), max_length=32, required=False)
    mini_app_secret = forms.CharField(
        label=_("Mini-program AppSecret"),
        max_length=64,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def to_input(self) -> WechatSettingsInput:
        data = self.cleaned_data
        return WechatSettingsInput(
            official_app_id=data["official_app_id"],
            official_app_secret=data["official_app_secret"] or None,
            official_asks_for_profile=data["official_asks_for_profile"],
            mini_app_id=data["mini_app_id"],
            mini_app_secret=data["mini_app_secret"] or None,
        )
