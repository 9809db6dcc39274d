"""After-sales per line: amounts exact to the fen, never more than what was paid for the line less what
was refunded, refunds through the provider the order was paid with, announced per line with amounts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shop import events
from shop.models import AfterSale, Order, OrderLine, Refund
from shop.services import aftersales
from shop.services.aftersales import AfterSaleInput
from tenants import sms
from tenants.activity.models import ActivityEntry
from tenants.errors import Conflict, InvalidInput, NotFound
from tests.conftest import owner_of


@pytest.fixture
def paid_order(shop):
    order = shop.place([(shop.small, 2), (shop.tea_sku, 1)])
    shop.pay(order)
    return order


def line_of(order, sku) -> OrderLine:
    return order.lines.get(sku=sku)


def ask(shop, line, amount, *, kind="refund_only", buyer=None, **extra):
    return aftersales.request_after_sale(
        buyer=buyer or shop.buyer,
        data=AfterSaleInput(order_line_id=line.pk, kind=kind, amount=amount, reason="不想要了", **extra),
    )


def test_a_partial_refund_of_one_line_is_exact_and_announced_with_amounts(shop, paid_order, eager_tasks):
    line = line_of(paid_order, shop.small)
    owner = owner_of(shop.store)
    request = ask(shop, line, "19.93")
    refunded = []
    events.order_item_refunded.connect(
        lambda sender, signal, **kw: refunded.append(kw), weak=False, dispatch_uid="t-refunded"
    )
    try:
        with eager_tasks(execute=True):
            aftersales.approve_after_sale(actor=owner, after_sale=request)
    finally:
        events.order_item_refunded.disconnect(dispatch_uid="t-refunded")

    request.refresh_from_db()
    line.refresh_from_db()
    paid_order.refresh_from_db()
    refund = Refund.objects.get(after_sale=request)
    assert request.status == AfterSale.Status.REFUNDED and refund.status == Refund.Status.SUCCEEDED
    assert line.refunded_amount == Decimal("19.93") and line.refundable_amount == Decimal("39.87")
    assert paid_order.refunded_amount == Decimal("19.93") and paid_order.status == Order.Status.PAID
    assert refunded == [
        {
            "order_id": paid_order.pk,
            "buyer_id": shop.buyer.pk,
            "order_line_id": line.pk,
            "amount": Decimal("19.93"),
            "line_refunded": Decimal("19.93"),
            "line_paid": Decimal("59.80"),
            "refund_id": refund.pk,
        }
    ]
    assert ActivityEntry.objects.filter(action="after_sale.approved", actor=owner).exists()
    assert ActivityEntry.objects.filter(action="refund.succeeded").exists()


def test_refunds_never_exceed_what_was_paid_for_the_line(shop, paid_order, eager_tasks):
    line = line_of(paid_order, shop.small)
    owner = owner_of(shop.store)
    with pytest.raises(InvalidInput, match="At most 59.80"):
        ask(shop, line, "59.81")
    with eager_tasks(execute=True):
        aftersales.approve_after_sale(actor=owner, after_sale=ask(shop, line, "50.00"))
    with pytest.raises(InvalidInput, match="At most 9.80"):
        ask(shop, line, "10.00")
    with eager_tasks(execute=True):
        aftersales.approve_after_sale(actor=owner, after_sale=ask(shop, line, "9.80"))
    with pytest.raises(InvalidInput):
        ask(shop, line, "0.01")  # a second refund of a fully refunded line
    line.refresh_from_db()
    assert line.refunded_amount == line.paid_amount == Decimal("59.80")


@pytest.mark.parametrize("amount", ["0", "-1", "1e2", "abc", "١٢", "99999999999999999999"])
def test_odd_amounts_are_refused(shop, paid_order, amount):
    with pytest.raises(InvalidInput):
        ask(shop, line_of(paid_order, shop.small), amount)
    assert not AfterSale.objects.exists()


def test_one_open_request_per_line(shop, paid_order):
    line = line_of(paid_order, shop.small)
    ask(shop, line, "10")
    with pytest.raises(Conflict, match="already has an open request"):
        ask(shop, line, "5")


def test_only_the_buyer_of_a_paid_order_may_ask(shop, paid_order):
    other = shop.new_buyer("+8613800138002", "买家二")
    with pytest.raises(NotFound):
        ask(shop, line_of(paid_order, shop.small), "10", buyer=other)
    unpaid = shop.place([(shop.small, 1)])
    with pytest.raises(Conflict, match="awaiting payment"):
        ask(shop, unpaid.lines.get(), "10")
    from shop.services import orders

    orders.cancel_order(order=unpaid, actor=shop.buyer, role="buyer")
    with pytest.raises(Conflict, match="cancelled"):
        ask(shop, unpaid.lines.get(), "10")


def test_an_unshipped_order_is_refunded_only_never_returned(shop, paid_order):
    with pytest.raises(InvalidInput, match="not shipped"):
        ask(shop, line_of(paid_order, shop.small), "10", kind="return_refund")


def test_after_sales_close_some_days_after_completion(shop, paid_order):
    Order.objects.filter(pk=paid_order.pk).update(
        status="completed", completed_at=timezone.now() - timedelta(days=16)
    )
    with pytest.raises(Conflict, match="15 days"):
        ask(shop, line_of(paid_order, shop.small), "10")


def test_the_merchant_rejects_with_a_reason_and_the_buyer_may_withdraw(shop, paid_order):
    owner = owner_of(shop.store)
    request = ask(shop, line_of(paid_order, shop.small), "10")
    with pytest.raises(InvalidInput):
        aftersales.reject_after_sale(actor=owner, after_sale=request, reason="")
    aftersales.reject_after_sale(actor=owner, after_sale=request, reason="商品已使用")
    request.refresh_from_db()
    assert (request.status, request.reject_reason) == ("rejected", "商品已使用")
    with pytest.raises(Conflict):
        aftersales.approve_after_sale(actor=owner, after_sale=request)

    again = ask(shop, line_of(paid_order, shop.small), "10")
    aftersales.withdraw_after_sale(buyer=shop.buyer, after_sale=again)
    assert AfterSale.objects.get(pk=again.pk).status == "withdrawn"
    assert not Refund.objects.exists()


def test_the_buyer_is_told_when_paid_and_when_a_refund_is_decided(shop, eager_tasks):
    sms.outbox.clear()
    order = shop.place([(shop.small, 1)])
    with eager_tasks(execute=True):
        shop.pay(order)
    request = ask(shop, order.lines.get(), "5")
    with eager_tasks(execute=True):
        aftersales.approve_after_sale(actor=owner_of(shop.store), after_sale=request)

    titles = list(shop.buyer.notifications.order_by("id").values_list("kind", flat=True))
    assert titles == ["order_paid", "after_sale_approved", "after_sale_refunded"]
    texts = [m.text for m in sms.outbox if m.phone == shop.buyer.phone]
    assert len(texts) == 3 and order.number in texts[0] and "Payment received" in texts[0]


def test_a_refund_the_provider_refuses_is_marked_failed_and_the_merchant_told(
    shop, paid_order, eager_tasks, monkeypatch
):
    from shop.models import MerchantNotification
    from shop.payments.base import PaymentProviderError
    from shop.payments.sandbox import SandboxProvider

    def refuse(self, request):
        raise PaymentProviderError("closed account", provider="sandbox", provider_code="CLOSED")

    monkeypatch.setattr(SandboxProvider, "refund", refuse)
    request = ask(shop, line_of(paid_order, shop.small), "10")
    with eager_tasks(execute=True):
        aftersales.approve_after_sale(actor=owner_of(shop.store), after_sale=request)

    refund = Refund.objects.get(after_sale=request)
    assert (refund.status, refund.failure) == (Refund.Status.FAILED, "closed account")
    assert MerchantNotification.objects.filter(kind="refund_failed").exists()
    line_of(paid_order, shop.small).refresh_from_db()
    assert line_of(paid_order, shop.small).refunded_amount == 0


def test_a_provider_that_cannot_be_reached_leaves_the_refund_to_be_sent_again(shop, paid_order, monkeypatch):
    from shop.payments.base import ProviderUnavailable
    from shop.payments.sandbox import SandboxProvider
    from shop.services import refunds

    request = ask(shop, line_of(paid_order, shop.small), "10")
    aftersales.approve_after_sale(actor=owner_of(shop.store), after_sale=request)
    refund = Refund.objects.get(after_sale=request)

    def down(self, request):
        raise ProviderUnavailable("timeout", provider="sandbox", provider_code="NETWORK")

    monkeypatch.setattr(SandboxProvider, "refund", down)
    with pytest.raises(ProviderUnavailable):
        refunds.submit_refund(store=shop.store, refund=refund)
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.PENDING
    monkeypatch.undo()
    assert refunds.submit_refund(store=shop.store, refund=refund).status == Refund.Status.SUCCEEDED
