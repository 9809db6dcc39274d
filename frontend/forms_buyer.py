"""Forms of the storefront's account pages (sign-in, profile, address book). They only parse: the
services decide (phone numbers, codes, address rules), and each write form builds the same frozen input
the API's serializer builds (`to_input`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.regions import province_choices
from shop.services.addresses import AddressInput
from shop.services.buyer_profile import ProfileInput

PHONE_WIDGET = forms.TextInput(
    attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "placeholder": "138 0013 8000"}
)
CODE_WIDGET = forms.TextInput(
    attrs={
        "inputmode": "numeric",
        "autocomplete": "one-time-code",
        "pattern": "[0-9]*",
        "maxlength": "6",
        "placeholder": "123456",
    }
)


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=32, widget=PHONE_WIDGET)


class SignInForm(PhoneForm):
    code = forms.CharField(label=_("Code"), max_length=16, widget=CODE_WIDGET)


class ProfileForm(forms.Form):
    name = forms.CharField(
        label=_("Nickname"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
        help_text=_("PNG, JPEG, WebP or GIF, at most 2 MB."),
    )
    clear_avatar = forms.BooleanField(label=_("Remove the avatar"), required=False)

    def to_input(self) -> ProfileInput:
        data = self.cleaned_data
        return ProfileInput(
            name=data["name"], avatar=data["avatar"] or None, clear_avatar=data["clear_avatar"]
        )


class AddressForm(forms.Form):
    contact_name = forms.CharField(
        label=_("Recipient"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, widget=PHONE_WIDGET)
    province_code = forms.ChoiceField(label=_("Province / region"))
    city = forms.CharField(
        label=_("City"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    district = forms.CharField(
        label=_("District / county"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level3"}),
    )
    detail = forms.CharField(
        label=_("Detailed address"),
        max_length=200,
        widget=forms.Textarea(
            attrs={"rows": 2, "autocomplete": "street-address", "placeholder": _("Street, building, room")}
        ),
    )
    postal_code = forms.CharField(
        label=_("Postal code (optional)"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    is_default = forms.BooleanField(label=_("Use as my default address"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province_code"].choices = [("", _("Choose…")), *province_choices()]

    @classmethod
    def initial_for(cls, address) -> dict:
        return {name: getattr(address, name) for name in cls.base_fields}

    def to_input(self) -> AddressInput:
        return AddressInput(**self.cleaned_data)
