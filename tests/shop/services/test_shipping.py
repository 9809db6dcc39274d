"""Shipping: one order at a time or a whole file of them, with the carrier and tracking number the
merchant gives; an unpaid order never ships; returns come back the same way and may be restocked."""

import io
import types
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shop.models import SKU, AfterSale, Order, Shipment, StockMovement
from shop.services import aftersales, order_files, orders
from shop.services.aftersales import AfterSaleInput
from tenants.activity.models import ActivityEntry
from tenants.errors import Conflict, ErrorCode, InvalidInput
from tests.conftest import owner_of, run_in_threads


@pytest.fixture
def owner(shop):
    return owner_of(shop.store)


def paid(shop, *lines):
    order = shop.place(list(lines) or [(shop.small, 1)])
    shop.pay(order)
    return order


def test_shipping_a_paid_order_records_the_parcel_and_when_it_completes(shop, owner):
    order = paid(shop)
    shipment = orders.ship_order(
        order=order, actor=owner, carrier="顺丰", tracking_number="sf 1401 2345 67890"
    )
    order.refresh_from_db()
    assert (shipment.carrier, shipment.tracking_number) == ("shunfeng", "SF1401234567890")
    assert order.status == Order.Status.SHIPPED
    assert order.auto_complete_at - order.shipped_at == timedelta(days=10)
    assert ActivityEntry.objects.filter(action="order.shipped", actor=owner).exists()


def test_an_unpaid_order_does_not_ship_and_a_bad_carrier_or_number_is_refused(shop, owner):
    order = shop.place([(shop.small, 1)])
    with pytest.raises(Conflict, match="awaiting payment"):
        orders.ship_order(order=order, actor=owner, carrier="shunfeng", tracking_number="SF1401234567890")
    order = paid(shop)
    with pytest.raises(InvalidInput):
        orders.ship_order(order=order, actor=owner, carrier="飞鸽传书", tracking_number="SF12345678901")
    with pytest.raises(InvalidInput):
        orders.ship_order(order=order, actor=owner, carrier="shunfeng", tracking_number="12")
    assert not Shipment.objects.exists()


def test_one_tracking_number_ships_one_order(shop, owner):
    orders.ship_order(order=paid(shop), actor=owner, carrier="zhongtong", tracking_number="78123456789012")
    with pytest.raises(InvalidInput, match="already used"):
        orders.ship_order(
            order=paid(shop), actor=owner, carrier="zhongtong", tracking_number="78123456789012"
        )


def test_the_buyer_confirms_receipt(shop, owner):
    order = paid(shop)
    orders.ship_order(order=order, actor=owner, carrier="zhongtong", tracking_number="78123456789013")
    orders.confirm_receipt(order=order, buyer=shop.buyer)
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED and order.completed_at is not None


def test_a_file_ships_its_good_rows_and_names_the_bad_ones(shop, owner):
    first, second = paid(shop), paid(shop)
    unpaid = shop.place([(shop.small, 1)])
    rows = [
        "订单号,快递公司,运单号",
        f"{first.number},顺丰速运,SF1401234567890",
        f"{second.number},中通,",
        f"{unpaid.number},圆通,YT1234567890123",
        "20260101999999,圆通,YT1234567890124",
    ]
    result = order_files.ship_orders_from_file(
        actor=owner, file=io.BytesIO("\n".join(rows).encode("utf-8")), filename="发货.csv"
    )

    assert result.shipped == [first.number]
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "tracking_number"),
        (4, ""),
        (5, "order_number"),
    ]
    assert Order.objects.get(pk=second.pk).status == Order.Status.PAID


def test_a_file_without_the_columns_is_refused(shop, owner):
    with pytest.raises(InvalidInput, match="columns"):
        order_files.ship_orders_from_file(actor=owner, file=io.BytesIO(b"a,b\n1,2\n"), filename="x.csv")


def test_a_return_comes_back_is_restocked_and_refunded(shop, owner, eager_tasks):
    order = paid(shop, (shop.small, 2))
    orders.ship_order(order=order, actor=owner, carrier="yunda", tracking_number="4312345678901")
    line = order.lines.get()
    request = aftersales.request_after_sale(
        buyer=shop.buyer,
        data=AfterSaleInput(
            order_line_id=line.pk, kind="return_refund", amount="29.90", quantity=1, reason="坏果"
        ),
    )
    aftersales.approve_after_sale(actor=owner, after_sale=request)
    with pytest.raises(Conflict):
        aftersales.receive_return(actor=owner, after_sale=request, restock=True)  # not sent back yet
    aftersales.ship_return(
        buyer=shop.buyer, after_sale=request, carrier="中通", tracking_number="78123456789099"
    )
    with eager_tasks(execute=True):
        aftersales.receive_return(actor=owner, after_sale=request, restock=True)

    request.refresh_from_db()
    line.refresh_from_db()
    assert request.status == AfterSale.Status.REFUNDED and request.restocked
    assert line.refunded_amount == Decimal("29.90")
    assert SKU.objects.get(pk=shop.small.pk).stock == 9  # 10 - 2 sold + 1 back
    assert StockMovement.objects.filter(reason="return", reference=request.number).count() == 1


def test_orders_of_a_completed_day_range_export_as_a_spreadsheet(shop, owner):
    order = paid(shop)
    body = order_files.export_orders_csv(Order.objects.filter(pk=order.pk)).decode("utf-8-sig")
    header, row = body.splitlines()[:2]
    assert header.startswith("order_number,placed_at,status") and order.number in row
    assert (
        "29.90" in row
        and "烟台苹果" in row
        and timezone.localtime(order.placed_at).strftime("%Y-%m-%d") in row
    )


# --- an order refunded in full, and two parcels with one number ----------------------------------------


def refund_in_full(shop, owner, order, eager_tasks, *, execute=True):
    for line in order.lines.all():
        request = aftersales.request_after_sale(
            buyer=shop.buyer,
            data=AfterSaleInput(
                order_line_id=line.pk, kind="refund_only", amount=str(line.paid_amount), reason="不要了"
            ),
        )
        with eager_tasks(execute=execute):
            aftersales.approve_after_sale(actor=owner, after_sale=request)


@pytest.mark.parametrize("done", [True, False], ids=["refunded", "refund on its way"])
def test_an_order_refunded_in_full_is_not_shipped(shop, owner, eager_tasks, done):
    order = paid(shop, (shop.small, 1), (shop.tea_sku, 1))
    refund_in_full(shop, owner, order, eager_tasks, execute=done)

    with pytest.raises(Conflict) as caught:
        orders.ship_order(order=order, actor=owner, carrier="sf", tracking_number="SF1401234567890")

    assert caught.value.code == ErrorCode.ORDER_REFUNDED
    assert "nothing to ship" in caught.value.message
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and not Shipment.objects.exists()


def test_an_order_refunded_in_part_still_ships(shop, owner, eager_tasks):
    order = paid(shop, (shop.small, 1), (shop.tea_sku, 1))
    line = order.lines.get(sku=shop.small)
    request = aftersales.request_after_sale(
        buyer=shop.buyer,
        data=AfterSaleInput(order_line_id=line.pk, kind="refund_only", amount="29.90", reason="不要了"),
    )
    with eager_tasks(execute=True):
        aftersales.approve_after_sale(actor=owner, after_sale=request)

    orders.ship_order(order=order, actor=owner, carrier="sf", tracking_number="SF1401234567890")
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED


@pytest.fixture
def racing_check(monkeypatch):
    """The check for a used tracking number passes, as it does for two shipments at the same moment
    (neither sees the other yet); the unique index still decides."""
    real = orders.Shipment

    class Racing:
        objects = types.SimpleNamespace(
            filter=lambda **kw: types.SimpleNamespace(exists=lambda: False), create=real.objects.create
        )

    monkeypatch.setattr(orders, "Shipment", Racing)


def test_two_orders_shipped_with_one_number_at_once_give_a_field_error(shop, owner, racing_check):
    first, second = paid(shop), paid(shop, (shop.tea_sku, 1))
    orders.ship_order(order=first, actor=owner, carrier="sf", tracking_number="SF1401234567890")

    with pytest.raises(InvalidInput) as caught:
        orders.ship_order(order=second, actor=owner, carrier="sf", tracking_number="SF1401234567890")

    assert list(caught.value.errors) == ["tracking_number"]
    second.refresh_from_db()
    assert second.status == Order.Status.PAID
    assert list(Shipment.objects.values_list("order_id", flat=True)) == [first.pk]


def test_a_file_naming_one_number_twice_at_once_reports_the_second_row(shop, owner, racing_check):
    first, second = paid(shop), paid(shop, (shop.tea_sku, 1))
    content = "\r\n".join(
        [
            "订单号,快递公司,运单号",
            f"{first.number},sf,SF1401234567890",
            f"{second.number},sf,SF1401234567890",
        ]
    ).encode()

    result = order_files.ship_orders_from_file(actor=owner, file=content, filename="ship.csv")

    assert result.shipped == [first.number]
    assert [(e.row, e.column) for e in result.errors] == [(3, "tracking_number")]


def test_two_staff_shipping_two_orders_with_one_number_at_the_same_moment(committed_shop):
    shop = committed_shop
    with schema_context(shop.store.schema_name):
        owner = owner_of(shop.store)
        first, second = paid(shop), paid(shop, (shop.tea_sku, 1))

    def ship(order):
        return lambda: orders.ship_order(
            order=order.pk, actor=owner, carrier="sf", tracking_number="SF1401234567890"
        )

    results = run_in_threads(shop.store.schema_name, [ship(first), ship(second)])

    assert sorted(type(r).__name__ for r in results) == ["InvalidInput", "Shipment"], results
    refused = next(r for r in results if isinstance(r, InvalidInput))
    assert list(refused.errors) == ["tracking_number"]
    with schema_context(shop.store.schema_name):
        assert Shipment.objects.count() == 1
