"""Merchant console notifications (low stock, ...)."""

from django.db import transaction
from django.utils import timezone


@transaction.atomic
def mark_notifications_read(*, ids: list[int] | None = None) -> int:
    """Mark the given notifications (or all unread ones when ids is None) as read. Returns the count."""
    from shop.models import MerchantNotification

    unread = MerchantNotification.objects.filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=[int(pk) for pk in ids])
    return unread.update(read_at=timezone.now())
