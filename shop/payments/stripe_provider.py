"""Card payments with Stripe PaymentIntents (stripe 16): a PaymentIntent per payment, confirmed on the
checkout page with Stripe.js and the store's publishable key; refunds; webhooks verified by
`stripe.Webhook.construct_event` on the raw body.

Every call passes the store's own secret key (`api_key=`): the global `stripe.api_key` is never set, so one
store's key can never serve another store's call. PaymentIntents and refunds carry the payment number and
the store in their metadata; a webhook for another store (two stores sharing one Stripe account both get
every event) is acknowledged and ignored."""

import datetime
import hashlib
from collections.abc import Mapping

import stripe
from django.utils.translation import gettext as _

from shop.payments.base import (
    TRADE_NO_RE,
    Acknowledgement,
    Channel,
    CredentialsRejected,
    EventKind,
    InvalidNotification,
    PaymentAlreadyPaid,
    PaymentProvider,
    PaymentProviderError,
    PaymentRequest,
    PaymentStart,
    PaymentState,
    PaymentStatus,
    ProviderEvent,
    ProviderUnavailable,
    RefundRequest,
    RefundResult,
    RefundStatus,
    StartKind,
    check_provider_payment_id,
    check_trade_no,
    header,
    json_acknowledgement,
    require_channel,
)
from tenants.errors import InvalidInput
from tenants.inputs import load_json
from tenants.money import ZERO, MoneyError, from_minor_units, to_minor_units

PAYMENT_STATES = {
    "succeeded": PaymentState.SUCCEEDED,
    "canceled": PaymentState.CLOSED,
    "processing": PaymentState.PENDING,
    "requires_payment_method": PaymentState.PENDING,
    "requires_confirmation": PaymentState.PENDING,
    "requires_action": PaymentState.PENDING,
    "requires_capture": PaymentState.PENDING,
}
REFUND_STATES = {
    "succeeded": RefundStatus.SUCCEEDED,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.FAILED,
    "pending": RefundStatus.PENDING,
    "requires_action": RefundStatus.PENDING,
}
REFUND_EVENTS = {
    "succeeded": EventKind.REFUND_SUCCEEDED,
    "failed": EventKind.REFUND_FAILED,
    "canceled": EventKind.REFUND_CLOSED,
}
METADATA_MAX = 500  # Stripe's limit for a metadata value


class StripeProvider(PaymentProvider):
    code = "stripe"
    channels = (Channel.CARD,)

    def __init__(self, *, store_key: str, publishable_key: str, secret_key: str, webhook_secret: str):
        self.store_key = store_key  # the store's schema name, in every object's metadata
        self.publishable_key = publishable_key
        self._secret_key = secret_key
        self._webhook_secret = webhook_secret

    def __repr__(self):  # never a key in a log or a traceback
        return f"StripeProvider(store={self.store_key!r})"

    @property
    def account(self) -> str:
        # The publishable key names one Stripe account (and its mode) without being a secret; a
        # fingerprint of it keeps the record short.
        return "stripe:" + hashlib.sha256(self.publishable_key.encode()).hexdigest()[:24]

    def _call(self, method, *args, **params):
        try:
            return method(*args, api_key=self._secret_key, **params)
        except (stripe.AuthenticationError, stripe.PermissionError) as exc:
            raise CredentialsRejected(
                _("Stripe does not accept the secret key: %(message)s")
                % {"message": exc.user_message or exc},
                provider=self.code,
                provider_code=exc.code or type(exc).__name__,
            ) from exc
        except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as exc:
            raise ProviderUnavailable(
                _("Stripe could not be reached. Try again in a moment."),
                provider=self.code,
                provider_code=exc.code or type(exc).__name__,
            ) from exc
        except stripe.StripeError as exc:
            raise PaymentProviderError(
                _("Stripe refused: %(message)s") % {"message": exc.user_message or exc},
                provider=self.code,
                provider_code=exc.code or type(exc).__name__,
            ) from exc

    def _metadata(self, out_trade_no: str, **more) -> dict:
        metadata = {"store": self.store_key, "out_trade_no": out_trade_no, **more}
        for key, value in metadata.items():
            # Stripe refuses a value over 500 characters (the whole payment or refund with it).
            if not isinstance(value, str) or len(value) > METADATA_MAX:
                raise InvalidInput({key: [_("At most %(n)s characters.") % {"n": METADATA_MAX}]})
        return metadata

    # --- paying ----------------------------------------------------------------------------------------

    def start(self, request: PaymentRequest) -> PaymentStart:
        require_channel(self, request)
        amount = to_minor_units(request.amount, request.currency)
        intent = self._call(
            stripe.PaymentIntent.create,
            amount=amount,
            currency=request.currency.lower(),
            description=request.description[:METADATA_MAX],
            payment_method_types=["card"],
            metadata=self._metadata(request.out_trade_no),
            # The same payment asked twice (a double click, a retried request) gets the same PaymentIntent;
            # another amount is another payment.
            idempotency_key=f"pi:{self.store_key}:{request.out_trade_no}:{amount}:{request.currency}",
        )
        return PaymentStart(
            kind=StartKind.CLIENT_SECRET,
            client_secret=intent.client_secret,
            publishable_key=self.publishable_key,
            provider_payment_id=intent.id,
        )

    # --- webhooks --------------------------------------------------------------------------------------

    def parse_notification(self, *, headers: Mapping, body: bytes) -> ProviderEvent:
        if not isinstance(body, bytes):
            raise InvalidNotification("the body must be the raw request body")
        try:
            # Checks the signature and that its timestamp is at most 5 minutes old.
            event = stripe.Webhook.construct_event(
                body, header(headers, "Stripe-Signature"), self._webhook_secret, api_key=self._secret_key
            )
        except stripe.SignatureVerificationError as exc:
            raise InvalidNotification(
                f"the Stripe signature does not verify: {exc.user_message or exc}"
            ) from exc
        # A signed body that is not an event object (JSON, but a list or a v2 event), or nested too deeply.
        except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
            raise InvalidNotification("the webhook body is not a Stripe event") from exc
        try:
            raw = load_json(body)
            return self._event(raw)
        except (KeyError, TypeError, ValueError, AttributeError, MoneyError) as exc:
            raise InvalidNotification(f"the event {getattr(event, 'id', '')!r} is malformed") from exc

    def _event(self, raw: dict) -> ProviderEvent:
        obj, event_type = raw["data"]["object"], raw["type"]
        metadata = obj.get("metadata") or {}
        out_trade_no = metadata.get("out_trade_no", "")
        common = {
            "event_id": str(raw["id"]),
            "occurred_at": datetime.datetime.fromtimestamp(int(raw["created"]), tz=datetime.UTC),
            "raw": raw,
        }
        ours = metadata.get("store") == self.store_key and TRADE_NO_RE.fullmatch(str(out_trade_no))
        kind = EventKind.IGNORED
        if ours and event_type in ("payment_intent.succeeded", "payment_intent.payment_failed"):
            kind = (
                EventKind.PAYMENT_SUCCEEDED
                if event_type == "payment_intent.succeeded"
                else EventKind.PAYMENT_FAILED
            )
            currency = obj["currency"].upper()
            received = obj["amount_received"] if kind == EventKind.PAYMENT_SUCCEEDED else obj["amount"]
            return ProviderEvent(
                kind=kind,
                out_trade_no=out_trade_no,
                provider_payment_id=obj["id"],
                amount=from_minor_units(received, currency),
                currency=currency,
                **common,
            )
        if ours and event_type.startswith("refund.") and obj.get("status") in REFUND_EVENTS:
            currency = obj["currency"].upper()
            return ProviderEvent(
                kind=REFUND_EVENTS[obj["status"]],
                out_trade_no=out_trade_no,
                provider_payment_id=str(obj.get("payment_intent") or ""),
                amount=from_minor_units(obj["amount"], currency),
                currency=currency,
                out_refund_no=str(metadata.get("out_refund_no", "")),
                provider_refund_id=obj["id"],
                **common,
            )
        return ProviderEvent(
            kind=kind,
            out_trade_no=str(out_trade_no),
            provider_payment_id="",
            amount=ZERO,
            currency="",
            **common,
        )

    def acknowledge(self, ok: bool, *, message: str = "") -> Acknowledgement:
        # Stripe wants a 2xx quickly; anything else is retried for up to three days.
        if ok:
            return json_acknowledgement(200, {"received": True})
        return json_acknowledgement(400, {"received": False, "error": message or "refused"})

    # --- refunds, queries, closing -------------------------------------------------------------------

    def refund(self, request: RefundRequest) -> RefundResult:
        if not request.provider_payment_id:
            raise InvalidInput({"provider_payment_id": [_("A Stripe refund needs the PaymentIntent id.")]})
        refund = self._call(
            stripe.Refund.create,
            payment_intent=request.provider_payment_id,
            amount=to_minor_units(request.amount, request.currency),
            metadata=self._metadata(
                request.out_trade_no,
                out_refund_no=request.out_refund_no,
                reason=request.reason[:METADATA_MAX],
            ),
            # One refund number is one refund, however often it is asked for: the retry job (which asks
            # query_refund first) and a re-sent task replay Stripe's first answer instead of refunding twice.
            idempotency_key=f"refund:{self.store_key}:{request.out_refund_no}",
        )
        return self._refund_result(refund)

    def _refund_result(self, refund) -> RefundResult:
        status = REFUND_STATES.get(refund.status, RefundStatus.PENDING)
        message = ""
        if status == RefundStatus.FAILED:
            message = _("Stripe could not refund this payment (%(reason)s).") % {
                "reason": getattr(refund, "failure_reason", None) or refund.status
            }
        return RefundResult(status=status, provider_refund_id=refund.id, message=message)

    def query_refund(
        self,
        out_refund_no: str,
        *,
        out_trade_no: str = "",
        provider_payment_id: str = "",
        provider_refund_id: str = "",
    ) -> RefundResult:
        if provider_refund_id:
            return self._refund_result(self._call(stripe.Refund.retrieve, provider_refund_id))
        if not provider_payment_id:
            # refund() never sends a refund without the PaymentIntent: none was made.
            return RefundResult(status=RefundStatus.NOT_FOUND, provider_refund_id="")
        # Refunds have no search: the PaymentIntent's refunds, ours by their metadata.
        found = self._call(stripe.Refund.list, payment_intent=provider_payment_id, limit=100)
        for refund in found.data:
            metadata = refund.metadata.to_dict() if refund.metadata else {}
            if metadata.get("store") == self.store_key and metadata.get("out_refund_no") == out_refund_no:
                return self._refund_result(refund)
        return RefundResult(status=RefundStatus.NOT_FOUND, provider_refund_id="")

    def _intent(self, out_trade_no: str, provider_payment_id: str):
        if provider_payment_id:
            check_provider_payment_id(provider_payment_id)
            return self._call(stripe.PaymentIntent.retrieve, provider_payment_id)
        # Checked before it goes into Stripe's search query.
        check_trade_no("out_trade_no", out_trade_no)
        # Without the id, Stripe's search finds it by metadata (it lags up to a minute behind new payments).
        found = self._call(
            stripe.PaymentIntent.search,
            query=f"metadata['store']:'{self.store_key}' AND metadata['out_trade_no']:'{out_trade_no}'",
            limit=1,
        )
        return found.data[0] if found.data else None

    def query_payment(self, out_trade_no: str, *, provider_payment_id: str = "") -> PaymentStatus:
        intent = self._intent(out_trade_no, provider_payment_id)
        if intent is None:
            return PaymentStatus(status=PaymentState.NOT_FOUND, amount=None)
        currency = intent.currency.upper()
        status = PAYMENT_STATES.get(intent.status, PaymentState.PENDING)
        amount = intent.amount_received if status == PaymentState.SUCCEEDED else intent.amount
        return PaymentStatus(
            status=status,
            amount=from_minor_units(amount, currency),
            currency=currency,
            provider_payment_id=intent.id,
        )

    def close_payment(self, out_trade_no: str, *, provider_payment_id: str = "") -> None:
        intent = self._intent(out_trade_no, provider_payment_id)
        if intent is None or intent.status == "canceled":
            return
        if intent.status == "succeeded":
            raise PaymentAlreadyPaid(_("The buyer has already paid this order by card."))
        self._call(stripe.PaymentIntent.cancel, intent.id)

    def test_connection(self) -> str:
        balance = self._call(stripe.Balance.retrieve)
        mode = _("live") if getattr(balance, "livemode", False) else _("test")
        return _("Stripe accepted your secret key (%(mode)s mode).") % {"mode": mode}
