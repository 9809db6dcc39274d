"""Refunds: money going back to a buyer through the provider that took it — made with the lines they
cover and reserved on those lines (so no second refund can race past what was paid), sent to the provider
after the commit, completed or failed by its answer or its notification, and sent again once by a person
when one failed. The retry job in shop/services/payment_jobs.py asks the provider before sending again."""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shop import events
from shop.models import Order, OrderEvent, OrderLine, Payment, Refund, RefundLine
from shop.payments.base import (
    PaymentNotConfigured,
    PaymentProvider,
    PaymentProviderError,
    RefundRequest,
    RefundResult,
    RefundStatus,
)
from shop.payments.registry import notify_url, provider_for
from shop.services import orders as order_services
from shop.services.numbers import create_numbered
from tenants import activity
from tenants.errors import Conflict, ErrorCode, InvalidInput, NotFound, ProviderUnavailable
from tenants.links import store_path

logger = logging.getLogger(__name__)
Status = Order.Status


def create_refund(
    *, payment: Payment, amount, reason: str, after_sale=None, lines=(), retry_of: Refund | None = None
) -> Refund:
    """Record a refund of `payment` (with what goes back per order line: `lines` of (line, amount, units)),
    reserve its lines' amounts while it is on its way, and submit it to the provider after commit. The
    caller holds the order's lock and has checked the amounts."""
    refund = create_numbered(
        Refund,
        field="out_refund_no",
        prefix="R",
        digits=12,
        order_id=payment.order_id,
        payment=payment,
        after_sale=after_sale,
        amount=amount,
        reason=reason,
        retry_of=retry_of,
    )
    for line, line_amount, quantity in lines:
        RefundLine.objects.create(refund=refund, order_line=line, amount=line_amount, quantity=quantity)
        OrderLine.objects.filter(pk=line.pk).update(refunding_amount=F("refunding_amount") + line_amount)
    submit_refund_on_commit(refund)
    return refund


def refund_payment_in_full(*, payment: Payment, reason: str) -> Refund:
    """Send a whole payment back (it paid nothing): recorded now, submitted to the provider after commit."""
    refund = create_refund(payment=payment, amount=payment.amount, reason=reason)
    activity.record(
        actor=None,
        action="payment.refunded",
        target_type="order",
        target_id=payment.order.pk,
        target_label=payment.order.number,
        changes={"refund": [None, payment.amount]},
        note=reason,
    )
    return refund


def submit_refund_on_commit(refund: Refund) -> None:
    from shop import tasks

    refund_id = refund.pk
    transaction.on_commit(lambda: tasks.submit_refund.delay(refund_id))


# A pending refund without an answer is looked at again after this, then after twice as long each time,
# at most every REFUND_RETRY_MAX (money owed to a buyer is never given up on).
REFUND_RETRY_FIRST = timedelta(minutes=10)
REFUND_RETRY_MAX = timedelta(hours=12)


def next_refund_attempt(attempts: int, *, now=None):
    """When the retry job next looks at a pending refund tried `attempts` times."""
    delay = min(REFUND_RETRY_FIRST * 2 ** max(attempts - 1, 0), REFUND_RETRY_MAX)
    return (now or timezone.now()) + delay


def submit_refund(*, store, refund: Refund | int) -> Refund:
    """Ask the payment's provider for the refund (outside any transaction: a network call), then record
    its answer. Safe to run again: the provider refunds one refund number once. Without an answer it stays
    pending, and the retry job (shop/services/payment_jobs.py) looks at it again from next_attempt_at."""
    refund = Refund.objects.select_related("payment", "order").get(pk=getattr(refund, "pk", refund))
    if refund.status != Refund.Status.PENDING:
        return refund
    Refund.objects.filter(pk=refund.pk).update(
        attempts=F("attempts") + 1, next_attempt_at=next_refund_attempt(refund.attempts + 1)
    )
    try:
        provider = provider_of_payment(store, refund.payment)
    except PaymentNotConfigured as error:
        return record_refund_result(refund, _refused(error))
    return send_refund(store, provider, refund)


def provider_of_payment(store, payment: Payment) -> PaymentProvider:
    """The provider to query, close or refund `payment` with: the store's, as long as it still pays into the
    merchant account the payment was made to. PaymentNotConfigured (a clear reason for the merchant) when
    it is not set up any more or now points to another account: a refund never goes to an account that
    was not paid, and a payment is never asked about at an account that does not know it."""
    provider = provider_for(store, payment.provider)
    if payment.account and provider.account != payment.account:
        logger.error(
            "payment %s was made to %s, but the store's %s settings now use %s: not sent there",
            payment.out_trade_no,
            payment.account,
            payment.provider,
            provider.account,
        )
        raise PaymentNotConfigured(
            _(
                "This payment was made to the merchant account %(paid_to)s, but the store's payment "
                "settings now use %(now)s: it cannot be checked or refunded through another account. Restore "
                "the settings of that account, then try again."
            )
            % {"paid_to": payment.account, "now": provider.account}
        )
    return provider


def _refused(error) -> RefundResult:
    return RefundResult(status=RefundStatus.FAILED, provider_refund_id="", message=error.message)


def send_refund(store, provider: PaymentProvider, refund: Refund) -> Refund:
    """Send the refund to `provider` and record its answer. ProviderUnavailable is raised (the refund stays
    pending for the retry job); a refusal fails the refund with the provider's reason."""
    payment = refund.payment
    try:
        result = provider.refund(
            RefundRequest(
                out_trade_no=payment.out_trade_no,
                out_refund_no=refund.out_refund_no,
                amount=refund.amount,
                total_amount=payment.amount,
                reason=refund.reason or _("Refund"),
                notify_url=notify_url(store, payment.provider),
                currency=payment.currency,
                provider_payment_id=payment.provider_payment_id,
            )
        )
    except ProviderUnavailable:
        raise  # still pending: the retry job asks about it again later
    except (PaymentProviderError, PaymentNotConfigured, InvalidInput) as error:
        # Refused outright (not paid, more than the payment, a closed account, keys that do not load).
        result = _refused(error)
    return record_refund_result(refund, result)


def record_refund_result(refund: Refund, result: RefundResult) -> Refund:
    """What the provider said of a refund (its answer, or a query): succeeded, failed, or still on its way."""
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if result.status == RefundStatus.SUCCEEDED:
            complete_refund(refund=locked, provider_refund_id=result.provider_refund_id)
        elif result.status == RefundStatus.FAILED:
            fail_refund(refund=locked, message=result.message)
        elif result.provider_refund_id and not locked.provider_refund_id:
            locked.provider_refund_id = result.provider_refund_id
            locked.save(update_fields=["provider_refund_id"])
    return Refund.objects.get(pk=refund.pk)


def complete_refund(*, refund: Refund, provider_refund_id: str = "") -> Refund:
    """The provider refunded: the order's lines and totals count it, its after-sales request is done,
    and each line's refund is announced (commission reverses on it). Once per refund."""
    from shop.services import aftersales

    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    # A refund reported failed and then refunded after all (notifications out of order) reserved nothing
    # any more: its lines only count it as refunded.
    reserved = refund.status == Refund.Status.PENDING
    refund.status, refund.completed_at = Refund.Status.SUCCEEDED, timezone.now()
    refund.provider_refund_id = provider_refund_id or refund.provider_refund_id
    refund.save(update_fields=["status", "completed_at", "provider_refund_id"])
    if refund.lines.exists():
        # The order first (every change of its amounts holds it), then its lines as they are now.
        order = order_services.lock_order(refund.order_id)
        for refund_line in refund.lines.select_related("order_line"):
            line = refund_line.order_line
            OrderLine.objects.filter(pk=line.pk).update(
                refunded_amount=F("refunded_amount") + refund_line.amount,
                refunding_amount=F("refunding_amount") - (refund_line.amount if reserved else 0),
            )
            line.refresh_from_db(fields=["refunded_amount"])
            events.send_on_commit(
                events.order_item_refunded,
                order_id=order.pk,
                buyer_id=order.buyer_id,
                order_line_id=line.pk,
                amount=refund_line.amount,
                line_refunded=line.refunded_amount,
                line_paid=line.paid_amount,
                refund_id=refund.pk,
            )
        Order.objects.filter(pk=order.pk).update(refunded_amount=F("refunded_amount") + refund.amount)
        order_services.add_event(
            order, OrderEvent.Kind.REFUNDED, message=f"{refund.amount}", refund=refund.out_refund_no
        )
    if refund.after_sale_id:
        aftersales.refunded(after_sale_id=refund.after_sale_id)
    activity.record(
        actor=None,
        action="refund.succeeded",
        target_type="order",
        target_id=refund.order_id,
        target_label=refund.order.number,
        changes={"refunded": [None, refund.amount]},
        note=refund.out_refund_no,
    )
    return refund


def fail_refund(*, refund: Refund, message: str) -> Refund:
    """The provider could not refund: say so to the merchant (the request stays open to try again)."""
    from shop.models import MerchantNotification

    if refund.status != Refund.Status.PENDING:
        return refund
    refund.status, refund.failure = Refund.Status.FAILED, (message or "")[:300]
    refund.save(update_fields=["status", "failure"])
    for refund_line in refund.lines.all():
        # The money is no longer on its way: the line may be refunded again (by retrying this refund).
        OrderLine.objects.filter(pk=refund_line.order_line_id).update(
            refunding_amount=F("refunding_amount") - refund_line.amount
        )
    MerchantNotification.objects.create(
        kind="refund_failed",
        title=_("A refund of %(amount)s failed (order %(number)s)")
        % {"amount": refund.amount, "number": refund.order.number},
        body=refund.failure,
        # The notice opens the request the refund was for (or the order, for a payment sent back).
        link=store_path("orders:after_sale", refund.after_sale_id)
        if refund.after_sale_id
        else store_path("orders:order", refund.order_id),
    )
    activity.record(
        actor=None,
        action="refund.failed",
        target_type="order",
        target_id=refund.order_id,
        target_label=refund.order.number,
        changes={"refund": [None, refund.amount]},
        note=refund.failure,
    )
    return refund


@transaction.atomic
def retry_refund(*, actor, refund: Refund | int) -> Refund:
    """Send a refund the provider refused again, as a new refund (a new number), once the merchant has
    settled why (the account's balance, its settings): for an after-sales request still waiting for its
    money, or a payment sent back in full. Each failed refund is tried again once; a retry that fails is
    itself tried again."""
    from shop.services import aftersales

    found = Refund.objects.select_for_update().filter(pk=getattr(refund, "pk", refund)).first()
    if found is None:
        raise NotFound(_("This refund does not exist."))
    if found.status != Refund.Status.FAILED:
        raise Conflict(_("Only a failed refund can be tried again."), code=ErrorCode.ILLEGAL_TRANSITION)
    again = Refund.objects.filter(retry_of=found).first()
    if again is not None:
        raise Conflict(
            _("This refund was tried again already: %(number)s.") % {"number": again.out_refund_no},
            code=ErrorCode.ILLEGAL_TRANSITION,
        )
    order_services.lock_order(found.order_id)
    if found.after_sale_id:
        after_sale = aftersales.locked_request(found.after_sale_id)
        if after_sale.status not in (aftersales.Status.APPROVED, aftersales.Status.RECEIVED):
            raise Conflict(
                _("The after-sales request of this refund is no longer waiting for it."),
                code=ErrorCode.ILLEGAL_TRANSITION,
            )
        retried = aftersales.refund_request(after_sale, retry_of=found)
    else:
        retried = create_refund(
            payment=found.payment, amount=found.amount, reason=found.reason, retry_of=found
        )
    activity.record(
        actor=actor,
        action="refund.retried",
        target_type="order",
        target_id=found.order_id,
        target_label=found.order.number,
        changes={"refund": [found.out_refund_no, retried.out_refund_no]},
        note=found.failure,
    )
    return retried
