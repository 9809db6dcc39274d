"""What the periodic order jobs ask the payment providers (shop/tasks.py runs them per store): every
network call here is made outside any transaction, and its answer recorded through the same services a
notification or a refund's own answer goes through.

- Before the timeout job closes an unpaid order, `check_open_payments` asks the provider about each of its
  payments still open. One the provider says was paid after all (its notification was lost) is recorded
  as a notification would be — `apply_event` with the event id "query:<out_trade_no>", so the real
  notification arriving later finds the payment paid and changes nothing. Any other is closed at the
  provider, so the buyer can no longer pay an order that is about to close, and marked CLOSED.
- `retry_pending_refunds` looks again at refunds still pending (the provider was down, or never
  answered): it asks the provider whether the refund went through (`query_refund`), and sends it again
  only when the provider does not know it. Each try moves `next_attempt_at` further away (backing off);
  a store whose payment settings are gone fails the refund with the reason, for the merchant to retry.
"""

import logging

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.models import Order, Payment, Refund
from shop.payments.base import (
    EventKind,
    PaymentAlreadyPaid,
    PaymentNotConfigured,
    PaymentProvider,
    PaymentState,
    ProviderEvent,
    RefundResult,
    RefundStatus,
)
from shop.services import payments, refunds
from tenants.errors import ProviderUnavailable

logger = logging.getLogger(__name__)

# Payments a buyer may still complete at the provider: started, or failed (a declined card can be tried
# again on the same Stripe PaymentIntent; a start that timed out may exist at the provider after all).
OPEN_PAYMENT_STATES = (Payment.Status.STARTED, Payment.Status.FAILED)
PAID_STATES = (PaymentState.SUCCEEDED, PaymentState.REFUNDED)


class PaymentStillOpen(ProviderUnavailable):
    """A payment the provider would neither call paid nor close: the order waits for the next run."""


# --- unpaid orders --------------------------------------------------------------------------------------


def check_open_payments(*, store, order: Order, now=None) -> bool:
    """Ask the provider about each open payment of an unpaid order that ran out of time. Returns True when
    the order may be closed (each payment closed at its provider), False when one of them paid it. Raises
    ProviderUnavailable (or another domain error) when a provider cannot tell: the order stays open."""
    now = now or timezone.now()
    for payment in order.payments.filter(status__in=OPEN_PAYMENT_STATES).order_by("pk"):
        provider = refunds.provider_of_payment(store, payment)
        if not _close_or_record(provider, payment, now=now):
            return False
    return True


def _close_or_record(provider: PaymentProvider, payment: Payment, *, now) -> bool:
    """True once the payment is closed at the provider and here; False when it turned out to be paid."""
    known = provider.query_payment(payment.out_trade_no, provider_payment_id=payment.provider_payment_id)
    if known.status in PAID_STATES:
        _record_paid(provider, payment, known, now=now)
        return False
    try:
        provider.close_payment(payment.out_trade_no, provider_payment_id=payment.provider_payment_id)
    except PaymentAlreadyPaid:
        # Paid between the query and the close: ask again, and record it.
        known = provider.query_payment(payment.out_trade_no, provider_payment_id=payment.provider_payment_id)
        if known.status not in PAID_STATES:
            raise PaymentStillOpen(
                _("The provider says this payment is paid but does not report it paid yet."),
                provider=provider.code,
                provider_code="ORDERPAID",
            ) from None
        _record_paid(provider, payment, known, now=now)
        return False
    Payment.objects.filter(pk=payment.pk, status__in=OPEN_PAYMENT_STATES).update(
        status=Payment.Status.CLOSED, checked_at=now
    )
    return True


def _record_paid(provider: PaymentProvider, payment: Payment, known, *, now) -> None:
    outcome = payments.apply_event(
        provider_code=payment.provider,
        account=provider.account,
        event=ProviderEvent(
            event_id=f"query:{payment.out_trade_no}",
            kind=EventKind.PAYMENT_SUCCEEDED,
            out_trade_no=payment.out_trade_no,
            provider_payment_id=known.provider_payment_id,
            amount=known.amount,
            currency=known.currency or payment.currency,
            occurred_at=now,
        ),
    )
    Payment.objects.filter(pk=payment.pk).update(checked_at=now)
    logger.info("payment %s found paid when its order timed out: %s", payment.out_trade_no, outcome)


# --- pending refunds ------------------------------------------------------------------------------------


def due_refunds(*, now=None):
    """Pending refunds whose next look is due (those recorded before next_attempt_at was kept: ten minutes
    after they were made)."""
    now = now or timezone.now()
    return Refund.objects.filter(status=Refund.Status.PENDING).filter(
        Q(next_attempt_at__lte=now)
        | Q(next_attempt_at__isnull=True, created_at__lte=now - refunds.REFUND_RETRY_FIRST)
    )


def retry_pending_refunds(*, store, now=None, limit: int = 200) -> int:
    """The retry job in one store: each due refund on its own (one that fails is logged with its order's
    number and the rest go on). Returns how many it looked at."""
    looked = 0
    due = list(
        due_refunds(now=now).order_by("next_attempt_at", "pk").values_list("pk", "order__number")[:limit]
    )
    for refund_id, order_number in due:
        try:
            retry_pending_refund(store=store, refund=refund_id, now=now)
            looked += 1
        except ProviderUnavailable as error:
            logger.warning(
                "refund %s of order %s: provider unavailable (%s)", refund_id, order_number, error.message
            )
        except Exception:
            logger.exception("could not retry refund %s of order %s", refund_id, order_number)
    return looked


def retry_pending_refund(*, store, refund: Refund | int, now=None) -> Refund:
    """Look at one pending refund again: first ask the provider whether it knows it (succeeded, failed or
    still on its way is recorded as such); only a refund it never got is sent again (the same refund
    number: a provider refunds it once). Runs concurrently with itself safely: an attempt is claimed on the
    refund's attempt count first."""
    refund = Refund.objects.select_related("payment", "order").get(pk=getattr(refund, "pk", refund))
    now = now or timezone.now()
    if refund.status != Refund.Status.PENDING:
        return refund
    claimed = Refund.objects.filter(
        pk=refund.pk, status=Refund.Status.PENDING, attempts=refund.attempts
    ).update(
        attempts=refund.attempts + 1,
        next_attempt_at=refunds.next_refund_attempt(refund.attempts + 1, now=now),
    )
    if not claimed:
        return refund  # another run took this attempt
    try:
        provider = refunds.provider_of_payment(store, refund.payment)
    except PaymentNotConfigured as error:
        return refunds.record_refund_result(
            refund,
            RefundResult(status=RefundStatus.FAILED, provider_refund_id="", message=error.message),
        )
    known = provider.query_refund(
        refund.out_refund_no,
        out_trade_no=refund.payment.out_trade_no,
        provider_payment_id=refund.payment.provider_payment_id,
        provider_refund_id=refund.provider_refund_id,
    )
    if known.status == RefundStatus.NOT_FOUND:
        return refunds.send_refund(store, provider, refund)
    return refunds.record_refund_result(refund, known)
