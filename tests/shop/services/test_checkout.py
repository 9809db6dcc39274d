"""Placing an order: priced by the one pricing service, stock reserved atomically, each line's paid
share recorded, idempotent on the client's key, refused clearly (nothing changed) when anything is off."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from shop.models import SKU, Order, RegionShippingFee, ShopSettings, StockMovement
from shop.services import checkout, pricing
from shop.services.pricing import Discount
from tenants.errors import Conflict, ErrorCode, InvalidInput, NotFound
from tests.conftest import run_in_threads


def test_placing_an_order_reserves_stock_and_records_what_each_line_costs(shop):
    order = shop.place([(shop.small, 2), (shop.tea_sku, 1)], buyer_note="请放门口")

    assert order.status == Order.Status.PENDING_PAYMENT
    assert (order.items_total, order.shipping_fee, order.payable) == (Decimal("147.80"), 0, Decimal("147.80"))
    lines = {line.sku_id: line for line in order.lines.all()}
    assert (lines[shop.small.pk].unit_price, lines[shop.small.pk].quantity) == (Decimal("29.90"), 2)
    assert lines[shop.small.pk].paid_amount == Decimal("59.80") and lines[shop.small.pk].unit_cost == Decimal(
        "18.00"
    )
    assert lines[shop.tea_sku.pk].title == "龙井茶"
    assert SKU.objects.get(pk=shop.small.pk).stock == 8 and SKU.objects.get(pk=shop.tea_sku.pk).stock == 2
    assert set(StockMovement.objects.filter(reference=order.number).values_list("reason", flat=True)) == {
        "order"
    }
    assert order.shipping_address["detail"] == "世纪大道 100 号" and order.province_code == "310000"
    assert order.buyer_note == "请放门口" and order.events.get().kind == "placed"


def test_the_same_key_makes_one_order(shop):
    first = shop.place([(shop.small, 1)], key="k-1")
    again = shop.place([(shop.small, 1)], key="k-1")
    assert again.pk == first.pk and Order.objects.count() == 1
    assert SKU.objects.get(pk=shop.small.pk).stock == 9


def test_the_same_key_with_other_lines_is_refused_not_answered_with_the_first_order(shop):
    first = shop.place([(shop.small, 1)], key="k-2")
    for other in ([(shop.small, 2)], [(shop.large, 1)], [(shop.small, 1), (shop.large, 1)]):
        with pytest.raises(Conflict) as refused:
            shop.place(other, key="k-2")
        assert "used for another order" in refused.value.message
    assert list(Order.objects.values_list("pk", flat=True)) == [first.pk]
    assert (
        SKU.objects.get(pk=shop.small.pk).stock == 9
        and SKU.objects.get(pk=shop.large.pk).stock == shop.large.stock
    )


def test_placing_says_whether_the_key_placed_the_order_now(shop):
    def placed(key):
        data = checkout.CheckoutInput(
            lines=((shop.small.pk, 1),), address_id=shop.address.pk, idempotency_key=key
        )
        return checkout.place_or_find_order(buyer=shop.buyer, data=data)

    first, again = placed("k-1"), placed("k-1")
    assert (first.created, again.created) == (True, False) and again.order.pk == first.order.pk


def test_a_double_click_at_the_same_moment_makes_one_order(committed_shop):
    store_a = committed_shop.store
    shop, key = committed_shop, uuid.uuid4().hex
    results = run_in_threads(store_a.schema_name, [lambda: shop.place([(shop.small, 3)], key=key).pk] * 4)
    with schema_context(store_a.schema_name):
        assert len(set(results)) == 1 and all(isinstance(r, int) for r in results), results
        assert Order.objects.count() == 1
        assert SKU.objects.get(pk=shop.small.pk).stock == 7


def test_discounts_are_allocated_across_lines_so_the_shares_sum_exactly(shop, monkeypatch):
    monkeypatch.setattr(
        pricing, "DISCOUNT_PROVIDERS", [lambda buyer, lines: [Discount("满100减10", Decimal("10.00"))]]
    )
    order = shop.place([(shop.small, 1), (shop.large, 1), (shop.tea_sku, 1)])

    shares = [line.discount_share for line in order.lines.order_by("sku_id")]
    assert sum(shares) == Decimal("10.00") and order.discount_total == Decimal("10.00")
    assert shares == [Decimal("1.78"), Decimal("2.97"), Decimal("5.25")]  # 29.90 : 49.90 : 88.00
    assert sum(line.paid_amount for line in order.lines.all()) == order.items_total - Decimal("10.00")
    assert order.payable == Decimal("157.80")


def test_shipping_is_flat_free_above_an_amount_and_different_for_some_provinces(shop):
    ShopSettings.objects.filter(pk=ShopSettings.load().pk).update(
        shipping_flat_fee="8.00", free_shipping_over="99.00"
    )
    assert shop.place([(shop.small, 1)]).shipping_fee == Decimal("8.00")
    assert shop.place([(shop.tea_sku, 2)]).shipping_fee == Decimal("0.00")

    RegionShippingFee.objects.create(province_code="650000", fee="25.00")
    far = shop.address_of(shop.buyer, province="650000")
    order = shop.place([(shop.tea_sku, 1)], address=far)
    assert order.shipping_fee == Decimal("25.00") and order.payable == Decimal("113.00")


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ([], InvalidInput),
        ([("small", 0)], InvalidInput),
        ([("small", 11)], Conflict),
        ([("small", 1000)], InvalidInput),
        ([("small", "1e3")], InvalidInput),
        ([("small", "²")], InvalidInput),
        ([(987654321, 1)], NotFound),
    ],
)
def test_bad_lines_are_refused_and_nothing_changes(shop, lines, error):
    resolved = [((getattr(shop, s).pk if isinstance(s, str) else s), q) for s, q in lines]
    with pytest.raises(error):
        checkout.place_order(
            buyer=shop.buyer,
            data=checkout.CheckoutInput(
                lines=tuple(resolved), address_id=shop.address.pk, idempotency_key="x"
            ),
        )
    assert not Order.objects.exists() and SKU.objects.get(pk=shop.small.pk).stock == 10


def test_a_sku_of_another_store_does_not_exist_here(shop, store_b_sku):
    connection.set_tenant(shop.store)
    with pytest.raises(NotFound):
        checkout.place_order(
            buyer=shop.buyer,
            data=checkout.CheckoutInput(
                lines=((store_b_sku.pk, 1),), address_id=shop.address.pk, idempotency_key="x"
            ),
        )


def test_another_buyers_or_a_deleted_address_is_refused(shop):
    other = shop.new_buyer("+8613800138002", "买家二")
    theirs = shop.address_of(other)
    with pytest.raises(NotFound):
        shop.place([(shop.small, 1)], address=theirs)
    from shop.services.addresses import delete_address

    delete_address(buyer=shop.buyer, address_id=shop.address.pk)
    with pytest.raises(NotFound, match="no longer exists"):
        shop.place([(shop.small, 1)])
    assert not Order.objects.exists()


def test_a_price_changed_since_the_page_was_shown_is_refused(shop):
    SKU.objects.filter(pk=shop.small.pk).update(price="32.00")
    with pytest.raises(Conflict, match="32.00"):
        shop.place([(shop.small, 1)], expected_payable="29.90")
    assert shop.place([(shop.small, 1)], expected_payable="32.00").payable == Decimal("32.00")


def test_off_sale_and_disabled_items_cannot_be_ordered(shop):
    shop.tea.status = "off_sale"
    shop.tea.save()
    with pytest.raises(Conflict, match="No longer on sale") as off_sale:
        shop.place([(shop.tea_sku, 1)])
    assert off_sale.value.code == ErrorCode.NOT_FOR_SALE
    SKU.objects.filter(pk=shop.large.pk).update(is_active=False)
    with pytest.raises(Conflict) as disabled:
        shop.place([(shop.large, 1)])
    assert disabled.value.code == ErrorCode.NOT_FOR_SALE
    SKU.objects.filter(pk=shop.small.pk).update(stock=0)
    with pytest.raises(Conflict) as sold_out:
        shop.place([(shop.small, 1)])
    assert sold_out.value.code == ErrorCode.OUT_OF_STOCK


def test_a_staff_account_cannot_buy(shop):
    from tests.conftest import owner_of

    with pytest.raises(InvalidInput):
        checkout.place_order(
            buyer=owner_of(shop.store),
            data=checkout.CheckoutInput(
                lines=((shop.small.pk, 1),), address_id=shop.address.pk, idempotency_key="x"
            ),
        )


def test_buyers_racing_for_the_last_units_never_oversell(committed_shop):
    store_a = committed_shop.store
    shop = committed_shop
    with schema_context(store_a.schema_name):
        buyers = [shop.buyer] + [shop.new_buyer(f"+86138001390{i:02d}", f"买家{i}") for i in range(5)]
        addresses = {b.pk: (shop.address if b == shop.buyer else shop.address_of(b)) for b in buyers}

    def buy(buyer):
        return lambda: shop.place([(shop.tea_sku, 1)], buyer=buyer, address=addresses[buyer.pk]).pk

    results = run_in_threads(store_a.schema_name, [buy(b) for b in buyers])
    with schema_context(store_a.schema_name):
        assert Order.objects.count() == 3 and SKU.objects.get(pk=shop.tea_sku.pk).stock == 0
        assert sum(1 for r in results if isinstance(r, int)) == 3
        assert all(isinstance(r, Conflict) for r in results if not isinstance(r, int)), results


def test_one_item_on_two_lines_past_the_most_of_one_item_is_refused_not_cut_down(shop):
    SKU.objects.filter(pk=shop.small.pk).update(stock=5000)
    with pytest.raises(InvalidInput) as refused:
        shop.place([(shop.small, 600), (shop.small, 600)])
    assert refused.value.errors == {"lines.1.quantity": ["At most 999 of one item."]}
    assert not Order.objects.exists()
    assert shop.place([(shop.small, 500), (shop.small, 499)]).lines.get().quantity == 999
