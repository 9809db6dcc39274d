"""Template helpers of the console's order and after-sales pages, and the nav's after-sales badge."""

from django import template
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from frontend.views.access import on_store_host
from shop.payments.registry import PROVIDER_LABELS
from shop.selectors import orders
from shop.tracking.carriers import carrier_name
from tenants import activity
from tenants.phones import mask_phone

register = template.Library()

# Who an order's or a request's history says did a step (OrderEvent.actor_role, AfterSaleEvent.actor_role).
_ROLES = {"buyer": _("Buyer"), "merchant": _("Merchant"), "system": _("System")}


@register.simple_tag(takes_context=True)
def open_after_sale_count(context) -> int:
    """Open after-sales requests for the console's nav badge; 0 off a store host or for a visitor."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if (
        request is None
        or not on_store_host(request)
        or not (user and user.is_authenticated and user.is_store_staff)
    ):
        return 0
    return orders.open_after_sale_count()


@register.filter
def masked_phone(e164: str) -> str:
    """A phone as lists show it, "+86 138****8000": enough to tell buyers apart, not to call them."""
    return mask_phone(e164)


@register.filter
def carrier_label(code: str) -> str:
    return carrier_name(code or "")


@register.filter
def payment_label(code: str) -> str:
    return str(PROVIDER_LABELS.get(code, code or ""))


@register.filter
def activity_action(action: str) -> str:
    return activity.action_label(action)


@register.filter
def actor_role(role: str) -> str:
    return str(_ROLES.get(role, role))


@register.filter
def province_name(address: dict) -> str:
    """The province of an order's address snapshot, in the active language."""
    address = address or {}
    chinese = (translation.get_language() or "").startswith("zh")
    return address.get("province_name_zh" if chinese else "province_name_en") or address.get(
        "province_name_zh", ""
    )
