"""Form shapes for the merchant console. No business rules here: the services check names, templates,
pictures, roles and plan limits, and `apply_domain_error` puts their messages on these fields."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

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
