"""Template helpers of the storefront's buyer pages: phone numbers, and the badges of the tab bar (what is
in the cart, what the store told the buyer that they have not read)."""

from functools import cached_property

from django import template

from shop.selectors.buyers import unread_notification_count
from shop.selectors.cart import cart_size
from tenants.phones import display_phone

register = template.Library()


@register.filter(name="phone_display")
def phone_display(e164: str) -> str:
    """A stored E.164 number as its owner reads it ("138 0013 8000")."""
    return display_phone(e164)


@register.filter
def badge_number(count: int) -> str:
    """A count as a badge shows it: "99+" past 99."""
    return "99+" if count > 99 else str(count)


class Badges:
    """Counted only when a page shows them (one query each); a page that has counted already passes its
    count as `cart_count` / `unread_count`."""

    def __init__(self, request, cart_count=None, unread_count=None):
        user = getattr(request, "user", None)
        self.buyer = user if user is not None and user.is_authenticated and user.is_buyer else None
        session = getattr(request, "session", None)
        self.session_key = session.session_key if session is not None else None
        self._cart_count, self._unread_count = cart_count, unread_count

    @cached_property
    def cart(self) -> int:
        if self._cart_count is not None:
            return self._cart_count
        return cart_size(buyer=self.buyer, session_key=self.session_key)

    @cached_property
    def unread(self) -> int:
        if self._unread_count is not None:
            return self._unread_count
        return unread_notification_count(self.buyer) if self.buyer is not None else 0


@register.simple_tag(takes_context=True)
def storefront_badges(context) -> Badges:
    return Badges(context.get("request"), context.get("cart_count"), context.get("unread_count"))
