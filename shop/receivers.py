"""The shop's own reactions to its events (shop/events.py)."""

from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _

from shop import events, tasks
from shop.models import SKU, MerchantNotification
from tenants.links import store_path


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
        link=store_path("catalog:product_edit", sku.product_id),
    )
    transaction.on_commit(lambda: tasks.send_low_stock_email.delay(sku_id, stock))


# Buyers are told from a worker, never inside the request or the notification that made the change.
@receiver(events.order_paid, dispatch_uid="shop.tell_buyer_paid")
def tell_buyer_paid(sender, *, order_id: int, **kwargs):
    transaction.on_commit(lambda: tasks.tell_buyer_order_paid.delay(order_id))


@receiver(events.order_shipped, dispatch_uid="shop.tell_buyer_shipped")
def tell_buyer_shipped(sender, *, order_id: int, carrier: str, tracking_number: str, **kwargs):
    transaction.on_commit(lambda: tasks.tell_buyer_order_shipped.delay(order_id, carrier, tracking_number))


@receiver(events.after_sale_changed, dispatch_uid="shop.tell_buyer_after_sale")
def tell_buyer_after_sale(sender, *, after_sale_id: int, status: str, **kwargs):
    transaction.on_commit(lambda: tasks.tell_buyer_after_sale_changed.delay(after_sale_id, status))


@receiver(events.buyer_signed_in, dispatch_uid="shop.merge_guest_cart")
def merge_guest_cart(sender, *, user_id: int, previous_session_key: str, **kwargs):
    """A guest's cart follows them into their account when they sign in."""
    from django.contrib.auth import get_user_model

    from shop.services.cart import merge_guest_cart as merge

    buyer = get_user_model().objects.filter(pk=user_id).first()
    if buyer is not None and previous_session_key:
        merge(session_key=previous_session_key, buyer=buyer)


@receiver(events.order_shipped, dispatch_uid="shop.track_parcel")
def track_parcel(sender, *, carrier: str, tracking_number: str, **kwargs):
    """A parcel shipped (order_shipped is sent once the shipment is committed): subscribe it at the tracking
    provider from a worker, never in the request that shipped it."""
    tasks.start_parcel_tracking.delay(carrier, tracking_number)
