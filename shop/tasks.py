"""Celery tasks of the shop. Queued from inside a store's schema, they run inside it
(tenant-schemas-celery carries the schema in the message)."""

import logging

from celery import shared_task
from django.core.mail import send_mail
from django.db import connection
from django.utils.translation import gettext as _

from shop.models import SKU, Shipment, ShopSettings
from shop.services import buyer_auth
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
    from shop.services import payments

    return payments.submit_refund(store=_current_store(), refund=refund_id).status


@shared_task
def close_unpaid_orders() -> int:
    """In one store: cancel the orders whose time to pay ran out (their stock goes back on sale)."""
    from shop.services import orders

    return orders.close_unpaid_orders()


@shared_task
def complete_delivered_orders() -> int:
    """In one store: complete the shipped orders the buyer did not confirm in time."""
    from shop.services import orders

    return orders.complete_delivered_orders()


@shared_task
def retry_pending_refunds() -> int:
    """In one store: send again the refunds still waiting for their provider after ten minutes (a lost
    notification, a provider that was down). Each refund number refunds once at the provider."""
    from datetime import timedelta

    from django.utils import timezone

    from shop.models import Refund

    due = Refund.objects.filter(
        status=Refund.Status.PENDING, created_at__lte=timezone.now() - timedelta(minutes=10)
    ).values_list("pk", flat=True)[:200]
    for refund_id in due:
        submit_refund.delay(refund_id)
    return len(due)


@shared_task
def run_order_jobs_everywhere() -> int:
    """Beat's dispatcher (beat runs in public): the order jobs once per live store."""
    return sum(
        fan_out(task) for task in (close_unpaid_orders, complete_delivered_orders, retry_pending_refunds)
    )


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
