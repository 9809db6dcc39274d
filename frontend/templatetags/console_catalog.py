"""Template helpers for the console's navigation."""

from django import template

from frontend.views.access import on_store_host
from shop import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """Unread merchant notices (low stock, ...) for the console's nav badge; 0 off a store host."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if (
        request is None
        or not on_store_host(request)
        or not (user and user.is_authenticated and user.is_store_staff)
    ):
        return 0
    from shop.selectors.console import unread_notification_count as count

    return count()


@register.filter
def can_view_payment_settings(user) -> bool:
    return permissions.can_view_payment_settings(user)


@register.filter
def can_manage_billing(user) -> bool:
    from billing.permissions import can_manage_billing as allowed

    return allowed(user)


@register.inclusion_tag("console/billing/_trial_notice.html", takes_context=True)
def trial_notice(context) -> dict:
    """The last days of a free trial, on every console page of those who can choose a plan."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not on_store_host(request) or not can_manage_billing(user):
        return {"days_left": None}
    from billing.selectors import trial_days_to_announce

    return {"days_left": trial_days_to_announce(request.tenant), "path": request.path}
