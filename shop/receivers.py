"""The shop's own reactions to its events (shop/events.py)."""

from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from shop import events, tasks
from shop.models import SKU, MerchantNotification


@receiver(events.stock_low, dispatch_uid="shop.notify_low_stock")
def notify_low_stock(sender, *, sku_id: int, stock: int, threshold: int, **kwargs):
    """Tell the merchant in the console, and by email when the shop's settings ask for it."""
    sku = SKU.objects.select_related("product").filter(pk=sku_id).first()
    if sku is None:
        return
    MerchantNotification.objects.create(
        kind="low_stock",
        title=_("Low stock: %(sku)s") % {"sku": str(sku)},
        body=_("Only %(stock)s left (your alert threshold is %(threshold)s).")
        % {"stock": stock, "threshold": threshold},
        link=reverse("catalog:product_edit", args=[sku.product_id]),
    )
    transaction.on_commit(lambda: tasks.send_low_stock_email.delay(sku_id, stock))


@receiver(events.order_shipped, dispatch_uid="shop.track_parcel")
def track_parcel(sender, *, carrier: str, tracking_number: str, **kwargs):
    """A parcel shipped (order_shipped is sent once the shipment is committed): subscribe it at the tracking
    provider from a worker, never in the request that shipped it."""
    tasks.start_parcel_tracking.delay(carrier, tracking_number)
