"""Reads of a buyer's own data, shared by the storefront's account pages and the buyer API. Each takes
the buyer and never returns anything of another buyer."""

from django.utils.translation import gettext as _

from shop.models import Address, WechatIdentity
from tenants.errors import NotFound


def buyer_addresses(buyer):
    """The buyer's address book, the default first, then the most recently changed."""
    return Address.objects.filter(buyer=buyer).order_by("-is_default", "-updated_at", "-id")


def buyer_address(buyer, address_id) -> Address:
    """One of the buyer's addresses; NotFound for any other id (another buyer's included)."""
    address = (
        Address.objects.filter(buyer=buyer, pk=address_id).first() if str(address_id).isdigit() else None
    )
    if address is None:
        raise NotFound(_("This address is not in your address book."))
    return address


def default_address(buyer) -> Address | None:
    """Where checkout sends a parcel unless the buyer picks another address."""
    return Address.objects.filter(buyer=buyer, is_default=True).first()


def wechat_openid(*, buyer, app_id: str) -> str | None:
    """The buyer's openid in one of the store's WeChat apps (WeChat Pay JSAPI pays as that openid)."""
    return WechatIdentity.objects.filter(buyer=buyer, app_id=app_id).values_list("openid", flat=True).first()


def wechat_avatar_url(buyer) -> str:
    """The avatar WeChat gave, for a buyer who uploaded none."""
    return (
        WechatIdentity.objects.filter(buyer=buyer)
        .exclude(avatar_url="")
        .order_by("-updated_at")
        .values_list("avatar_url", flat=True)
        .first()
        or ""
    )
