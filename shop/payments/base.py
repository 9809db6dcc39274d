"""The one payment provider interface. The order side (orders, payment and refund records, the notify
endpoints, the sandbox pay page) talks to every provider through it and imports no provider module:
`shop.payments.registry.provider_for(store, code)` gives a store's provider, configured from its settings.

Amounts are two-place Decimals here and integers of the smallest unit (fen) on the wire; only the provider
modules convert, through tenants.money. Nothing here knows an order model: the order side checks the amount,
the order number and the state against its own records, with what a `ProviderEvent` carries."""

import datetime
import ipaddress
import json
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar, NamedTuple

from django.utils.translation import gettext as _

from tenants.errors import Conflict, DomainError, ErrorCode, InvalidInput, ProviderError
from tenants.errors import ProviderUnavailable as OutsideProviderUnavailable
from tenants.inputs import clean_text
from tenants.money import MoneyError, to_money

# A notification whose signed timestamp is further than this from our clock is refused: a replay of an old,
# validly signed notification must not be processed again days later.
NOTIFICATION_WINDOW_SECONDS = 300

# WeChat Pay's rule for order and refund numbers (6-32 characters), narrowed to what is safe in a URL path
# (the sandbox pay page) and in Stripe metadata; the order side makes its numbers to fit.
TRADE_NO_RE = re.compile(r"[0-9A-Za-z_-]{6,32}")
CURRENCY_RE = re.compile(r"[A-Z]{3}")
# A WeChat openid (28 characters today; WeChat Pay takes up to 128) and a provider's own id of a payment
# (Stripe's "pi_…", WeChat's transaction_id), as they may be sent back to the provider.
OPENID_RE = re.compile(r"[0-9A-Za-z_-]{1,128}")
PROVIDER_ID_RE = re.compile(r"[0-9A-Za-z_]{1,255}")
# What a notification may carry for us to store: its id (printable, no spaces) and the provider's payment and
# refund ids, within their columns.
EVENT_ID_RE = re.compile(r"[!-~]{1,100}")
STORED_ID_RE = re.compile(r"[0-9A-Za-z_-]{1,64}")
EARLIEST_EVENT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class Channel(StrEnum):
    JSAPI = "jsapi"  # WeChat Pay inside WeChat's browser (WeixinJSBridge)
    H5 = "h5"  # WeChat Pay from another mobile browser (WeChat's H5 cashier)
    NATIVE = "native"  # WeChat Pay on a desktop: a QR code scanned with WeChat
    CARD = "card"  # Stripe
    SANDBOX = "sandbox"


WECHAT_CHANNELS = (Channel.JSAPI, Channel.H5, Channel.NATIVE)

_MOBILE_MARKERS = ("mobile", "android", "iphone", "ipad", "ipod", "harmonyos", "windows phone")


def choose_wechat_channel(user_agent: str) -> Channel:
    """How a browser pays with WeChat Pay: in WeChat itself JSAPI, in another phone browser H5 (which hands
    over to the WeChat app), on a desktop a Native QR code to scan."""
    agent = (user_agent or "").lower()
    if "micromessenger" in agent:
        return Channel.JSAPI
    if any(marker in agent for marker in _MOBILE_MARKERS):
        return Channel.H5
    return Channel.NATIVE


class StartKind(StrEnum):
    REDIRECT = "redirect"  # send the buyer to `url`
    JSAPI = "jsapi"  # call WeixinJSBridge "getBrandWCPayRequest" / wx.chooseWXPay with `jsapi_params`
    QR = "qr"  # show `code_url` as a QR code
    CLIENT_SECRET = "client_secret"  # confirm the card on the page with Stripe.js


class EventKind(StrEnum):
    PAYMENT_SUCCEEDED = "payment_succeeded"
    PAYMENT_FAILED = "payment_failed"
    REFUND_SUCCEEDED = "refund_succeeded"
    REFUND_FAILED = "refund_failed"
    REFUND_CLOSED = "refund_closed"
    # A genuine, verified notification that changes nothing here (a Stripe event type we do not act on, or an
    # event of another store sharing the same Stripe account): acknowledge it and do nothing.
    IGNORED = "ignored"


class RefundStatus(StrEnum):
    PENDING = "pending"  # accepted; the outcome comes in a refund notification
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    NOT_FOUND = "not_found"  # query_refund only: the provider has no refund of this number


class PaymentState(StrEnum):
    PENDING = "pending"  # not paid (yet)
    SUCCEEDED = "succeeded"
    REFUNDED = "refunded"  # was paid, then refunded (in part or whole)
    CLOSED = "closed"
    FAILED = "failed"
    NOT_FOUND = "not_found"  # the provider has no such payment


# --- errors --------------------------------------------------------------------------------------------


class InvalidNotification(DomainError):
    """A notification that must not be acted on: bad signature, undecryptable, outside the time window,
    malformed, or not for this store's merchant account. The reason goes to the log and, through
    `acknowledge(False, message=...)`, back to the provider; it is not UI text, hence not translated."""

    default_code = ErrorCode.INVALID_NOTIFICATION

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PaymentProviderError(ProviderError):
    """A payment provider refused or failed a call (an HTTP 4xx/5xx, an error object)."""

    default_code = ErrorCode.PAYMENT_PROVIDER_ERROR


class ProviderUnavailable(PaymentProviderError, OutsideProviderUnavailable):
    """The provider could not be reached or failed on its side (5xx, timeout): try again later."""

    status_code = 503
    default_code = ErrorCode.PAYMENT_PROVIDER_UNAVAILABLE


class CredentialsRejected(PaymentProviderError):
    """The provider does not accept the store's credentials (a wrong key, merchant number or signature)."""

    default_code = ErrorCode.PAYMENT_CREDENTIALS_REJECTED


class PaymentNotConfigured(Conflict):
    """The store has not set this provider up (or the platform has not: the sub-merchant number)."""

    default_code = ErrorCode.PAYMENT_NOT_CONFIGURED


class PaymentAlreadyPaid(Conflict):
    """Closing a payment the buyer has already paid: the order side should query it and mark it paid."""

    default_code = ErrorCode.PAYMENT_ALREADY_PAID


# --- what goes in and comes out ------------------------------------------------------------------------


def check_trade_no(name: str, value: str) -> None:
    """Our payment or refund number, before any provider sees it (WeChat Pay's rule, narrowed)."""
    if not isinstance(value, str) or not TRADE_NO_RE.fullmatch(value):
        raise InvalidInput({name: [_("6 to 32 letters, digits, hyphens or underscores.")]})


def check_provider_payment_id(value: str) -> None:
    """A provider's id of a payment that we send back to it (blank when there is none)."""
    if value and not (isinstance(value, str) and PROVIDER_ID_RE.fullmatch(value)):
        raise InvalidInput({"provider_payment_id": [_("Not a payment id of the provider.")]})


def _check_amount(name: str, value) -> None:
    try:
        exact = isinstance(value, Decimal) and to_money(value) == value
    except MoneyError:
        exact = False
    if not exact or value <= 0:
        raise InvalidInput({name: [_("A positive amount in fen precision.")]})


def _check_currency(value: str) -> None:
    if not isinstance(value, str) or not CURRENCY_RE.fullmatch(value):
        raise InvalidInput({"currency": [_("A three-letter currency code such as CNY.")]})


@dataclass(frozen=True)
class PaymentRequest:
    out_trade_no: str  # our payment number: unique per store and payment attempt
    amount: Decimal
    currency: str
    description: str  # what the buyer sees in WeChat or on the card statement
    notify_url: str  # absolute URL of the notify endpoint, carrying the store (one endpoint serves them all)
    return_url: str  # where the buyer lands after paying (H5 redirect, Stripe's confirmation)
    channel: str
    payer_openid: str = ""  # JSAPI: the buyer's openid for the app that pays (sub_appid, else the appid)
    client_ip: str = ""  # H5: the buyer's IP address, which WeChat Pay requires
    expires_at: datetime.datetime | None = None

    def __post_init__(self):
        check_trade_no("out_trade_no", self.out_trade_no)
        _check_amount("amount", self.amount)
        _check_currency(self.currency)
        if self.channel not in Channel.__members__.values():
            raise InvalidInput({"channel": [_("Choose a payment channel.")]})
        clean_text(self.description, field="description")
        if self.payer_openid and not (
            isinstance(self.payer_openid, str) and OPENID_RE.fullmatch(self.payer_openid)
        ):
            raise InvalidInput({"payer_openid": [_("Not a WeChat openid.")]})
        if self.client_ip:
            try:
                ipaddress.ip_address(self.client_ip)
            except ValueError:
                raise InvalidInput({"client_ip": [_("Not an IP address.")]}) from None


@dataclass(frozen=True)
class PaymentStart:
    """What the checkout page does next, by `kind` (StartKind)."""

    kind: str
    url: str = ""  # redirect
    jsapi_params: dict = field(
        default_factory=dict
    )  # jsapi: appId, timeStamp, nonceStr, package, signType, paySign
    code_url: str = ""  # qr
    client_secret: str = ""  # client_secret (Stripe PaymentIntent)
    publishable_key: str = ""  # client_secret: the store's Stripe publishable key for Stripe.js
    provider_payment_id: str = ""  # the provider's id of the payment where it exists already (Stripe: pi_...)


@dataclass(frozen=True)
class ProviderEvent:
    """A verified notification. `event_id` is the provider's notification id: processing must be idempotent
    on it, and every state change it causes idempotent on out_trade_no / out_refund_no as well (a refund is
    reported by `refund()`'s answer and again by one or more notifications)."""

    event_id: str
    kind: str  # EventKind
    out_trade_no: str
    provider_payment_id: str
    amount: Decimal  # paid (payment events) or refunded (refund events), to check against our record
    currency: str
    occurred_at: datetime.datetime
    out_refund_no: str = ""
    provider_refund_id: str = ""
    raw: dict = field(default_factory=dict)  # the decrypted notification, for the payment record

    def __post_init__(self):
        # A validly signed notification is still checked against what we store: ids that fit our columns
        # (no control characters), and a time a calendar can hold, near now.
        if not (isinstance(self.event_id, str) and EVENT_ID_RE.fullmatch(self.event_id)):
            raise InvalidNotification("the notification id is not one of a provider")
        for name in ("provider_payment_id", "provider_refund_id"):
            value = getattr(self, name)
            if value and not (isinstance(value, str) and STORED_ID_RE.fullmatch(value)):
                raise InvalidNotification(f"the {name} is not one of a provider")
        when = self.occurred_at
        if (
            not isinstance(when, datetime.datetime)
            or when.tzinfo is None
            or not (
                EARLIEST_EVENT <= when <= datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
            )
        ):
            raise InvalidNotification("the notification's time is not a plausible one")


@dataclass(frozen=True)
class RefundRequest:
    out_trade_no: str
    out_refund_no: str  # our refund number: the same number never refunds twice
    amount: Decimal  # this refund
    total_amount: Decimal  # what the payment was
    reason: str
    notify_url: str  # WeChat: where the refund's own notification goes
    currency: str = "CNY"
    provider_payment_id: str = ""  # Stripe refunds a PaymentIntent by its id; WeChat uses out_trade_no

    def __post_init__(self):
        check_trade_no("out_trade_no", self.out_trade_no)
        check_trade_no("out_refund_no", self.out_refund_no)
        _check_amount("amount", self.amount)
        _check_amount("total_amount", self.total_amount)
        _check_currency(self.currency)
        clean_text(self.reason, field="reason")
        check_provider_payment_id(self.provider_payment_id)
        if self.amount > self.total_amount:
            raise InvalidInput({"amount": [_("A refund cannot be more than the payment.")]})


@dataclass(frozen=True)
class RefundResult:
    status: str  # RefundStatus
    provider_refund_id: str
    message: str = ""


@dataclass(frozen=True)
class PaymentStatus:
    status: str  # PaymentState
    amount: Decimal | None  # what the provider has for the payment; None when it has none
    currency: str = ""
    provider_payment_id: str = ""


class Acknowledgement(NamedTuple):
    """How the notify endpoint answers, exactly as the provider expects: `HttpResponse(body, status=status,
    content_type=content_type)`."""

    status: int
    body: bytes
    content_type: str


# --- the interface ---------------------------------------------------------------------------------------


class PaymentProvider(ABC):
    code: ClassVar[str]
    channels: ClassVar[tuple[str, ...]]
    # The app whose openid a JSAPI payment pays as (WeChat Pay); empty for a provider without apps.
    payer_app_id: str = ""

    @property
    @abstractmethod
    def account(self) -> str:
        """The merchant account this provider's calls go to ("own:<mchid>", "sp:<sp_mchid>:<sub_mchid>",
        "stripe:<key fingerprint>", "sandbox:<store>"; at most 100 characters, no secret in it). Kept on
        each payment: its notifications and refunds must go to the same account after the store changes
        its settings."""

    def check_request(self, request: PaymentRequest) -> None:
        """Refuse (InvalidInput) a payment this provider cannot take, without a call: the order side
        checks before it records the payment, and `start()` checks again."""
        require_channel(self, request)

    @abstractmethod
    def start(self, request: PaymentRequest) -> PaymentStart:
        """Create the payment at the provider; raises PaymentProviderError (or a subclass) when refused."""

    @abstractmethod
    def parse_notification(self, *, headers: Mapping, body: bytes) -> ProviderEvent:
        """Verify and read a notification: `headers` may be request.headers, request.META or a dict; `body`
        is the raw request.body. Raises InvalidNotification."""

    @abstractmethod
    def acknowledge(self, ok: bool, *, message: str = "") -> Acknowledgement:
        """The notify endpoint's answer: `ok` once the event is processed (or was already), else a refusal
        that makes the provider send it again later."""

    @abstractmethod
    def refund(self, request: RefundRequest) -> RefundResult:
        """Ask for a refund. Raises PaymentProviderError when the provider refuses the request itself; a
        refund it accepts and later fails is reported in the result or a refund notification."""

    @abstractmethod
    def query_refund(
        self,
        out_refund_no: str,
        *,
        out_trade_no: str = "",
        provider_payment_id: str = "",
        provider_refund_id: str = "",
    ) -> RefundResult:
        """What the provider knows of a refund we asked for (a lost answer or notification): its status,
        RefundStatus.NOT_FOUND when it has no refund of that number (then asking again is safe)."""

    @abstractmethod
    def query_payment(self, out_trade_no: str, *, provider_payment_id: str = "") -> PaymentStatus:
        """What the provider knows of a payment (for a missed notification or a timeout job)."""

    @abstractmethod
    def close_payment(self, out_trade_no: str, *, provider_payment_id: str = "") -> None:
        """Make an unpaid payment unpayable (the order timed out or was cancelled). Raises
        PaymentAlreadyPaid when the buyer paid in the meantime; closing a closed payment is fine."""

    @abstractmethod
    def test_connection(self) -> str:
        """One harmless authenticated call. Returns what was checked, in words for the merchant; raises
        CredentialsRejected, ProviderUnavailable or PaymentProviderError with a clear message."""


# --- helpers the providers share -------------------------------------------------------------------------


def header(headers: Mapping, name: str) -> str:
    """A request header whatever the caller passes: Django's request.headers, request.META
    (HTTP_WECHATPAY_SIGNATURE) or a plain dict in any letter case. "" when absent."""
    meta_name = "HTTP_" + name.upper().replace("-", "_")
    wanted = {name.lower(), meta_name.lower()}
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() in wanted and isinstance(value, str | bytes):
            return value.decode("latin-1") if isinstance(value, bytes) else value
    return ""


def check_timestamp(value: str, *, now: float | None = None) -> int:
    """The notification's signed Unix timestamp, refused unless within NOTIFICATION_WINDOW_SECONDS."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise InvalidNotification("the timestamp header is missing or not a Unix time")
    stamp = int(text)
    now = time.time() if now is None else now
    if abs(now - stamp) > NOTIFICATION_WINDOW_SECONDS:
        raise InvalidNotification("the notification's timestamp is more than 5 minutes off")
    return stamp


def json_acknowledgement(status: int, payload: dict) -> Acknowledgement:
    return Acknowledgement(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")


def require_channel(provider: PaymentProvider, request: PaymentRequest) -> None:
    if request.channel not in provider.channels:
        raise InvalidInput(
            {
                "channel": [
                    _("This payment method cannot take a %(channel)s payment.") % {"channel": request.channel}
                ]
            }
        )
