"""Celery tasks of the shop. Queued from inside a store's schema, they run inside it
(tenant-schemas-celery carries the schema in the message)."""

from celery import shared_task
from django.core.mail import send_mail
from django.db import connection
from django.utils.translation import gettext as _

from shop.models import SKU, ShopSettings
from shop.services import buyer_auth
from tenants.links import store_url
from tenants.models import Store
from tenants.tasks import fan_out


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
