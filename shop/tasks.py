"""Celery tasks of the shop. Queued from inside a store's schema, they run inside it
(tenant-schemas-celery carries the schema in the message)."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.utils.translation import gettext as _

from shop.models import SKU, Shipment, ShopSettings
from shop.services import buyer_auth, buyer_notifications
from shop.services.tracking_updates import refresh_due_shipments, start_tracking
from shop.tracking.base import TrackingProviderError, TrackingUnavailable
from shop.tracking.registry import tracking_configured, tracking_provider
from tenants.links import store_url
from tenants.models import Store
from tenants.tasks import fan_out

logger = logging.getLogger(__name__)


@shared_task
def send_low_stock_email(sku_id: int, stock: int) -> bool:
    """Email the store owner that a SKU ran low, if the store's settings ask for it. Returns whether a
    mail was sent."""
    if not ShopSettings.load().low_stock_email:
        return False
    sku = SKU.objects.select_related("product").filter(pk=sku_id).first()
    store = Store.objects.filter(schema_name=connection.schema_name).first()
    if sku is None or store is None or not store.owner_email:
        return False
    subject = _("[%(store)s] Low stock: %(sku)s") % {"store": store.name, "sku": str(sku)}
    body = _(
        "%(sku)s is running low: %(stock)s left (alert threshold %(threshold)s).\n\n"
        "Restock it in your console: %(url)s\n"
    ) % {
        "sku": str(sku),
        "stock": stock,
        "threshold": sku.low_stock_threshold,
        "url": store_url(store, f"/console/products/{sku.product_id}/stock/"),
    }
    send_mail(subject, body, None, [store.owner_email])
    return True


# The buyer hears of their order from a worker (queued by shop/receivers.py once the change committed):
# a slow or failing SMS gateway never holds up, or fails, the request or notification that made it.


@shared_task
def tell_buyer_order_paid(order_id: int) -> None:
    buyer_notifications.order_paid(order_id=order_id)


@shared_task
def tell_buyer_order_shipped(order_id: int, carrier: str, tracking_number: str) -> None:
    buyer_notifications.order_shipped(order_id=order_id, carrier=carrier, tracking_number=tracking_number)


@shared_task
def tell_buyer_after_sale_changed(after_sale_id: int, status: str) -> None:
    buyer_notifications.after_sale_changed(after_sale_id=after_sale_id, status=status)


@shared_task
def purge_stale_sms_codes() -> int:
    """In one store: drop sign-in codes past the daily window (they neither sign in nor count any more)."""
    return buyer_auth.purge_stale_sms_codes()


@shared_task
def purge_stale_sms_codes_everywhere() -> int:
    """Beat's dispatcher (beat runs in public): one purge per active store."""
    return fan_out(purge_stale_sms_codes)


def _current_store() -> Store:
    return Store.objects.get(schema_name=connection.schema_name)


@shared_task
def submit_refund(refund_id: int) -> str:
    """Send a recorded refund to its payment's provider (in the store that queued it)."""
    from shop.services import refunds

    return refunds.submit_refund(store=_current_store(), refund=refund_id).status


@shared_task
def close_unpaid_orders() -> int:
    """In one store: cancel the orders whose time to pay ran out (their stock goes back on sale), after
    asking the provider whether their payments were paid after all."""
    from shop.services import orders

    return orders.close_unpaid_orders(store=_current_store())


@shared_task
def complete_delivered_orders() -> int:
    """In one store: complete the shipped orders the buyer did not confirm in time."""
    from shop.services import orders

    return orders.complete_delivered_orders()


@shared_task
def retry_pending_refunds() -> int:
    """In one store: look again at the refunds still waiting for their provider (a lost answer, a provider
    that was down): asked about first, sent again only when the provider does not know them, backing off
    between tries. Returns how many it looked at."""
    from shop.services import payment_jobs

    return payment_jobs.retry_pending_refunds(store=_current_store())


def stores_owed_refunds():
    """Stores whose buyers may be owed money: the live ones and the suspended ones (a suspension stops
    sales, not refunds)."""
    return Store.objects.filter(status__in=(Store.Status.ACTIVE, Store.Status.SUSPENDED)).exclude(
        schema_name=settings.PUBLIC_SCHEMA_NAME
    )


@shared_task
def run_order_jobs_everywhere() -> int:
    """Beat's dispatcher (beat runs in public): the order jobs once per live store, the refund retries in
    suspended stores too."""
    queued = fan_out(close_unpaid_orders) + fan_out(complete_delivered_orders)
    for schema_name in stores_owed_refunds().values_list("schema_name", flat=True):
        retry_pending_refunds.apply_async(headers={"_schema_name": schema_name})
        queued += 1
    return queued


@shared_task(autoretry_for=(TrackingUnavailable,), retry_backoff=60, max_retries=5)
def start_parcel_tracking(carrier: str, tracking_number: str) -> bool:
    """Subscribe a parcel that just shipped at the tracking provider (or ask the sandbox about it at once).
    Retried while the provider is unreachable; a refusal is logged, and the periodic refresh still asks
    about the parcel later. Returns whether it was subscribed."""
    if not tracking_configured():
        return False
    shipment = (
        Shipment.objects.select_related("order")
        .filter(carrier=carrier, tracking_number=tracking_number)
        .first()
    )
    store = Store.objects.filter(schema_name=connection.schema_name).first()
    if shipment is None or store is None:
        return False
    try:
        start_tracking(shipment=shipment, store=store)
    except TrackingUnavailable:
        raise  # for autoretry_for
    except TrackingProviderError as error:
        logger.warning(
            "could not subscribe %s %s: %s (%s)", carrier, tracking_number, error.message, error.provider_code
        )
        return False
    return True


@shared_task
def refresh_store_tracking() -> int:
    """In a store: ask about its parcels in transit that have had no news lately. Returns how many."""
    if not tracking_configured():
        return 0
    return refresh_due_shipments(provider=tracking_provider())


@shared_task
def refresh_parcel_tracking() -> int:
    """From beat (in public): one `refresh_store_tracking` per live store. Returns how many were queued."""
    if not tracking_configured():
        return 0
    return fan_out(refresh_store_tracking)
