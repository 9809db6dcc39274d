"""Paying an order, through the one notification path every provider uses (the sandbox here; the WeChat
and Stripe adapters have their own tests in tests/shop/payments/): a verified notification for exactly
the amount asked pays the order once, however often it arrives; anything else changes nothing."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shop import events
from shop.models import Order, Payment, ProviderNotification, Refund
from shop.services import orders, payments
from tenants.activity.models import ActivityEntry
from tenants.errors import Conflict, InvalidInput, NotFound
from tests.conftest import run_in_threads


def test_a_sandbox_payment_pays_the_order(shop, django_capture_on_commit_callbacks):
    order = shop.place([(shop.small, 2)])
    announced = []
    events.order_paid.connect(
        lambda sender, signal, **kw: announced.append(kw), weak=False, dispatch_uid="t-paid"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            payment, ack, outcome = shop.pay(order)
    finally:
        events.order_paid.disconnect(dispatch_uid="t-paid")

    assert (outcome, ack.status) == ("paid", 200)
    assert order.status == Order.Status.PAID and order.paid_amount == Decimal("59.80")
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
    assert [e.kind for e in order.events.all()] == ["placed", "paid"]
    assert ActivityEntry.objects.filter(action="order.paid", target_id=str(order.pk)).exists()
    assert announced == [
        {
            "order_id": order.pk,
            "buyer_id": shop.buyer.pk,
            "amount": Decimal("59.80"),
            "paid_at": order.paid_at,
        }
    ]


def test_the_same_notification_again_changes_nothing(shop):
    order = shop.place([(shop.small, 1)])
    payment, _s = payments.start_payment(
        store=shop.store, order=order, buyer=shop.buyer, provider_code="sandbox", return_url="/"
    )
    headers, body = shop.notification(payment)
    for _ in range(3):
        shop.deliver(headers, body)
    assert ProviderNotification.objects.count() == 1
    order.refresh_from_db()
    assert order.paid_amount == Decimal("29.90") and order.events.filter(kind="paid").count() == 1


def test_ten_deliveries_of_one_notification_at_once_record_one_payment(committed_shop):
    shop = committed_shop
    with schema_context(shop.store.schema_name):
        order = shop.place([(shop.small, 1)])
        payment, _s = payments.start_payment(
            store=shop.store, order=order, buyer=shop.buyer, provider_code="sandbox", return_url="/"
        )
        headers, body = shop.notification(payment)

    def deliver():
        ack, outcome = payments.handle_notification(
            store=shop.store, provider_code="sandbox", headers=headers, body=body
        )
        return outcome

    outcomes = run_in_threads(shop.store.schema_name, [deliver] * 10)
    with schema_context(shop.store.schema_name):
        assert sorted(outcomes) == ["duplicate"] * 9 + ["paid"], outcomes
        assert ProviderNotification.objects.count() == 1
        order.refresh_from_db()
        assert order.status == Order.Status.PAID and order.events.filter(kind="paid").count() == 1


def _refused(shop, order, headers, body):
    ack, outcome = payments.handle_notification(
        store=shop.store, provider_code="sandbox", headers=headers, body=body
    )
    order.refresh_from_db()
    assert ack.status == 400, outcome
    assert order.status == Order.Status.PENDING_PAYMENT and not ProviderNotification.objects.exists()
    return outcome


def test_a_tampered_notification_is_refused(shop):
    order = shop.place([(shop.small, 1)])
    payment, _s = payments.start_payment(
        store=shop.store, order=order, buyer=shop.buyer, provider_code="sandbox", return_url="/"
    )
    headers, body = shop.notification(payment)
    data = json.loads(body)
    data["amount"] = 1
    _refused(shop, order, headers, json.dumps(data).encode())


def test_a_notification_for_a_different_amount_is_refused(shop):
    order = shop.place([(shop.small, 1)])
    payment, _s = payments.start_payment(
        store=shop.store, order=order, buyer=shop.buyer, provider_code="sandbox", return_url="/"
    )
    headers, body = shop.notification(payment, amount=Decimal("0.01"))
    assert "does not match" in _refused(shop, order, headers, body)


def test_an_old_notification_is_refused(shop):
    order = shop.place([(shop.small, 1)])
    payment, _s = payments.start_payment(
        store=shop.store, order=order, buyer=shop.buyer, provider_code="sandbox", return_url="/"
    )
    headers, body = shop.notification(
        payment, timestamp=int((timezone.now() - timedelta(minutes=10)).timestamp())
    )
    _refused(shop, order, headers, body)


def test_another_stores_notification_is_refused(store_b, shop):
    from shop.payments.registry import provider_for

    order = shop.place([(shop.small, 1)])
    payment, _s = payments.start_payment(
        store=shop.store, order=order, buyer=shop.buyer, provider_code="sandbox", return_url="/"
    )
    with schema_context(store_b.schema_name):
        headers, body = provider_for(store_b, "sandbox").build_notification(
            kind="payment_succeeded", out_trade_no=payment.out_trade_no, amount=payment.amount
        )
    _refused(shop, order, headers, body)


def test_a_payment_that_arrives_after_the_order_closed_is_refunded_in_full(shop, eager_tasks):
    order = shop.place([(shop.small, 1)])
    payment, _s = payments.start_payment(
        store=shop.store, order=order, buyer=shop.buyer, provider_code="sandbox", return_url="/"
    )
    # The buyer cancels while the provider's cashier is still open (the timeout job closes the payment
    # at the provider first; a cancellation does not wait for the provider).
    orders.cancel_order(order=order, actor=shop.buyer, role="buyer")
    headers, body = shop.notification(payment)

    with eager_tasks(execute=True):
        ack, outcome = payments.handle_notification(
            store=shop.store, provider_code="sandbox", headers=headers, body=body
        )

    order.refresh_from_db()
    refund = Refund.objects.get(payment=payment)
    assert (ack.status, outcome) == (200, "refunded: order not payable")
    assert order.status == Order.Status.CANCELLED and order.paid_amount == 0
    assert (refund.status, refund.amount) == (Refund.Status.SUCCEEDED, payment.amount)
    assert order.events.filter(kind="payment_refunded").exists()


def test_a_second_payment_of_a_paid_order_is_refunded(shop, eager_tasks):
    order = shop.place([(shop.small, 1)])
    first, _s = payments.start_payment(
        store=shop.store, order=order, buyer=shop.buyer, provider_code="sandbox", return_url="/"
    )
    second, _s = payments.start_payment(
        store=shop.store, order=order, buyer=shop.buyer, provider_code="sandbox", return_url="/"
    )
    with eager_tasks(execute=True):
        for payment in (first, second):
            headers, body = shop.notification(payment)
            payments.handle_notification(
                store=shop.store, provider_code="sandbox", headers=headers, body=body
            )
    order.refresh_from_db()
    assert order.paid_amount == Decimal("29.90")
    assert list(Refund.objects.values_list("payment_id", "status")) == [(second.pk, "succeeded")]


def test_only_the_buyer_may_pay_an_unpaid_order_in_time(shop):
    order = shop.place([(shop.small, 1)])
    other = shop.new_buyer("+8613800138002", "买家二")
    with pytest.raises(NotFound):
        payments.start_payment(
            store=shop.store, order=order, buyer=other, provider_code="sandbox", return_url="/"
        )
    Order.objects.filter(pk=order.pk).update(pay_deadline=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Conflict, match="ran out"):
        payments.start_payment(
            store=shop.store, order=order, buyer=shop.buyer, provider_code="sandbox", return_url="/"
        )
    orders.cancel_order(order=order, actor=shop.buyer, role="buyer")
    with pytest.raises(Conflict):
        payments.start_payment(
            store=shop.store, order=order, buyer=shop.buyer, provider_code="sandbox", return_url="/"
        )
    assert not Payment.objects.exists()


def test_a_channel_the_caller_names_wins_over_the_browser_and_a_wrong_one_records_nothing(shop):
    order = shop.place([(shop.small, 1)])
    for channel in ("alipay", "jsapi"):  # no channel at all; not one the sandbox takes
        with pytest.raises(InvalidInput) as refused:
            payments.start_payment(
                store=shop.store,
                order=order,
                buyer=shop.buyer,
                provider_code="sandbox",
                return_url="/",
                channel=channel,
            )
        assert "channel" in refused.value.errors
    assert not Payment.objects.exists()
    payment, started = payments.start_payment(
        store=shop.store,
        order=order,
        buyer=shop.buyer,
        provider_code="sandbox",
        return_url="/",
        user_agent="Mozilla/5.0 (iPhone) MicroMessenger/8.0",
        channel="sandbox",
    )
    assert payment.channel == "sandbox" and started.kind == "redirect"
