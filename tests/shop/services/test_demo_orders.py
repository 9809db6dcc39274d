"""The demo store's buyers and orders (shop/demo_orders.py): every order state and after-sales state is
there, made through the services; money and stock add up; the times are in the past and in order; and
seeding twice changes nothing."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.utils import timezone

from shop import demo, demo_orders
from shop.models import (
    SKU,
    Address,
    AfterSale,
    AfterSaleEvent,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    Product,
    ProviderNotification,
    Refund,
    RefundLine,
    RegionShippingFee,
    Shipment,
    ShopSettings,
    StockMovement,
)
from tenants.activity.models import ActivityEntry
from tests.conftest import owner_of

Status = Order.Status
AS = AfterSale.Status


@pytest.fixture
def seeded(in_store_a, media_root):
    """Store A with the demo catalogue and orders, as `manage.py seed_demo` fills the demo store."""
    owner = owner_of(in_store_a)
    demo.seed(in_store_a, owner)
    before = timezone.now()
    demo_orders.seed(in_store_a, owner)
    return before, timezone.now()


def test_every_order_and_after_sales_state_is_there_with_the_buyers_and_rules(seeded):
    seed_started, _seed_ended = seeded
    assert Counter(Order.objects.values_list("status", flat=True)) == {
        Status.PENDING_PAYMENT: 1,
        Status.CANCELLED: 2,
        Status.PAID: 1,
        Status.SHIPPED: 3,
        Status.COMPLETED: 9,
    }
    assert Counter(AfterSale.objects.values_list("status", "kind")) == {
        (AS.REQUESTED, AfterSale.Kind.REFUND_ONLY): 1,
        (AS.APPROVED, AfterSale.Kind.RETURN_AND_REFUND): 1,
        (AS.RETURNED, AfterSale.Kind.RETURN_AND_REFUND): 1,
        (AS.REJECTED, AfterSale.Kind.REFUND_ONLY): 1,
        (AS.REFUNDED, AfterSale.Kind.REFUND_ONLY): 1,
        (AS.REFUNDED, AfterSale.Kind.RETURN_AND_REFUND): 1,
    }
    # Cancelled once by the buyer and once by the timeout job.
    assert set(
        OrderEvent.objects.filter(kind=OrderEvent.Kind.CANCELLED).values_list("actor_role", flat=True)
    ) == {"buyer", "system"}
    # The unpaid order closes soon.
    unpaid = Order.objects.get(status=Status.PENDING_PAYMENT)
    assert seed_started < unpaid.pay_deadline < seed_started + timedelta(minutes=15)
    # Parcels: one still on its way (its journey so far), the others signed for.
    on_the_way = Shipment.objects.exclude(state=Shipment.State.DELIVERED).get()
    assert on_the_way.order.status == Status.SHIPPED and len(on_the_way.tracking) >= 3
    delivered = Shipment.objects.filter(state=Shipment.State.DELIVERED)
    assert delivered.count() == 11 and all("已签收" in s.tracking[0]["text"] for s in delivered)
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.DELIVERED).count() == 11
    # Shipped and delivered but not confirmed: one without an after-sales request.
    assert (
        Order.objects.filter(status=Status.SHIPPED, shipments__state=Shipment.State.DELIVERED)
        .exclude(lines__after_sales__isnull=False)
        .count()
        == 1
    )
    # Completed by the buyer, and once by the auto-complete job.
    assert Counter(
        OrderEvent.objects.filter(kind=OrderEvent.Kind.COMPLETED).values_list("actor_role", flat=True)
    ) == {"buyer": 8, "system": 1}
    # Several lines; and a remote province that pays its ¥25 above the free-shipping amount.
    assert Order.objects.annotate(n=Count("lines")).filter(n__gte=3).count() >= 2
    remote = Order.objects.get(province_code="650000")
    assert remote.items_total >= Decimal("99.00") and remote.shipping_fee == Decimal("25.00")
    assert Order.objects.filter(shipping_fee=0).exists() and Order.objects.filter(shipping_fee=8).exists()
    # The demo buyer, the others, and the shipping rules.
    User = get_user_model()
    buyer = User.objects.get(role=User.Role.CUSTOMER, phone=demo_orders.DEMO_BUYER_PHONE)
    assert buyer.name == "小林" and not buyer.has_usable_password()
    addresses = Address.objects.filter(buyer=buyer)
    assert addresses.count() == 2 and addresses.filter(is_default=True).count() == 1
    assert {a.province_code for a in addresses} == {"310000", "110000"}
    # 小林 has something in each tab of his orders.
    assert set(Order.objects.filter(buyer=buyer).values_list("status", flat=True)) == {
        Status.PENDING_PAYMENT,
        Status.PAID,
        Status.SHIPPED,
        Status.COMPLETED,
    }
    assert User.objects.filter(role=User.Role.CUSTOMER).count() == 6
    assert Order.objects.values("buyer").distinct().count() == 6
    rules = ShopSettings.load()
    assert (rules.shipping_flat_fee, rules.free_shipping_over) == (Decimal("8.00"), Decimal("99.00"))
    assert list(RegionShippingFee.objects.values_list("province_code", "fee", "free_over_applies")) == [
        ("540000", Decimal("25.00"), False),
        ("630000", Decimal("25.00"), False),
        ("650000", Decimal("25.00"), False),
    ]


def test_money_and_stock_add_up(seeded):
    for order in Order.objects.prefetch_related("lines"):
        lines = list(order.lines.all())
        succeeded = Refund.objects.filter(order=order, status=Refund.Status.SUCCEEDED)
        if order.status in (Status.PENDING_PAYMENT, Status.CANCELLED):
            assert order.paid_amount == 0 and not order.payments.filter(status=Payment.Status.SUCCEEDED)
            continue
        assert (
            order.paid_amount == order.payable == order.payments.get(status=Payment.Status.SUCCEEDED).amount
        )
        # Shipping is paid for the order, never for a line.
        assert order.paid_amount - order.refunded_amount == order.shipping_fee + sum(
            line.paid_amount - line.refunded_amount for line in lines
        )
        assert order.refunded_amount == (succeeded.aggregate(s=Sum("amount"))["s"] or 0)
        for line in lines:
            assert line.refunded_amount == (
                RefundLine.objects.filter(order_line=line, refund__status=Refund.Status.SUCCEEDED).aggregate(
                    s=Sum("amount")
                )["s"]
                or 0
            )
    assert not Refund.objects.exclude(status=Refund.Status.SUCCEEDED).exists()
    # The partial refund: part of one line of a completed order; its other line untouched.
    partial = AfterSale.objects.get(status=AS.REFUNDED, kind=AfterSale.Kind.REFUND_ONLY)
    order = partial.order_line.order
    assert order.status == Status.COMPLETED and order.refunded_amount == partial.amount == Decimal("15.00")
    assert sorted(order.lines.values_list("refunded_amount", flat=True)) == [0, Decimal("15.00")]
    # Stock: the movement log sums to every SKU's stock.
    moved = dict(
        StockMovement.objects.order_by()
        .values_list("sku")
        .annotate(total=Sum("change"))
        .values_list("sku", "total")
    )
    skus = SKU.all_objects.all()
    assert skus.count() > 0 and {sku.pk: sku.stock for sku in skus} == {sku.pk: moved[sku.pk] for sku in skus}
    # Every line took its stock when ordered; a cancelled order gave it back; a restocked return too.
    for line in OrderLine.objects.select_related("order"):
        reference = line.order.number
        assert (
            StockMovement.objects.get(sku=line.sku, reference=reference, reason="order").change
            == -line.quantity
        )
        released = StockMovement.objects.filter(sku=line.sku, reference=reference, reason="cancel")
        assert released.exists() == (line.order.status == Status.CANCELLED)
    restocked = AfterSale.objects.get(restocked=True)
    assert StockMovement.objects.get(reference=restocked.number, reason="return").change == restocked.quantity
    assert all(p.in_stock for p in Product.objects.all())


def test_times_are_spread_over_weeks_in_the_past_and_in_order(seeded):
    started, ended = seeded
    placed = Order.objects.order_by("placed_at").values_list("placed_at", flat=True)
    assert placed.first() < started - timedelta(days=21) and placed.last() > started - timedelta(hours=1)
    first_product = Product.objects.order_by("created_at").first().created_at
    assert first_product < placed.first()
    for order in Order.objects.all():
        steps = [order.placed_at, order.paid_at, order.shipped_at, order.completed_at, order.cancelled_at]
        steps = [moment for moment in steps if moment]
        assert steps == sorted(steps) and steps[-1] <= ended, order.number
        # The history the services wrote, stamped when it happened (not when the seed ran).
        events = list(order.events.order_by("id").values_list("created_at", flat=True))
        assert events == sorted(events) and events[0] == order.placed_at and events[-1] <= ended
    for after_sale in AfterSale.objects.select_related("order_line__order"):
        history = list(after_sale.events.order_by("id").values_list("created_at", flat=True))
        assert after_sale.order_line.order.placed_at < after_sale.created_at == history[0]
        assert history == sorted(history) and history[-1] <= ended
    paid = ActivityEntry.objects.filter(action="order.paid")
    assert {entry.created_at for entry in paid} == set(
        Order.objects.exclude(paid_at=None).values_list("paid_at", flat=True)
    )


def test_seeding_twice_changes_nothing(seeded, in_store_a):
    models = (
        get_user_model(),
        Address,
        Order,
        OrderLine,
        OrderEvent,
        Payment,
        ProviderNotification,
        Refund,
        Shipment,
        AfterSale,
        AfterSaleEvent,
        StockMovement,
        ActivityEntry,
    )

    def state():
        return (
            [model.objects.count() for model in models],
            list(SKU.all_objects.order_by("id").values_list("stock", flat=True)),
            list(Order.objects.order_by("id").values_list("status", "paid_amount", "refunded_amount")),
            ShopSettings.load().updated_at,
        )

    before = state()
    owner = owner_of(in_store_a)
    demo.seed(in_store_a, owner)
    demo_orders.seed(in_store_a, owner)

    assert state() == before


def test_without_the_payment_sandbox_there_are_no_demo_orders(in_store_a, settings, caplog):
    settings.PAYMENT_SANDBOX = False

    demo_orders.seed(in_store_a, owner_of(in_store_a))

    assert not Order.objects.exists() and not get_user_model().objects.filter(role="customer").exists()
    assert "payment sandbox" in caplog.text
