"""Reads of a buyer's own data, shared by the storefront's account pages and the buyer API. Each takes
the buyer and never returns anything of another buyer."""

from django.utils.translation import gettext as _

from shop.models import Address, BuyerNotification, WechatIdentity, WechatSettings
from tenants.errors import NotFound
from tenants.inputs import id_or_none


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


def official_account_openid(buyer) -> str:
    """The buyer's openid in the store's official account: inside WeChat's browser they signed in with it,
    and WeChat Pay JSAPI charges that openid ("" when they never signed in with WeChat)."""
    app_id = WechatSettings.current().official_app_id
    return (wechat_openid(buyer=buyer, app_id=app_id) if app_id else None) or ""


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


def buyer_notifications(buyer):
    """What the store told the buyer, newest first."""
    return BuyerNotification.objects.filter(buyer=buyer).order_by("-created_at", "-id")


def buyer_notification(buyer, notification_id) -> BuyerNotification:
    """One of the buyer's notifications; NotFound for any other id (another buyer's included)."""
    pk = id_or_none(notification_id)
    found = BuyerNotification.objects.filter(buyer=buyer, pk=pk).first() if pk else None
    if found is None:
        raise NotFound(_("This notification does not exist."))
    return found


def unread_notification_count(buyer) -> int:
    return BuyerNotification.objects.filter(buyer=buyer, read_at__isnull=True).count()
