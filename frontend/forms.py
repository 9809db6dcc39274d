"""Form shapes for the web pages. They hold no business rules: services check those, and
`apply_domain_error` puts the service's field errors onto the form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.errors import DomainError


def error_text(error: DomainError) -> str:
    """A domain error's messages in one line, for a notice (a page without a form field to put them on)."""
    found = error.as_dict()
    parts = [m for value in found.values() for m in (value if isinstance(value, list) else [value])]
    return " ".join(str(m) for m in parts) or error.message


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    for field, messages in error.as_dict().items():
        target = field if field in form.fields else None
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(target, message)


class SignupForm(forms.Form):
    store_name = forms.CharField(
        label=_("Store name"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. Acme Fresh Fruit"), "autocomplete": "organization"}
        ),
    )
    subdomain = forms.CharField(
        label=_("Subdomain"),
        max_length=63,
        help_text=_("3–30 lowercase letters, digits or hyphens."),
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "none",
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": "acme",
            }
        ),
    )
    owner_name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.CharField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Mobile phone (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        help_text=_("At least 8 characters, not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    template = forms.CharField(label=_("Storefront template"), max_length=40)
    plan = forms.CharField(label=_("Plan"), max_length=30)


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
