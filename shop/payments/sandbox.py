"""The sandbox: a provider that moves no money, for development, demos and tests, and the default while a
store has no credentials (where the platform allows it: settings.PAYMENT_SANDBOX).

It takes the same paths through the order side as a real provider:
- `start()` sends the buyer to the local pay page `/pay/sandbox/<out_trade_no>/` (the order side's page);
- that page's button calls `build_notification(...)` and posts the result to the same notify endpoint a real
  provider calls, where `parse_notification()` verifies it as strictly as WeChat Pay's: an HMAC-SHA256
  signature over "{timestamp}\\n{nonce}\\n{body}\\n" with a key derived from SECRET_KEY and the store's
  schema (a notification made for store A never verifies in store B), and the ±5 minute window;
- it remembers each payment's state for a week, so `query_payment()` and `close_payment()` answer as WeChat
  Pay does (closing a paid payment is refused, paying a closed one too);
- refunds succeed at once: `refund()` answers "succeeded" and sends no refund notification. The order side
  can still make one with `build_notification(kind="refund_succeeded", ...)` to exercise that endpoint.
"""

import datetime
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Mapping
from decimal import Decimal

from django.core.cache import caches
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from shop.payments.base import (
    TRADE_NO_RE,
    Acknowledgement,
    Channel,
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
    RefundRequest,
    RefundResult,
    RefundStatus,
    StartKind,
    check_timestamp,
    check_trade_no,
    header,
    json_acknowledgement,
    require_channel,
)
from tenants.inputs import load_json
from tenants.money import MoneyError, from_minor_units, to_minor_units, to_money

PAY_PAGE = "/pay/sandbox/{out_trade_no}/"
STATE_TTL = 7 * 24 * 3600
SIGNATURE_HEADER = "Sandbox-Signature"
TIMESTAMP_HEADER = "Sandbox-Timestamp"
NONCE_HEADER = "Sandbox-Nonce"
_NOTIFIED_KINDS = {k.value for k in EventKind if k != EventKind.IGNORED}


class SandboxProvider(PaymentProvider):
    code = "sandbox"
    channels = (Channel.SANDBOX,)

    def __init__(self, *, store_key: str):
        self.store_key = store_key  # the store's schema name

    # --- the signature ---------------------------------------------------------------------------------

    def _key(self) -> bytes:
        # SECRET_KEY is read at every call: a notification signed under another secret never verifies.
        return salted_hmac("shop.payments.sandbox.notification", self.store_key).digest()

    def _sign(self, timestamp: str, nonce: str, body: bytes) -> str:
        message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body + b"\n"
        return hmac.new(self._key(), message, hashlib.sha256).hexdigest()

    # --- the provider's own memory of payments ---------------------------------------------------------

    def _state_key(self, out_trade_no: str) -> str:
        return f"sandbox-pay:{self.store_key}:{out_trade_no}"

    def _state(self, out_trade_no: str) -> dict | None:
        return caches["platform"].get(self._state_key(out_trade_no))

    def _save_state(self, out_trade_no: str, state: dict) -> None:
        # Read-modify-write without a lock: good enough for a provider that moves no money.
        caches["platform"].set(self._state_key(out_trade_no), state, STATE_TTL)

    # --- the interface ---------------------------------------------------------------------------------

    @property
    def account(self) -> str:
        return f"sandbox:{self.store_key}"[:100]

    def start(self, request: PaymentRequest) -> PaymentStart:
        require_channel(self, request)
        state = self._state(request.out_trade_no)
        if state and state["state"] in (PaymentState.SUCCEEDED, PaymentState.REFUNDED):
            raise PaymentAlreadyPaid(_("This payment is already paid."))
        if state and state["state"] == PaymentState.CLOSED:
            raise PaymentProviderError(
                _("This payment is closed."), provider=self.code, provider_code="CLOSED"
            )
        self._save_state(
            request.out_trade_no,
            {
                "state": PaymentState.PENDING,
                "amount": str(request.amount),
                "currency": request.currency,
                "refunds": {},
            },
        )
        return PaymentStart(kind=StartKind.REDIRECT, url=PAY_PAGE.format(out_trade_no=request.out_trade_no))

    def build_notification(
        self,
        *,
        kind: str,
        out_trade_no: str,
        amount: Decimal,
        currency: str = "CNY",
        out_refund_no: str = "",
        provider_refund_id: str = "",
        event_id: str = "",
        occurred_at: datetime.datetime | None = None,
        timestamp: int | None = None,
    ) -> tuple[dict, bytes]:
        """(headers, body) of a signed notification, as the pay page posts it to the notify endpoint. A
        payment_succeeded notification is the buyer paying: the sandbox records the payment as paid (and
        refuses it for a closed payment, as a real provider would)."""
        if kind not in _NOTIFIED_KINDS:
            raise ValueError(f"not a notification kind: {kind!r}")
        if kind == EventKind.PAYMENT_SUCCEEDED:
            self._record_paid(out_trade_no, to_money(amount), currency)
        body = json.dumps(
            {
                "id": event_id or f"SBX-{uuid.uuid4().hex}",
                "store": self.store_key,
                "kind": kind,
                "out_trade_no": out_trade_no,
                "transaction_id": f"SBX{out_trade_no}",
                "amount": to_minor_units(amount, currency),
                "currency": currency,
                "out_refund_no": out_refund_no,
                "refund_id": provider_refund_id,
                "occurred_at": (occurred_at or timezone.now()).isoformat(),
            },
            ensure_ascii=False,
        ).encode()
        stamp = str(int(timezone.now().timestamp()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(16)
        headers = {
            TIMESTAMP_HEADER: stamp,
            NONCE_HEADER: nonce,
            SIGNATURE_HEADER: self._sign(stamp, nonce, body),
        }
        return headers, body

    def _record_paid(self, out_trade_no: str, amount: Decimal, currency: str) -> None:
        state = self._state(out_trade_no) or {"refunds": {}}
        if state.get("state") == PaymentState.CLOSED:
            raise PaymentProviderError(
                _("This payment is closed."), provider=self.code, provider_code="CLOSED"
            )
        if state.get("state") not in (PaymentState.SUCCEEDED, PaymentState.REFUNDED):
            state.update(state=PaymentState.SUCCEEDED, amount=str(amount), currency=currency)
            self._save_state(out_trade_no, state)

    def parse_notification(self, *, headers: Mapping, body: bytes) -> ProviderEvent:
        stamp, nonce, signature = (
            header(headers, h) for h in (TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER)
        )
        if not (stamp and nonce and signature) or len(nonce) > 64:
            raise InvalidNotification("the signature headers are missing")
        if not isinstance(body, bytes):
            raise InvalidNotification("the body must be the raw request body")
        if not hmac.compare_digest(self._sign(stamp, nonce, body), signature):
            raise InvalidNotification("the signature does not match")
        check_timestamp(stamp)
        try:
            data = load_json(body.decode("utf-8"))
            if data["store"] != self.store_key:
                raise InvalidNotification("the notification is for another store")
            kind, out_trade_no, currency = data["kind"], data["out_trade_no"], data["currency"]
            if kind not in _NOTIFIED_KINDS or not TRADE_NO_RE.fullmatch(out_trade_no):
                raise ValueError(kind)
            return ProviderEvent(
                event_id=str(data["id"])[:64],
                kind=kind,
                out_trade_no=out_trade_no,
                provider_payment_id=str(data["transaction_id"]),
                amount=from_minor_units(data["amount"], currency),
                currency=currency,
                occurred_at=datetime.datetime.fromisoformat(data["occurred_at"]),
                out_refund_no=str(data.get("out_refund_no") or ""),
                provider_refund_id=str(data.get("refund_id") or ""),
                raw=data,
            )
        except InvalidNotification:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, MoneyError) as exc:
            raise InvalidNotification("the notification body is malformed") from exc

    def acknowledge(self, ok: bool, *, message: str = "") -> Acknowledgement:
        if ok:
            return json_acknowledgement(200, {"code": "SUCCESS"})
        return json_acknowledgement(400, {"code": "FAIL", "message": message or "FAIL"})

    def refund(self, request: RefundRequest) -> RefundResult:
        state = self._state(request.out_trade_no)
        if state is None:
            # The sandbox forgot the payment (its record expires): the order side knows it was paid, and
            # what it was; a real provider keeps its payments for a year.
            state = {"state": PaymentState.SUCCEEDED, "amount": str(request.total_amount), "refunds": {}}
        if state["state"] not in (PaymentState.SUCCEEDED, PaymentState.REFUNDED):
            raise PaymentProviderError(
                _("This payment is not paid, so it cannot be refunded."),
                provider=self.code,
                provider_code="NOT_PAID",
            )
        refunds = state.setdefault("refunds", {})
        if request.out_refund_no not in refunds:
            refunded = sum((Decimal(v) for v in refunds.values()), Decimal(0))
            if refunded + request.amount > Decimal(state["amount"]):
                raise PaymentProviderError(
                    _("The refunds would be more than the payment."),
                    provider=self.code,
                    provider_code="NOT_ENOUGH",
                )
            refunds[request.out_refund_no] = str(request.amount)
            state["state"] = PaymentState.REFUNDED
            self._save_state(request.out_trade_no, state)
        return RefundResult(status=RefundStatus.SUCCEEDED, provider_refund_id=f"SBXR{request.out_refund_no}")

    def query_refund(
        self,
        out_refund_no: str,
        *,
        out_trade_no: str = "",
        provider_payment_id: str = "",
        provider_refund_id: str = "",
    ) -> RefundResult:
        state = self._state(out_trade_no) or {}
        if out_refund_no in state.get("refunds", {}):
            return RefundResult(status=RefundStatus.SUCCEEDED, provider_refund_id=f"SBXR{out_refund_no}")
        return RefundResult(status=RefundStatus.NOT_FOUND, provider_refund_id="")

    def query_payment(self, out_trade_no: str, *, provider_payment_id: str = "") -> PaymentStatus:
        check_trade_no("out_trade_no", out_trade_no)
        state = self._state(out_trade_no)
        if not state:
            return PaymentStatus(status=PaymentState.NOT_FOUND, amount=None)
        return PaymentStatus(
            status=state["state"],
            amount=Decimal(state["amount"]) if state.get("amount") else None,
            currency=state.get("currency", ""),
            provider_payment_id=f"SBX{out_trade_no}" if state["state"] != PaymentState.PENDING else "",
        )

    def close_payment(self, out_trade_no: str, *, provider_payment_id: str = "") -> None:
        check_trade_no("out_trade_no", out_trade_no)
        state = self._state(out_trade_no) or {"refunds": {}}
        if state.get("state") in (PaymentState.SUCCEEDED, PaymentState.REFUNDED):
            raise PaymentAlreadyPaid(_("This payment is already paid."))
        state["state"] = PaymentState.CLOSED
        self._save_state(out_trade_no, state)

    def test_connection(self) -> str:
        return _("The sandbox needs no credentials: test payments work. No money moves.")
