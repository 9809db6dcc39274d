"""The periodic order jobs: the timeout job asks the provider before it closes an unpaid order (paid after
all → paid; else closed at the provider, so it cannot be paid any more; no answer → left for the next run),
one broken order never stops a batch, and the refund retry job asks before it sends again, backing off."""

import logging
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from shop.models import SKU, MerchantNotification, Order, Payment, ProviderNotification, Refund, StockMovement
from shop.payments.base import PaymentProviderError, PaymentState, PaymentStatus, ProviderUnavailable
from shop.payments.registry import provider_for
from shop.payments.sandbox import SandboxProvider
from shop.selectors.orders import OrderFilters
from shop.services import orders, payment_jobs, refunds
from tests.conftest import run_in_threads


def overdue(*placed):
    Order.objects.filter(pk__in=[o.pk for o in placed]).update(
        pay_deadline=timezone.now() - timedelta(seconds=1)
    )


def sandbox(shop) -> SandboxProvider:
    return provider_for(shop.store, "sandbox")


def paid_at_the_provider_only(shop, payment):
    """The buyer paid, and the provider's notification never arrived."""
    shop.notification(payment)  # the sandbox's pay button: recorded paid there, but not delivered here


# --- the timeout job asks the provider first -------------------------------------------------------------


def test_an_order_paid_whose_notification_was_lost_is_recorded_paid_not_closed(shop):
    order = shop.place([(shop.small, 2)])
    payment = shop.start(order)
    paid_at_the_provider_only(shop, payment)
    overdue(order)

    assert orders.close_unpaid_orders(store=shop.store) == 0

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, order.paid_amount, order.paid_by_id) == (
        Order.Status.PAID,
        payment.amount,
        payment.pk,
    )
    assert order.payment_provider == "sandbox"
    assert payment.status == Payment.Status.SUCCEEDED and payment.checked_at is not None
    assert ProviderNotification.objects.get(event_id=f"query:{payment.out_trade_no}").outcome == "paid"
    assert SKU.objects.get(pk=shop.small.pk).stock == 8  # still sold

    # The real notification turns up late: nothing changes, nothing is refunded.
    ack, outcome = shop.deliver(*shop.notification(payment))
    order.refresh_from_db()
    assert (ack.status, outcome) == (200, "already paid")
    assert order.paid_amount == payment.amount and not Refund.objects.exists()


def test_an_unpaid_order_is_closed_at_the_provider_before_it_is_cancelled(shop):
    order = shop.place([(shop.small, 2)])
    payment = shop.start(order)
    overdue(order)

    assert orders.close_unpaid_orders(store=shop.store) == 1

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and SKU.objects.get(pk=shop.small.pk).stock == 10
    assert payment.status == Payment.Status.CLOSED and payment.checked_at is not None
    assert order.payment_provider == ""
    assert sandbox(shop).query_payment(payment.out_trade_no).status == PaymentState.CLOSED
    with pytest.raises(PaymentProviderError, match="closed"):
        paid_at_the_provider_only(shop, payment)  # the buyer's open cashier can no longer pay it


def test_a_provider_that_cannot_be_reached_leaves_the_order_for_the_next_run(shop, monkeypatch, caplog):
    order = shop.place([(shop.small, 2)])
    payment = shop.start(order)
    overdue(order)

    def down(self, out_trade_no, **kwargs):
        raise ProviderUnavailable("timeout", provider="sandbox", provider_code="NETWORK")

    with monkeypatch.context() as patched:
        patched.setattr(SandboxProvider, "query_payment", down)
        with caplog.at_level(logging.WARNING):
            assert orders.close_unpaid_orders(store=shop.store) == 0
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT and payment.status == Payment.Status.STARTED
    assert SKU.objects.get(pk=shop.small.pk).stock == 8
    assert order.number in caplog.text

    assert orders.close_unpaid_orders(store=shop.store) == 1  # the provider is back
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED


def test_a_payment_paid_between_the_query_and_the_close_is_recorded_paid(shop, monkeypatch):
    order = shop.place([(shop.small, 1)])
    payment = shop.start(order)
    overdue(order)
    real_query = SandboxProvider.query_payment
    asked = []

    def query_then_pay(self, out_trade_no, **kwargs):
        asked.append(out_trade_no)
        if len(asked) == 1:
            answer = real_query(self, out_trade_no, **kwargs)
            paid_at_the_provider_only(shop, payment)  # the buyer pays right after the query answered
            return answer
        return real_query(self, out_trade_no, **kwargs)

    monkeypatch.setattr(SandboxProvider, "query_payment", query_then_pay)
    assert orders.close_unpaid_orders(store=shop.store) == 0
    assert len(asked) == 2
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED


def test_a_payment_reported_paid_for_another_amount_is_not_recorded_nor_the_order_closed(shop, monkeypatch):
    order = shop.place([(shop.small, 1)])
    payment = shop.start(order)
    overdue(order)

    def wrong_amount(self, out_trade_no, **kwargs):
        return PaymentStatus(status=PaymentState.SUCCEEDED, amount=Decimal("0.01"), currency="CNY")

    monkeypatch.setattr(SandboxProvider, "query_payment", wrong_amount)
    assert orders.close_unpaid_orders(store=shop.store) == 0
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.STARTED


def test_the_timeout_job_twice_at_once_with_open_payments_closes_and_releases_each_once(committed_shop):
    shop = committed_shop
    with schema_context(shop.store.schema_name):
        placed = [shop.place([(shop.small, 1), (shop.tea_sku, 1)]) for _ in range(3)]
        started = [shop.start(order) for order in placed]
        overdue(*placed)

    closed = run_in_threads(shop.store.schema_name, [orders.close_unpaid_orders] * 2)
    with schema_context(shop.store.schema_name):
        assert sum(closed) == 3, closed
        assert (
            SKU.objects.get(pk=shop.small.pk).stock == 10 and SKU.objects.get(pk=shop.tea_sku.pk).stock == 3
        )
        assert StockMovement.objects.filter(reason="cancel").count() == 6
        assert set(
            Payment.objects.filter(pk__in=[p.pk for p in started]).values_list("status", flat=True)
        ) == {Payment.Status.CLOSED}


# --- one broken order never stops a batch ------------------------------------------------------------------


def test_one_order_whose_provider_breaks_does_not_stop_the_timeout_job(shop, monkeypatch, caplog):
    broken, fine = shop.place([(shop.small, 1)]), shop.place([(shop.small, 2)])
    broken_payment, _fine_payment = shop.start(broken), shop.start(fine)
    overdue(broken, fine)
    real_query = SandboxProvider.query_payment

    def breaks_on_one(self, out_trade_no, **kwargs):
        if out_trade_no == broken_payment.out_trade_no:
            raise RuntimeError("the provider answered garbage")
        return real_query(self, out_trade_no, **kwargs)

    monkeypatch.setattr(SandboxProvider, "query_payment", breaks_on_one)
    with caplog.at_level(logging.ERROR):
        assert orders.close_unpaid_orders(store=shop.store) == 1

    assert Order.objects.get(pk=broken.pk).status == Order.Status.PENDING_PAYMENT
    assert Order.objects.get(pk=fine.pk).status == Order.Status.CANCELLED
    assert SKU.objects.get(pk=shop.small.pk).stock == 9
    assert broken.number in caplog.text and "the provider answered garbage" in caplog.text


def test_one_order_that_fails_to_complete_does_not_stop_the_auto_complete_job(shop, monkeypatch, caplog):
    broken, fine = shop.place([(shop.small, 1)]), shop.place([(shop.tea_sku, 1)])
    for order in (broken, fine):
        shop.pay(order)
    Order.objects.filter(pk__in=[broken.pk, fine.pk]).update(
        status="shipped", auto_complete_at=timezone.now() - timedelta(seconds=1)
    )
    real_complete = orders._complete

    def breaks_on_one(order, **kwargs):
        if order.pk == broken.pk:
            raise RuntimeError("a receiver blew up")
        return real_complete(order, **kwargs)

    monkeypatch.setattr(orders, "_complete", breaks_on_one)
    with caplog.at_level(logging.ERROR):
        assert orders.complete_delivered_orders() == 1
    assert Order.objects.get(pk=broken.pk).status == Order.Status.SHIPPED
    assert Order.objects.get(pk=fine.pk).status == Order.Status.COMPLETED
    assert broken.number in caplog.text


# --- the refund retry job -------------------------------------------------------------------------------


@pytest.fixture
def pending_refund(shop, django_capture_on_commit_callbacks):
    """A paid order sent back in full, recorded but never answered (its submission task never ran)."""
    order = shop.place([(shop.small, 1)])
    payment, _ack, _outcome = shop.pay(order)
    with django_capture_on_commit_callbacks(execute=False):
        refund = refunds.refund_payment_in_full(payment=payment, reason="重复支付")
    Refund.objects.filter(pk=refund.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    return Refund.objects.select_related("payment").get(pk=refund.pk)


def _request(refund):
    from shop.payments.base import RefundRequest

    return RefundRequest(
        refund.payment.out_trade_no, refund.out_refund_no, refund.amount, refund.payment.amount, "", ""
    )


@pytest.fixture
def refunds_sent(monkeypatch):
    sent = []
    real_refund = SandboxProvider.refund

    def counting(self, request):
        sent.append(request.out_refund_no)
        return real_refund(self, request)

    monkeypatch.setattr(SandboxProvider, "refund", counting)
    return sent


def test_a_refund_the_provider_already_made_is_recorded_and_not_sent_again(
    shop, pending_refund, refunds_sent
):
    sandbox(shop).refund(_request(pending_refund))  # it went through; its answer was lost
    refunds_sent.clear()

    assert payment_jobs.retry_pending_refunds(store=shop.store) == 1

    refund = Refund.objects.get(pk=pending_refund.pk)
    assert refund.status == Refund.Status.SUCCEEDED and refund.provider_refund_id.startswith("SBXR")
    assert refunds_sent == [] and refund.attempts == 1


def test_a_refund_the_provider_never_got_is_sent_again_backing_off_while_it_is_down(
    shop, pending_refund, refunds_sent, monkeypatch
):
    now = timezone.now()

    def down(self, request):
        raise ProviderUnavailable("timeout", provider="sandbox", provider_code="NETWORK")

    with monkeypatch.context() as patched:
        patched.setattr(SandboxProvider, "refund", down)
        assert payment_jobs.retry_pending_refunds(store=shop.store, now=now) == 0
        first = Refund.objects.get(pk=pending_refund.pk)
        assert (first.status, first.attempts) == (Refund.Status.PENDING, 1)
        assert first.next_attempt_at == now + timedelta(minutes=10)
        # Not due again yet: nothing is asked.
        assert payment_jobs.retry_pending_refunds(store=shop.store, now=now + timedelta(minutes=5)) == 0
        assert Refund.objects.get(pk=pending_refund.pk).attempts == 1
        later = now + timedelta(minutes=11)
        payment_jobs.retry_pending_refunds(store=shop.store, now=later)
        second = Refund.objects.get(pk=pending_refund.pk)
        assert (second.attempts, second.next_attempt_at) == (2, later + timedelta(minutes=20))

    assert payment_jobs.retry_pending_refunds(store=shop.store, now=later + timedelta(minutes=21)) == 1
    refund = Refund.objects.get(pk=pending_refund.pk)
    assert (refund.status, refund.attempts) == (Refund.Status.SUCCEEDED, 3)
    assert refunds_sent == [refund.out_refund_no]


def test_the_back_off_doubles_up_to_twelve_hours():
    now = timezone.now()
    delays = [refunds.next_refund_attempt(n, now=now) - now for n in (1, 2, 3, 8, 20)]
    assert delays == [
        timedelta(minutes=10),
        timedelta(minutes=20),
        timedelta(minutes=40),
        timedelta(hours=12),
        timedelta(hours=12),
    ]


def test_a_store_whose_payment_settings_are_gone_fails_the_refund_with_the_reason(
    shop, pending_refund, settings
):
    settings.PAYMENT_SANDBOX = False  # the platform stopped offering the sandbox: nothing can refund it

    assert payment_jobs.retry_pending_refunds(store=shop.store) == 1

    refund = Refund.objects.get(pk=pending_refund.pk)
    assert refund.status == Refund.Status.FAILED and "not set up for this store" in refund.failure
    notice = MerchantNotification.objects.get(kind="refund_failed")
    assert pending_refund.order.number in notice.title and notice.body == refund.failure


def test_a_payment_made_to_another_account_is_never_refunded_from_this_one(
    shop, pending_refund, refunds_sent
):
    Payment.objects.filter(pk=pending_refund.payment_id).update(account="sandbox:the-old-account")

    payment_jobs.retry_pending_refunds(store=shop.store)

    refund = Refund.objects.get(pk=pending_refund.pk)
    assert refund.status == Refund.Status.FAILED and "sandbox:the-old-account" in refund.failure
    assert refunds_sent == []


def test_the_refund_retries_run_in_suspended_stores_too(store_a, monkeypatch):
    from shop import tasks
    from tenants.models import Store

    Store.objects.filter(pk=store_a.pk).update(status=Store.Status.SUSPENDED)
    queued = {}
    for task in (tasks.close_unpaid_orders, tasks.complete_delivered_orders, tasks.retry_pending_refunds):
        monkeypatch.setattr(
            task,
            "apply_async",
            lambda *a, name=task.name, headers=None, **k: queued.setdefault(name, []).append(
                headers["_schema_name"]
            ),
        )
    tasks.run_order_jobs_everywhere()
    assert store_a.schema_name in queued["shop.tasks.retry_pending_refunds"]
    assert store_a.schema_name not in queued.get("shop.tasks.close_unpaid_orders", [])


# --- starting a payment ----------------------------------------------------------------------------------


def test_a_payment_records_its_merchant_account_and_the_method_is_set_only_when_paid(shop):
    order = shop.place([(shop.small, 1)])
    payment = shop.start(order)
    order.refresh_from_db()
    assert payment.account == f"sandbox:{shop.store.schema_name}"
    assert order.payment_provider == "" and order not in OrderFilters(payment="sandbox").orders()

    shop.deliver(*shop.notification(payment))
    order.refresh_from_db()
    assert order.payment_provider == "sandbox" and order in OrderFilters(payment="sandbox").orders()


def test_a_notification_for_a_payment_made_to_another_account_is_refused(shop):
    order = shop.place([(shop.small, 1)])
    payment = shop.start(order)
    Payment.objects.filter(pk=payment.pk).update(account="sandbox:the-old-account")
    ack, outcome = shop.deliver(*shop.notification(payment))
    assert ack.status == 400 and "another merchant account" in outcome
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (ProviderUnavailable("Try again in a moment.", provider="sandbox"), "Try again in a moment."),
        (
            PaymentProviderError("INVALID_REQUEST 参数错误", provider="sandbox"),
            "could not start this payment",
        ),
    ],
)
def test_a_provider_error_at_start_fails_that_payment_and_the_order_stays_payable(
    shop, monkeypatch, error, message
):
    order = shop.place([(shop.small, 1)])

    def refuse(self, request):
        raise error

    with monkeypatch.context() as patched:
        patched.setattr(SandboxProvider, "start", refuse)
        with pytest.raises(PaymentProviderError, match=message) as raised:
            shop.start(order)
    assert "参数错误" not in raised.value.message  # the provider's words go to the log
    failed = Payment.objects.get(order=order)
    assert failed.status == Payment.Status.FAILED
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT and order.payment_provider == ""

    again = shop.start(order)
    assert again.status == Payment.Status.STARTED and again.pk != failed.pk


def test_the_provider_is_called_after_the_order_lock_and_the_payment_are_committed(
    committed_shop, monkeypatch
):
    shop = committed_shop
    with schema_context(shop.store.schema_name):
        order = shop.place([(shop.small, 1)])
    seen = {}
    real_start = SandboxProvider.start

    def start_and_look(self, request):
        def look():
            try:
                with schema_context(shop.store.schema_name), transaction.atomic():
                    seen["order_lockable"] = (
                        Order.objects.select_for_update(nowait=True).filter(pk=order.pk).exists()
                    )
                    seen["payment_committed"] = Payment.objects.filter(
                        out_trade_no=request.out_trade_no
                    ).exists()
            except Exception as exc:
                seen["error"] = repr(exc)
            finally:
                connection.close()

        thread = threading.Thread(target=look)
        thread.start()
        thread.join(timeout=20)
        return real_start(self, request)

    monkeypatch.setattr(SandboxProvider, "start", start_and_look)
    with schema_context(shop.store.schema_name):
        shop.start(order)
    assert seen == {"order_lockable": True, "payment_committed": True}
