"""What was ordered stays for the order history: an ordered SKU taken out of the matrix is retired, not
deleted, and an ordered product the merchant deletes is archived; both leave every list and page."""

from decimal import Decimal

from shop.models import SKU, OrderLine, Product
from shop.selectors import storefront
from shop.selectors.console import ProductFilters
from shop.services import products
from shop.services.product_input import ProductInput
from tests.conftest import owner_of


def _matrix(values):
    return ProductInput.build(
        title="烟台苹果",
        specs=[{"name": "规格1", "values": values}],
        skus=[{"spec_values": [v], "price": "29.90"} for v in values],
        status="on_sale",
    )


def test_an_ordered_sku_taken_out_of_the_matrix_is_retired_and_comes_back_when_added_again(shop):
    order = shop.place([(shop.large, 1)])
    product = Product.objects.get(pk=shop.apple.pk)
    owner = owner_of(shop.store)

    updated = products.update_product(
        product=product, expected_version=product.version, actor=owner, data=_matrix(["5斤"])
    )

    retired = SKU.all_objects.get(pk=shop.large.pk)
    assert retired.retired_at is not None and not retired.is_active
    assert list(updated.skus.values_list("pk", flat=True)) == [shop.small.pk]
    assert [s.pk for s in storefront.product_page(product.pk).skus] == [shop.small.pk]
    line = OrderLine.objects.get(order=order)
    assert (line.sku_id, line.spec_label, line.unit_price) == (shop.large.pk, "10斤", Decimal("49.90"))

    again = products.update_product(
        product=updated, expected_version=updated.version, actor=owner, data=_matrix(["5斤", "10斤"])
    )
    assert sorted(again.skus.values_list("pk", flat=True)) == [shop.small.pk, shop.large.pk]
    assert SKU.objects.get(pk=shop.large.pk).retired_at is None


def test_a_sku_never_ordered_is_simply_deleted(shop):
    product = Product.objects.get(pk=shop.apple.pk)
    products.update_product(
        product=product, expected_version=product.version, actor=None, data=_matrix(["5斤"])
    )
    assert not SKU.all_objects.filter(pk=shop.large.pk).exists()


def test_an_ordered_product_that_is_deleted_is_archived_out_of_sight(shop):
    order = shop.place([(shop.tea_sku, 1)])
    products.delete_product(product=shop.tea.pk, actor=owner_of(shop.store))

    archived = Product.all_objects.get(pk=shop.tea.pk)
    assert archived.archived_at is not None and archived.status == "off_sale"
    assert not Product.objects.filter(pk=shop.tea.pk).exists()
    assert shop.tea.pk not in [p.pk for p in ProductFilters().products()]
    assert OrderLine.objects.get(order=order).product.title == "龙井茶"
    # Its code is free for a new product.
    fresh = products.create_product(
        store=shop.store,
        actor=None,
        data=ProductInput.build(title="新茶", code=shop.tea.code, skus=[{"price": "10"}]),
    )
    assert fresh.code == shop.tea.code


def test_a_product_never_ordered_is_deleted_for_real(shop):
    products.delete_product(product=shop.tea.pk, actor=None)
    assert not Product.all_objects.filter(pk=shop.tea.pk).exists()


def _retire_large(shop):
    product = Product.objects.get(pk=shop.apple.pk)
    products.update_product(
        product=product, expected_version=product.version, actor=None, data=_matrix(["5斤"])
    )
    assert SKU.all_objects.get(pk=shop.large.pk).retired_at is not None


def test_cancelling_an_order_whose_sku_was_retired_since_gives_its_stock_back(shop):
    from shop.models import Order, StockMovement
    from shop.services import orders

    order = shop.place([(shop.large, 2), (shop.small, 1)])
    _retire_large(shop)

    orders.cancel_order(order=order, actor=shop.buyer, role="buyer")

    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert SKU.all_objects.get(pk=shop.large.pk).stock == 5
    assert SKU.objects.get(pk=shop.small.pk).stock == 10
    released = StockMovement.objects.filter(reference=order.number, reason="cancel")
    assert sorted(released.values_list("sku_id", "change")) == [(shop.small.pk, 1), (shop.large.pk, 2)]


def test_the_timeout_job_closes_an_order_of_a_retired_sku_and_releases_it(shop):
    from datetime import timedelta

    from django.utils import timezone

    from shop.models import Order
    from shop.services import orders

    order = shop.place([(shop.large, 3)])
    _retire_large(shop)
    Order.objects.filter(pk=order.pk).update(pay_deadline=timezone.now() - timedelta(seconds=1))

    assert orders.close_unpaid_orders() == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert SKU.all_objects.get(pk=shop.large.pk).stock == 5
