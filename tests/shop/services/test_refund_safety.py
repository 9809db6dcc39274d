"""Money goes back once: a refund on its way reserves its amount (no second request can ask for it, the
buyer cannot withdraw and the merchant cannot reject once it is out), returns never put back more units
than were sold, refunds go through the payment that paid the order, and a refund the provider refused
can be tried again — once, as a new refund — until the buyer has their money."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.models import SKU, AfterSale, OrderLine, Refund, StockMovement
from shop.payments.base import PaymentProviderError
from shop.payments.sandbox import SandboxProvider
from shop.services import aftersales, orders, refunds
from shop.services.aftersales import AfterSaleInput
from tenants.activity.models import ActivityEntry
from tenants.errors import Conflict, ErrorCode, InvalidInput
from tests.conftest import owner_of


@pytest.fixture
def paid_order(shop):
    order = shop.place([(shop.small, 2), (shop.tea_sku, 1)])
    shop.pay(order)
    return order


@pytest.fixture
def owner(shop):
    return owner_of(shop.store)


def ask(shop, line, amount, *, kind="refund_only", **extra):
    return aftersales.request_after_sale(
        buyer=shop.buyer,
        data=AfterSaleInput(order_line_id=line.pk, kind=kind, amount=amount, reason="不想要了", **extra),
    )


def small_line(order, shop) -> OrderLine:
    return OrderLine.objects.get(order=order, sku=shop.small)


def shipped(order, owner, number="SF1234567890123"):
    orders.ship_order(order=order, actor=owner, carrier="sf", tracking_number=number)
    return order


def returned(shop, owner, request, number):
    aftersales.approve_after_sale(actor=owner, after_sale=request)
    aftersales.ship_return(buyer=shop.buyer, after_sale=request, carrier="sf", tracking_number=number)


@pytest.fixture
def provider_refuses(monkeypatch):
    """The sandbox refuses refunds (as WeChat does when the merchant's balance is short) until undone."""

    def refuse(self, request):
        raise PaymentProviderError("余额不足", provider="sandbox", provider_code="NOT_ENOUGH")

    monkeypatch.setattr(SandboxProvider, "refund", refuse)
    return monkeypatch.undo


# --- a refund on its way ---------------------------------------------------------------------------------


def test_a_refund_on_its_way_reserves_its_amount(shop, paid_order, owner):
    line = small_line(paid_order, shop)
    request = ask(shop, line, "50.00")
    aftersales.approve_after_sale(actor=owner, after_sale=request)  # sent after commit: still pending
    line.refresh_from_db()
    assert (line.refunded_amount, line.refunding_amount) == (Decimal("0.00"), Decimal("50.00"))
    assert line.refundable_amount == Decimal("9.80")


def test_the_buyer_cannot_withdraw_an_agreed_refund_nor_ask_again_for_the_same_money(shop, paid_order, owner):
    line = small_line(paid_order, shop)
    request = ask(shop, line, "59.80")
    aftersales.approve_after_sale(actor=owner, after_sale=request)

    with pytest.raises(Conflict) as refused:
        aftersales.withdraw_after_sale(buyer=shop.buyer, after_sale=request)
    assert refused.value.code == ErrorCode.ILLEGAL_TRANSITION
    request.refresh_from_db()
    assert request.status == AfterSale.Status.APPROVED and not request.can_withdraw

    # Even with that request out of the way, the money on its way is not there to ask for.
    AfterSale.objects.filter(pk=request.pk).update(status=AfterSale.Status.WITHDRAWN)
    with pytest.raises(InvalidInput) as too_much:
        ask(shop, line, "0.01")
    assert too_much.value.code == ErrorCode.REFUND_TOO_LARGE


def test_the_merchant_cannot_reject_a_return_once_it_is_received(shop, paid_order, owner):
    shipped(paid_order, owner)
    request = ask(shop, small_line(paid_order, shop), "59.80", kind=AfterSale.Kind.RETURN_AND_REFUND)
    returned(shop, owner, request, "SF1234567890124")
    aftersales.receive_return(actor=owner, after_sale=request, restock=True)  # the refund is out

    with pytest.raises(Conflict):
        aftersales.reject_after_sale(actor=owner, after_sale=request, reason="不给退")
    refunds.submit_refund(store=shop.store, refund=Refund.objects.get(after_sale=request))
    request.refresh_from_db()
    line = small_line(paid_order, shop)
    assert request.status == AfterSale.Status.REFUNDED
    assert (line.refunded_amount, line.refunding_amount) == (Decimal("59.80"), Decimal("0.00"))


def test_a_return_may_still_be_withdrawn_before_it_is_sent_back(shop, paid_order, owner):
    shipped(paid_order, owner)
    request = ask(shop, small_line(paid_order, shop), "20.00", kind=AfterSale.Kind.RETURN_AND_REFUND)
    aftersales.approve_after_sale(actor=owner, after_sale=request)
    assert aftersales.withdraw_after_sale(buyer=shop.buyer, after_sale=request).status == "withdrawn"
    assert not Refund.objects.filter(after_sale=request).exists()


# --- returns ---------------------------------------------------------------------------------------------


def test_returns_of_one_line_never_put_back_more_units_than_were_sold(shop, paid_order, owner):
    shipped(paid_order, owner)
    line = small_line(paid_order, shop)  # 2 units
    before = SKU.objects.get(pk=shop.small.pk).stock

    first = ask(shop, line, "10.00", kind=AfterSale.Kind.RETURN_AND_REFUND, quantity=1)
    returned(shop, owner, first, "SF1234567890200")
    aftersales.receive_return(actor=owner, after_sale=first, restock=True)
    refunds.submit_refund(store=shop.store, refund=Refund.objects.get(after_sale=first))

    with pytest.raises(InvalidInput) as too_many:
        ask(shop, line, "10.00", kind=AfterSale.Kind.RETURN_AND_REFUND, quantity=2)
    assert "1" in str(too_many.value.errors["quantity"])
    second = ask(shop, line, "10.00", kind=AfterSale.Kind.RETURN_AND_REFUND)  # 0: what is left
    assert second.quantity == 1
    returned(shop, owner, second, "SF1234567890201")
    aftersales.receive_return(actor=owner, after_sale=second, restock=True)
    refunds.submit_refund(store=shop.store, refund=Refund.objects.get(after_sale=second))

    with pytest.raises(InvalidInput) as none_left:
        ask(shop, line, "10.00", kind=AfterSale.Kind.RETURN_AND_REFUND)
    assert "quantity" in none_left.value.errors
    assert SKU.objects.get(pk=shop.small.pk).stock - before == 2
    assert (
        sum(StockMovement.objects.filter(sku=shop.small, reason="return").values_list("change", flat=True))
        == 2
    )


def test_a_rejected_return_gives_its_units_back_to_ask_for(shop, paid_order, owner):
    shipped(paid_order, owner)
    line = small_line(paid_order, shop)
    first = ask(shop, line, "10.00", kind=AfterSale.Kind.RETURN_AND_REFUND)
    aftersales.reject_after_sale(actor=owner, after_sale=first, reason="已过质检")
    assert ask(shop, line, "10.00", kind=AfterSale.Kind.RETURN_AND_REFUND).quantity == 2


# --- which payment -------------------------------------------------------------------------------------


def test_refunds_go_through_the_payment_that_paid_the_order(shop, owner, eager_tasks):
    order = shop.place([(shop.small, 1)])
    first = shop.start(order)
    second = shop.start(order)
    now = timezone.now()
    with eager_tasks(execute=True):
        # The second payment's notice arrives first and pays the order; the first one's arrives later,
        # saying it was paid earlier: that one is sent back in full.
        shop.deliver(*shop.notification(second, occurred_at=now))
        shop.deliver(*shop.notification(first, occurred_at=now - timedelta(seconds=30)))
    order.refresh_from_db()
    assert order.paid_by_id == second.pk
    assert Refund.objects.get(after_sale=None).payment_id == first.pk

    request = ask(shop, order.lines.get(), "5.00")
    with eager_tasks(execute=True):
        aftersales.approve_after_sale(actor=owner, after_sale=request)
    refund = Refund.objects.get(after_sale=request)
    assert (refund.payment_id, refund.status) == (second.pk, Refund.Status.SUCCEEDED)


# --- a refused refund, tried again --------------------------------------------------------------------


def test_a_refused_refund_gives_its_reservation_back_and_is_tried_again_once(
    shop, paid_order, owner, eager_tasks, provider_refuses
):
    line = small_line(paid_order, shop)
    request = ask(shop, line, "30.00")
    with eager_tasks(execute=True):
        aftersales.approve_after_sale(actor=owner, after_sale=request)
    failed = Refund.objects.get(after_sale=request)
    line.refresh_from_db()
    assert failed.status == Refund.Status.FAILED and failed.failure == "余额不足"
    assert (line.refunding_amount, line.refunded_amount) == (Decimal("0.00"), Decimal("0.00"))
    request.refresh_from_db()
    assert request.status == AfterSale.Status.APPROVED  # still waiting for its money

    provider_refuses()  # the merchant topped up their balance
    with eager_tasks(execute=True):
        retried = refunds.retry_refund(actor=owner, refund=failed)
    retried.refresh_from_db()
    request.refresh_from_db()
    line.refresh_from_db()
    assert retried.retry_of_id == failed.pk and retried.out_refund_no != failed.out_refund_no
    assert retried.status == Refund.Status.SUCCEEDED and request.status == AfterSale.Status.REFUNDED
    assert (line.refunded_amount, line.refunding_amount) == (Decimal("30.00"), Decimal("0.00"))
    assert ActivityEntry.objects.filter(action="refund.retried", actor=owner).count() == 1

    with pytest.raises(Conflict):
        refunds.retry_refund(actor=owner, refund=failed)  # tried again already
    with pytest.raises(Conflict):
        refunds.retry_refund(actor=owner, refund=retried)  # it went through
    assert Refund.objects.filter(after_sale=request).count() == 2


def test_a_payment_sent_back_in_full_is_tried_again_when_refused(shop, owner, eager_tasks, provider_refuses):
    order = shop.place([(shop.small, 1)])
    first, second = shop.start(order), shop.start(order)
    with eager_tasks(execute=True):
        shop.deliver(*shop.notification(first))
        shop.deliver(*shop.notification(second))  # paid twice: the second goes back, and is refused
    failed = Refund.objects.get(payment=second)
    assert failed.status == Refund.Status.FAILED

    provider_refuses()
    with eager_tasks(execute=True):
        retried = refunds.retry_refund(actor=owner, refund=failed.pk)
    retried.refresh_from_db()
    assert (retried.payment_id, retried.amount, retried.status) == (second.pk, second.amount, "succeeded")


def test_a_refund_for_a_request_no_longer_waiting_is_not_tried_again(
    shop, paid_order, owner, eager_tasks, provider_refuses
):
    request = ask(shop, small_line(paid_order, shop), "30.00")
    with eager_tasks(execute=True):
        aftersales.approve_after_sale(actor=owner, after_sale=request)
    failed = Refund.objects.get(after_sale=request)
    # The buyer and the merchant settled it another way: the request is closed.
    AfterSale.objects.filter(pk=request.pk).update(status=AfterSale.Status.WITHDRAWN)
    provider_refuses()
    with pytest.raises(Conflict):
        refunds.retry_refund(actor=owner, refund=failed)
    assert Refund.objects.filter(after_sale=request).count() == 1


def test_a_success_reported_after_a_failure_counts_once(
    shop, paid_order, owner, eager_tasks, provider_refuses
):
    line = small_line(paid_order, shop)
    request = ask(shop, line, "30.00")
    with eager_tasks(execute=True):
        aftersales.approve_after_sale(actor=owner, after_sale=request)
    refund = Refund.objects.get(after_sale=request)
    # The provider's notifications out of order: "failed", then "refunded" after all.
    refunds.complete_refund(refund=Refund.objects.get(pk=refund.pk))
    line.refresh_from_db()
    request.refresh_from_db()
    assert (line.refunded_amount, line.refunding_amount) == (Decimal("30.00"), Decimal("0.00"))
    assert request.status == AfterSale.Status.REFUNDED
