"""Payments of orders, on the order side of the provider layer (shop/payments/): starting a payment, and
applying what a provider tells us — through ONE code path for every provider, the sandbox's pay page
included.

Applying a notification is idempotent twice over: the notification is stored once by its id (the
same delivery ten times at once records one), and each change is keyed on our payment or refund number
(a refund reported by the refund call and again by its notification counts once). Our own checks come
after the provider's signature: the payment must be one of this store's, by this provider, for exactly
the amount and currency we asked; anything else is refused and changes nothing.

Money that arrives for an order that no longer takes it — cancelled because its time ran out, or paid
already by another payment — is refunded in full automatically through the same provider (the order
stays cancelled: the buyer is told and gets the money back)."""

import dataclasses
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shop.models import Order, OrderEvent, Payment, ProviderNotification, Refund
from shop.payments.base import (
    Channel,
    EventKind,
    InvalidNotification,
    PaymentNotConfigured,
    PaymentProvider,
    PaymentProviderError,
    PaymentRequest,
    PaymentStart,
    ProviderEvent,
    choose_wechat_channel,
    json_acknowledgement,
)
from shop.payments.registry import PROVIDER_LABELS, available_providers, notify_url, provider_for
from shop.selectors.buyers import wechat_openid
from shop.services import orders as order_services
from shop.services import refunds
from shop.services.numbers import create_numbered, new_number
from tenants.errors import Conflict, DomainError, ErrorCode, InvalidInput, NotFound, ProviderUnavailable

logger = logging.getLogger(__name__)
Status = Order.Status


def _channel(provider_code: str, user_agent: str) -> str:
    if provider_code == "wechat":
        return choose_wechat_channel(user_agent)
    return Channel.CARD if provider_code == "stripe" else Channel.SANDBOX


def start_payment(
    *,
    store,
    order: Order | int,
    buyer,
    provider_code: str,
    return_url: str,
    user_agent: str = "",
    client_ip: str = "",
    payer_openid: str = "",
    channel: str = "",
    request=None,
) -> tuple[Payment, PaymentStart]:
    """Start paying an unpaid order of the buyer's with one of the store's providers. Returns the payment
    record and what the page does next (redirect, WeChat JSAPI parameters, a QR code, a card form).

    The channel follows the browser (`user_agent`) unless the caller names one (`channel`: an app or a
    mini-program knows how it pays). JSAPI pays as the buyer's openid in the app that takes the payment:
    the one given, else the one the buyer signed in to that app with.

    The provider's network call is made outside the order's lock and transaction: the payment is recorded
    and committed first (so the timeout job already sees it and asks the provider about it before it
    closes the order), then the provider is called, then its answer recorded. A provider that refuses or
    cannot be reached leaves that payment FAILED and the order payable (the buyer may try again). The
    order's payment method is set when a payment pays it, not here."""
    provider, payment, pay_request = _record_payment(
        store=store,
        order=order,
        buyer=buyer,
        provider_code=provider_code,
        return_url=return_url,
        client_ip=client_ip,
        payer_openid=payer_openid,
        channel=channel or _channel(provider_code, user_agent),
        request=request,
    )
    try:
        started = provider.start(pay_request)
    except DomainError as error:
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.STARTED).update(
            status=Payment.Status.FAILED
        )
        payment.status = Payment.Status.FAILED
        logger.warning(
            "could not start payment %s with %s: %s (%s)",
            payment.out_trade_no,
            provider_code,
            error.message,
            getattr(error, "provider_code", ""),
        )
        if isinstance(error, PaymentProviderError) and not isinstance(error, ProviderUnavailable):
            # The provider's own words are for the merchant (the log), not the buyer.
            raise PaymentProviderError(
                _("%(provider)s could not start this payment. Try again later, or choose another way to pay.")
                % {"provider": PROVIDER_LABELS.get(provider_code, provider_code)},
                provider=error.provider,
                provider_code=error.provider_code,
            ) from error
        raise
    if started.provider_payment_id:
        Payment.objects.filter(pk=payment.pk).update(provider_payment_id=started.provider_payment_id)
        payment.provider_payment_id = started.provider_payment_id
    return payment, started


@transaction.atomic
def _record_payment(
    *, store, order, buyer, provider_code, return_url, client_ip, payer_openid, channel, request
) -> tuple[PaymentProvider, Payment, PaymentRequest]:
    """start_payment's first step, under the order's lock: check the order may be paid, then record the
    payment (with the merchant account it goes to) and what the provider will be asked."""
    order = order_services.lock_order(order)
    if order.buyer_id != buyer.pk:
        raise NotFound(_("This order does not exist."))
    order_services.require_status(order, Status.PENDING_PAYMENT, doing=pgettext("order can be", "paid"))
    if order.pay_deadline <= timezone.now():
        raise Conflict(_("The time to pay this order ran out. Order again."), code=ErrorCode.ORDER_CLOSED)
    if provider_code not in available_providers(store):
        raise PaymentNotConfigured(_("This store does not take this way of paying."))
    provider = provider_for(store, provider_code)
    if channel not in Channel.__members__.values():
        raise InvalidInput({"channel": [_("Choose a payment channel.")]})
    if channel == Channel.JSAPI and not payer_openid and provider.payer_app_id:
        payer_openid = wechat_openid(buyer=buyer, app_id=provider.payer_app_id) or ""
    pay_request = PaymentRequest(
        out_trade_no=new_number("P", digits=12),
        amount=order.payable,
        currency=order.currency,
        description=_("Order %(number)s") % {"number": order.number},
        notify_url=notify_url(store, provider_code, request=request),
        return_url=return_url,
        channel=channel,
        payer_openid=payer_openid,
        client_ip=client_ip,
        expires_at=order.pay_deadline,
    )
    provider.check_request(pay_request)  # a payment it cannot take is refused before anything is recorded
    payment = create_numbered(  # a number that clashes is drawn again
        Payment,
        field="out_trade_no",
        prefix="P",
        digits=12,
        order=order,
        provider=provider_code,
        channel=channel,
        amount=pay_request.amount,
        currency=pay_request.currency,
        account=provider.account,
    )
    return provider, payment, dataclasses.replace(pay_request, out_trade_no=payment.out_trade_no)


def handle_notification(*, store, provider_code: str, headers, body: bytes):
    """A notify endpoint's whole job: verify the notification with the provider, apply it, and answer as
    the provider expects. Returns (Acknowledgement, outcome)."""
    try:
        provider = provider_for(store, provider_code)
    except (PaymentNotConfigured, InvalidInput) as error:
        logger.warning("notification for %s, which %s does not use: %s", provider_code, store, error.message)
        return None, error.message
    except DomainError as error:
        logger.warning("notification for %s of %s, unusable now: %s", provider_code, store, error.message)
        return json_acknowledgement(503, {"code": "FAIL", "message": str(error.code)}), error.message
    try:
        try:
            event = provider.parse_notification(headers=headers, body=body)
        except RecursionError:  # JSON nested deeper than any parser goes, wherever it is parsed
            raise InvalidNotification("the body is nested too deeply") from None
        outcome = apply_event(provider_code=provider_code, event=event, account=provider.account)
    except InvalidNotification as error:
        logger.warning("refused a %s notification for %s: %s", provider_code, store, error.message)
        return provider.acknowledge(False, message=error.message), error.message
    except DomainError as error:
        # Nothing was applied (apply_event's transaction rolled back): the provider is told to send it again
        # later, with a 5xx where the failure is on a provider's side (it is unavailable now).
        logger.warning(
            "could not apply a %s notification for %s (%s): %s",
            provider_code,
            store,
            error.code,
            error.message,
        )
        refusal = provider.acknowledge(False, message=str(error.code))
        if error.status_code >= 500:
            refusal = refusal._replace(status=error.status_code)
        return refusal, error.message
    return provider.acknowledge(True), outcome


def apply_event(*, provider_code: str, event: ProviderEvent, account: str = "") -> str:
    """Apply a verified provider event once. Returns what it did (kept on the notification record).
    `account` is the merchant account of the provider that verified it: a payment made to another
    account (the store changed its settings since) is refused, never acted on."""
    try:
        with transaction.atomic():
            notification = ProviderNotification.objects.create(
                provider=provider_code,
                event_id=event.event_id,
                kind=event.kind,
                out_trade_no=event.out_trade_no,
            )
            outcome = _apply(provider_code, event, account)
            notification.outcome = outcome[:200]
            notification.save(update_fields=["outcome"])
            return outcome
    except IntegrityError:
        # The same notification again (a concurrent delivery waited on the unique index for the first).
        if ProviderNotification.objects.filter(provider=provider_code, event_id=event.event_id).exists():
            return "duplicate"
        raise


def _apply(provider_code: str, event: ProviderEvent, account: str) -> str:
    if event.kind == EventKind.PAYMENT_SUCCEEDED:
        return _payment_succeeded(provider_code, event, account)
    if event.kind == EventKind.PAYMENT_FAILED:
        payment = _payment(provider_code, event, account)
        if payment.status == Payment.Status.STARTED:
            payment.status = Payment.Status.FAILED
            payment.save(update_fields=["status"])
        return "payment failed"
    if event.kind in (EventKind.REFUND_SUCCEEDED, EventKind.REFUND_FAILED, EventKind.REFUND_CLOSED):
        refund = Refund.objects.select_for_update().filter(out_refund_no=event.out_refund_no).first()
        if (
            refund is None
            or refund.payment.out_trade_no != event.out_trade_no
            or refund.payment.provider != provider_code
        ):
            # Not a refund of this store's, or not one sent through this provider: never act on it.
            raise InvalidNotification("unknown refund")
        _check_account(refund.payment, account)
        if event.kind == EventKind.REFUND_SUCCEEDED:
            if event.amount != refund.amount:
                raise InvalidNotification("refund amount does not match")
            refunds.complete_refund(refund=refund, provider_refund_id=event.provider_refund_id)
            return "refunded"
        refunds.fail_refund(refund=refund, message=event.kind)
        return "refund failed"
    return "ignored"


def _payment(provider_code: str, event: ProviderEvent, account: str) -> Payment:
    payment = Payment.objects.select_for_update().filter(out_trade_no=event.out_trade_no).first()
    if payment is None or payment.provider != provider_code:
        # Not one of this store's payments (or another provider's): never act on it.
        raise InvalidNotification("unknown payment")
    _check_account(payment, account)
    return payment


def _check_account(payment: Payment, account: str) -> None:
    """A payment is only ever acted on through the merchant account it was made to (payments recorded
    before accounts were kept have none, and pass)."""
    if account and payment.account and payment.account != account:
        logger.error(
            "payment %s was made to %s, but the store's %s settings now use %s: refused",
            payment.out_trade_no,
            payment.account,
            payment.provider,
            account,
        )
        raise InvalidNotification("the payment was made to another merchant account")


def _payment_succeeded(provider_code: str, event: ProviderEvent, account: str) -> str:
    payment = _payment(provider_code, event, account)
    if event.amount != payment.amount or event.currency != payment.currency:
        raise InvalidNotification(f"amount {event.amount} {event.currency} does not match the payment")
    if payment.status == Payment.Status.SUCCEEDED:
        return "already paid"
    order = order_services.lock_order(payment.order_id)
    payment.status, payment.paid_at = Payment.Status.SUCCEEDED, event.occurred_at
    payment.provider_payment_id = event.provider_payment_id or payment.provider_payment_id
    payment.save(update_fields=["status", "paid_at", "provider_payment_id"])
    if order.status == Status.PENDING_PAYMENT and payment.amount == order.payable:
        order_services.mark_order_paid(order=order, payment=payment)
        return "paid"
    # Paid too late (the order closed) or twice (another payment paid it): the money goes back.
    reason = (
        _("The order was already paid") if order.status != Status.CANCELLED else _("The order had closed")
    )
    refunds.refund_payment_in_full(payment=payment, reason=reason)
    order_services.add_event(order, OrderEvent.Kind.PAYMENT_REFUNDED, message=f"{payment.amount} {reason}")
    return "refunded: order not payable"
