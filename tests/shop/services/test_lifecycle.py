"""Order transitions: each checks the state, refuses an illegal move clearly, writes the history."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shop.models import SKU, Order, StockMovement
from shop.services import orders
from tenants.activity.models import ActivityEntry
from tenants.errors import Conflict, InvalidInput, NotFound
from tests.conftest import owner_of, run_in_threads


def test_the_buyer_cancels_an_unpaid_order_and_the_stock_comes_back(shop):
    order = shop.place([(shop.small, 4)])
    orders.cancel_order(order=order, actor=shop.buyer, role="buyer")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.cancel_reason == "Cancelled by the buyer"
    assert SKU.objects.get(pk=shop.small.pk).stock == 10
    with pytest.raises(Conflict, match="cancelled"):
        orders.cancel_order(order=order, actor=shop.buyer, role="buyer")
    assert SKU.objects.get(pk=shop.small.pk).stock == 10


def test_a_buyer_cannot_cancel_someone_elses_order(shop):
    order = shop.place([(shop.small, 1)])
    other = shop.new_buyer("+8613800138002", "买家二")
    with pytest.raises(NotFound):
        orders.cancel_order(order=order, actor=other, role="buyer")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_the_merchant_cancels_with_a_reason_in_the_activity_log(shop):
    order = shop.place([(shop.small, 1)])
    owner = owner_of(shop.store)
    with pytest.raises(InvalidInput):
        orders.cancel_order(order=order, actor=owner, role="merchant", reason="")
    orders.cancel_order(order=order, actor=owner, role="merchant", reason="买家要求")
    entry = ActivityEntry.objects.get(action="order.cancelled")
    assert (entry.actor_id, entry.note) == (owner.pk, "买家要求")


def test_a_paid_order_cannot_be_cancelled_and_an_unpaid_one_not_completed(shop):
    order = shop.place([(shop.small, 1)])
    with pytest.raises(Conflict, match="awaiting payment"):
        orders.confirm_receipt(order=order, buyer=shop.buyer)
    shop.pay(order)
    with pytest.raises(Conflict, match="paid: it cannot be cancelled"):
        orders.cancel_order(order=order, actor=shop.buyer, role="buyer")


def test_unpaid_orders_close_when_their_time_runs_out(shop):
    due = shop.place([(shop.small, 2)])
    fresh = shop.place([(shop.small, 1)])
    Order.objects.filter(pk=due.pk).update(pay_deadline=timezone.now() - timedelta(seconds=1))

    assert orders.close_unpaid_orders() == 1
    due.refresh_from_db()
    fresh.refresh_from_db()
    assert (due.status, fresh.status) == (Order.Status.CANCELLED, Order.Status.PENDING_PAYMENT)
    assert due.cancel_reason == "Not paid in time" and SKU.objects.get(pk=shop.small.pk).stock == 9


def test_the_timeout_job_twice_at_the_same_moment_releases_stock_once(committed_shop):
    shop = committed_shop
    with schema_context(shop.store.schema_name):
        placed = [shop.place([(shop.small, 1), (shop.tea_sku, 1)]) for _ in range(3)]
        Order.objects.filter(pk__in=[o.pk for o in placed]).update(
            pay_deadline=timezone.now() - timedelta(seconds=1)
        )

    closed = run_in_threads(shop.store.schema_name, [orders.close_unpaid_orders] * 2)
    with schema_context(shop.store.schema_name):
        assert sum(closed) == 3, closed
        assert (
            SKU.objects.get(pk=shop.small.pk).stock == 10 and SKU.objects.get(pk=shop.tea_sku.pk).stock == 3
        )
        assert StockMovement.objects.filter(reason="cancel").count() == 6


def test_shipped_orders_complete_by_themselves_after_the_stores_days(shop):
    order = shop.place([(shop.small, 1)])
    shop.pay(order)
    Order.objects.filter(pk=order.pk).update(
        status="shipped", auto_complete_at=timezone.now() - timedelta(seconds=1)
    )
    assert orders.complete_delivered_orders() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED and order.events.last().actor_role == "system"
    assert orders.complete_delivered_orders() == 0
