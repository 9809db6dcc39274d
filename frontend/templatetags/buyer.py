"""Template helpers of the storefront's account pages."""

from django import template

from tenants.phones import display_phone

register = template.Library()


@register.filter(name="phone_display")
def phone_display(e164: str) -> str:
    """A stored E.164 number as its owner reads it ("138 0013 8000")."""
    return display_phone(e164)
