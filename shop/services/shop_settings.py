"""How the shop behaves (shop/models ShopSettings, one row per store)."""

from django.db import transaction

from shop.models import Product, ShopSettings
from tenants import activity
from tenants.updates import model_update

FIELDS = ("auto_off_sale_when_sold_out", "low_stock_email")


@transaction.atomic
def update_shop_settings(*, actor, auto_off_sale_when_sold_out: bool, low_stock_email: bool) -> ShopSettings:
    settings = ShopSettings.objects.select_for_update().filter(pk=1).first() or ShopSettings.load()
    was_auto = settings.auto_off_sale_when_sold_out
    changes = model_update(
        instance=settings,
        fields=FIELDS,
        data={
            "auto_off_sale_when_sold_out": bool(auto_off_sale_when_sold_out),
            "low_stock_email": bool(low_stock_email),
        },
    )
    if settings.auto_off_sale_when_sold_out and not was_auto:
        # Turning it on applies to what is already sold out.
        Product.objects.filter(status=Product.Status.ON_SALE, in_stock=False).update(
            status=Product.Status.OFF_SALE, off_sale_by_stock=True
        )
    elif was_auto and not settings.auto_off_sale_when_sold_out:
        # Turning it off brings back what the setting took off sale (shown as sold out from now on).
        Product.objects.filter(status=Product.Status.OFF_SALE, off_sale_by_stock=True).update(
            status=Product.Status.ON_SALE, off_sale_by_stock=False
        )
    if changes:
        activity.record(
            actor=actor,
            action="shop_settings.updated",
            target_type="shop_settings",
            target_id="1",
            changes=changes,
        )
    return settings
