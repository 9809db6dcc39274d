"""WeChat Pay API v3 through wechatpayv3, in public-key mode (`public_key=` and `public_key_id=`: the client
is built without any network call and verifies every answer and notification with that key).

Two ways a store takes WeChat Pay:
- its own merchant account (direct mode): the store's mchid, appid, APIv3 key, merchant private key and
  certificate serial, and its WeChat Pay public key with the key's id;
- the platform as service provider (partner mode, `partner_mode=True`): the platform's account from the
  environment (WECHATPAY_SP_*) signs every call, with the store's sub-merchant number (`sub_mchid`, and
  optionally `sub_appid`) that the platform operator set.

Every library call returns (http_status, text): a 4xx/5xx becomes a clear domain error here, never a crash.
`callback()` verifies and decrypts a notification but checks no timestamp: we refuse one more than five
minutes off, check that it is for this store's merchant account, and hand the order side a ProviderEvent."""

import datetime
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.utils import load_public_key, rsa_verify

from shop.payments.base import (
    TRADE_NO_RE,
    WECHAT_CHANNELS,
    Acknowledgement,
    Channel,
    CredentialsRejected,
    EventKind,
    InvalidNotification,
    PaymentAlreadyPaid,
    PaymentNotConfigured,
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
    check_timestamp,
    check_trade_no,
    header,
    json_acknowledgement,
    require_channel,
)
from tenants.errors import InvalidInput
from tenants.inputs import load_json
from tenants.money import ZERO, MoneyError, from_minor_units, to_minor_units

CHINA = ZoneInfo("Asia/Shanghai")
# (connect, read) seconds: a checkout waits for WeChat Pay, but not for ever.
TIMEOUT = (5, 15)
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
# An order number that never exists: querying it is the harmless authenticated call of "test connection".
CONNECTION_CHECK_TRADE_NO = "fenxiao-connection-check"
DESCRIPTION_MAX = 127
REFUND_REASON_MAX = 80

PAY_TYPES = {
    Channel.JSAPI: WeChatPayType.JSAPI,
    Channel.H5: WeChatPayType.H5,
    Channel.NATIVE: WeChatPayType.NATIVE,
}
TRADE_STATES = {
    "SUCCESS": PaymentState.SUCCEEDED,
    "REFUND": PaymentState.REFUNDED,
    "NOTPAY": PaymentState.PENDING,
    "USERPAYING": PaymentState.PENDING,
    "CLOSED": PaymentState.CLOSED,
    "REVOKED": PaymentState.CLOSED,
    "PAYERROR": PaymentState.FAILED,
}
REFUND_STATES = {
    "SUCCESS": RefundStatus.SUCCEEDED,
    "PROCESSING": RefundStatus.PENDING,
    "CLOSED": RefundStatus.FAILED,
    "ABNORMAL": RefundStatus.FAILED,
}
REFUND_EVENTS = {
    "REFUND.SUCCESS": EventKind.REFUND_SUCCEEDED,
    "REFUND.ABNORMAL": EventKind.REFUND_FAILED,
    "REFUND.CLOSED": EventKind.REFUND_CLOSED,
}
# WeChat Pay's error codes that mean "these are not your credentials" rather than "this request is wrong".
CREDENTIAL_CODES = {"SIGN_ERROR", "MCH_NOT_EXISTS", "APPID_MCHID_NOT_MATCH", "INVALID_ACCOUNT"}


@dataclass(frozen=True)
class WeChatMerchant:
    """The merchant account that signs the calls: the store's own, or the platform's as service provider."""

    mchid: str
    appid: str
    apiv3_key: str
    private_key: str  # PEM of the merchant API private key (apiclient_key.pem)
    cert_serial: str  # serial number of the merchant API certificate
    public_key: str  # PEM of the WeChat Pay public key (pub_key.pem)
    public_key_id: str  # "PUB_KEY_ID_..."

    def __repr__(self):  # never a key in a log or a traceback
        return f"WeChatMerchant(mchid={self.mchid!r})"


def _pem_or_path(value: str) -> str:
    """WECHATPAY_SP_PRIVATE_KEY / _PUBLIC_KEY hold the PEM itself or the path of a file with it."""
    value = (value or "").strip()
    if value and "-----BEGIN" not in value and Path(value).is_file():
        return Path(value).read_text(encoding="utf-8")
    return value


def platform_service_provider() -> WeChatMerchant | None:
    """The platform's service-provider account from the environment; None unless every part is set."""
    merchant = WeChatMerchant(
        mchid=settings.WECHATPAY_SP_MCHID,
        appid=settings.WECHATPAY_SP_APPID,
        apiv3_key=settings.WECHATPAY_SP_APIV3_KEY,
        private_key=_pem_or_path(settings.WECHATPAY_SP_PRIVATE_KEY),
        cert_serial=settings.WECHATPAY_SP_CERT_SERIAL,
        public_key=_pem_or_path(settings.WECHATPAY_SP_PUBLIC_KEY),
        public_key_id=settings.WECHATPAY_SP_PUBLIC_KEY_ID,
    )
    return merchant if all(vars(merchant).values()) else None


def _cut(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8 (WeChat Pay's limits count bytes: 127 of them are 42 Chinese
    characters), never half a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _china_time(value: datetime.datetime) -> str:
    return value.astimezone(CHINA).isoformat(timespec="seconds")


def _parse_time(value) -> datetime.datetime:
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return timezone.now()
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=CHINA)


class WeChatPayProvider(PaymentProvider):
    code = "wechat"
    channels = WECHAT_CHANNELS

    def __init__(self, *, merchant: WeChatMerchant, sub_mchid: str = "", sub_appid: str = ""):
        self.merchant = merchant
        # Partner mode exactly when the store is a sub-merchant of the platform's service-provider account.
        self.partner = bool(sub_mchid)
        self.sub_mchid = sub_mchid
        self.sub_appid = sub_appid

    @cached_property
    def _client(self) -> WeChatPay:
        m = self.merchant
        try:
            return WeChatPay(
                wechatpay_type=WeChatPayType.NATIVE,
                mchid=m.mchid,
                private_key=m.private_key,
                cert_serial_no=m.cert_serial,
                appid=m.appid,
                apiv3_key=m.apiv3_key,
                partner_mode=self.partner,
                public_key=m.public_key,
                public_key_id=m.public_key_id,
                timeout=TIMEOUT,
            )
        # The library raises a bare Exception for a key it cannot load.
        except Exception as exc:
            raise PaymentNotConfigured(
                _("The WeChat Pay keys cannot be loaded: check the merchant private key and the public key.")
            ) from exc

    @cached_property
    def _public_key(self):
        try:
            return load_public_key(self.merchant.public_key)
        # As above: a bare Exception for a key the library cannot load.
        except Exception as exc:
            raise PaymentNotConfigured(_("The WeChat Pay public key cannot be loaded.")) from exc

    @property
    def payer_app_id(self) -> str:
        """The app the buyer pays in (and whose openid JSAPI needs): the store's own app in partner mode when
        it has one, else the signing merchant's app."""
        return self.sub_appid if self.partner and self.sub_appid else self.merchant.appid

    @property
    def account(self) -> str:
        if self.partner:
            return f"sp:{self.merchant.mchid}:{self.sub_mchid}"
        return f"own:{self.merchant.mchid}"

    def _merchant_kwargs(self) -> dict:
        return {"sub_mchid": self.sub_mchid} if self.partner else {}

    def _call(self, method, **kwargs) -> dict:
        """One API call: the answer's JSON on a 2xx, else a domain error that says what WeChat Pay said."""
        try:
            status, text = method(**kwargs)
        except requests.RequestException as exc:
            raise ProviderUnavailable(
                _("WeChat Pay could not be reached. Try again in a moment."),
                provider=self.code,
                provider_code="NETWORK",
            ) from exc
        # The library raises a bare Exception when a 2xx answer's signature does not verify or is missing,
        # and for a parameter it misses ("... is not assigned", which start() and refund() rule out).
        except Exception as exc:
            if "not assigned" in str(exc):
                raise PaymentProviderError(
                    _("WeChat Pay could not be called: %(error)s") % {"error": str(exc)[:200]},
                    provider=self.code,
                    provider_code="CLIENT",
                ) from exc
            raise CredentialsRejected(
                _(
                    "WeChat Pay's answer did not verify with the WeChat Pay public key: check the public "
                    "key and its id."
                ),
                provider=self.code,
                provider_code="RESPONSE_SIGNATURE",
            ) from exc
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        try:
            data = load_json(text) if text else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        if 200 <= status < 300:
            return data
        code = str(data.get("code") or f"HTTP_{status}")
        message = str(data.get("message") or "")[:300]
        said = _("WeChat Pay answered %(code)s: %(message)s") % {"code": code, "message": message or status}
        if status >= 500 or status == 429 or code in ("SYSTEM_ERROR", "FREQUENCY_LIMITED"):
            raise ProviderUnavailable(said, provider=self.code, provider_code=code)
        if status == 401 or code in CREDENTIAL_CODES:
            raise CredentialsRejected(said, provider=self.code, provider_code=code)
        raise PaymentProviderError(said, provider=self.code, provider_code=code)

    # --- paying ----------------------------------------------------------------------------------------

    def check_request(self, request: PaymentRequest) -> None:
        require_channel(self, request)
        if request.currency != "CNY":
            raise InvalidInput({"currency": [_("WeChat Pay takes payments in CNY only.")]})
        if request.channel == Channel.JSAPI and not request.payer_openid:
            raise InvalidInput({"payer_openid": [_("Paying inside WeChat needs the buyer's WeChat login.")]})
        if request.channel == Channel.H5 and not request.client_ip:
            raise InvalidInput({"client_ip": [_("WeChat Pay H5 needs the buyer's IP address.")]})

    def start(self, request: PaymentRequest) -> PaymentStart:
        self.check_request(request)
        kwargs = {
            "description": _cut(request.description.strip() or request.out_trade_no, DESCRIPTION_MAX),
            "out_trade_no": request.out_trade_no,
            "amount": {"total": to_minor_units(request.amount, "CNY"), "currency": "CNY"},
            "notify_url": request.notify_url,
            "pay_type": PAY_TYPES[request.channel],
            **self._merchant_kwargs(),
        }
        if self.partner and self.sub_appid:
            kwargs["sub_appid"] = self.sub_appid
        if request.expires_at:
            kwargs["time_expire"] = _china_time(request.expires_at)
        if request.channel == Channel.JSAPI:
            if not self.partner:
                kwargs["payer"] = {"openid": request.payer_openid}
            else:
                kwargs["payer"] = {"sub_openid" if self.sub_appid else "sp_openid": request.payer_openid}
        elif request.channel == Channel.H5:
            kwargs["scene_info"] = {"payer_client_ip": request.client_ip, "h5_info": {"type": "Wap"}}
        elif request.client_ip:
            kwargs["scene_info"] = {"payer_client_ip": request.client_ip}
        data = self._call(self._client.pay, **kwargs)
        try:
            if request.channel == Channel.JSAPI:
                return PaymentStart(kind=StartKind.JSAPI, jsapi_params=self._jsapi_params(data["prepay_id"]))
            if request.channel == Channel.H5:
                url = data["h5_url"]
                if request.return_url:
                    # WeChat's H5 cashier sends the buyer back here (a domain registered with WeChat Pay).
                    url += ("&" if "?" in url else "?") + urlencode({"redirect_url": request.return_url})
                return PaymentStart(kind=StartKind.REDIRECT, url=url)
            return PaymentStart(kind=StartKind.QR, code_url=data["code_url"])
        except (KeyError, TypeError) as exc:
            raise PaymentProviderError(
                _("WeChat Pay gave an unexpected answer."), provider=self.code, provider_code="UNEXPECTED"
            ) from exc

    def _jsapi_params(self, prepay_id: str) -> dict:
        """The parameters of WeixinJSBridge "getBrandWCPayRequest" (or wx.chooseWXPay), signed by the library
        with the signing merchant's private key over appId, timeStamp, nonceStr and package."""
        app_id, stamp, nonce = self.payer_app_id, str(int(time.time())), secrets.token_hex(16)
        package = f"prepay_id={prepay_id}"
        signature = self._client.sign([app_id, stamp, nonce, package])
        return {
            "appId": app_id,
            "timeStamp": stamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": signature,
        }

    # --- notifications ---------------------------------------------------------------------------------

    def parse_notification(self, *, headers: Mapping, body: bytes) -> ProviderEvent:
        if not isinstance(body, bytes):
            raise InvalidNotification("the body must be the raw request body")
        names = ("Wechatpay-Signature", "Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial")
        signature, stamp, nonce, serial = (header(headers, name) for name in names)
        if not (signature and stamp and nonce and serial):
            raise InvalidNotification("the Wechatpay-* signature headers are missing")
        # The library would fetch platform certificates for an unknown serial: refuse it here instead.
        if serial != self.merchant.public_key_id:
            raise InvalidNotification("signed with a key other than the configured WeChat Pay public key")
        signature_type = header(headers, "Wechatpay-Signature-Type") or SIGNATURE_TYPE
        if signature_type != SIGNATURE_TYPE:
            raise InvalidNotification("an unsupported signature type")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidNotification("the body is not UTF-8") from exc
        # Checked first on its own, so that a bad signature and a wrong APIv3 key give different reasons.
        if not rsa_verify(stamp, nonce, text, signature, self._public_key):
            raise InvalidNotification("the signature does not match")
        check_timestamp(stamp)
        exact = {
            "Wechatpay-Signature": signature,
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Serial": serial,
            "Wechatpay-Signature-Type": signature_type,
        }
        try:
            data = self._client.callback(exact, text)
        # The library raises bare Exceptions for malformed JSON and unknown algorithms.
        except Exception as exc:
            raise InvalidNotification("the notification body is malformed") from exc
        if not data:
            raise InvalidNotification("the resource cannot be decrypted with the APIv3 key")
        try:
            return self._event(data)
        except (KeyError, TypeError, ValueError, AttributeError, MoneyError) as exc:
            raise InvalidNotification("the notification body is malformed") from exc

    def _check_merchant(self, resource: dict) -> None:
        if self.partner:
            mine = (
                resource.get("sp_mchid") == self.merchant.mchid
                and resource.get("sub_mchid") == self.sub_mchid
            )
        else:
            mine = resource.get("mchid") == self.merchant.mchid
        if not mine:
            raise InvalidNotification("the notification is for another merchant account")

    def _event(self, data: dict) -> ProviderEvent:
        resource, event_type = data["resource"], str(data.get("event_type", ""))
        self._check_merchant(resource)
        out_trade_no = resource.get("out_trade_no", "")
        if not isinstance(out_trade_no, str) or not TRADE_NO_RE.fullmatch(out_trade_no):
            raise ValueError("out_trade_no")
        common = {
            "event_id": str(data["id"])[:64],
            "out_trade_no": out_trade_no,
            "provider_payment_id": str(resource.get("transaction_id", "")),
            "raw": data,
        }
        if event_type.startswith("TRANSACTION."):
            amount = resource["amount"]
            currency = amount.get("currency", "CNY")
            return ProviderEvent(
                kind=EventKind.PAYMENT_SUCCEEDED
                if resource["trade_state"] == "SUCCESS"
                else EventKind.PAYMENT_FAILED,
                amount=from_minor_units(amount["total"], currency),
                currency=currency,
                occurred_at=_parse_time(resource.get("success_time") or data.get("create_time")),
                **common,
            )
        if event_type in REFUND_EVENTS:
            return ProviderEvent(
                kind=REFUND_EVENTS[event_type],
                # Refund notifications carry no currency: WeChat Pay refunds what was paid, in CNY.
                amount=from_minor_units(resource["amount"]["refund"], "CNY"),
                currency="CNY",
                occurred_at=_parse_time(resource.get("success_time") or data.get("create_time")),
                out_refund_no=str(resource["out_refund_no"]),
                provider_refund_id=str(resource.get("refund_id", "")),
                **common,
            )
        return ProviderEvent(
            kind=EventKind.IGNORED,
            amount=ZERO,
            currency="CNY",
            occurred_at=_parse_time(data.get("create_time")),
            **common,
        )

    def acknowledge(self, ok: bool, *, message: str = "") -> Acknowledgement:
        # WeChat Pay v3: 200 or 204 without a body is success; any 4xx/5xx with {"code": "FAIL"} is a
        # failure, and it sends the notification again later.
        if ok:
            return Acknowledgement(204, b"", "text/plain")
        return json_acknowledgement(400, {"code": "FAIL", "message": message or "FAIL"})

    # --- refunds, queries, closing -------------------------------------------------------------------

    def refund(self, request: RefundRequest) -> RefundResult:
        if request.currency != "CNY":
            raise InvalidInput({"currency": [_("WeChat Pay refunds in CNY only.")]})
        kwargs = {
            "out_refund_no": request.out_refund_no,
            "amount": {
                "refund": to_minor_units(request.amount, "CNY"),
                "total": to_minor_units(request.total_amount, "CNY"),
                "currency": "CNY",
            },
            "out_trade_no": request.out_trade_no,
            "notify_url": request.notify_url,
            **self._merchant_kwargs(),
        }
        if request.reason.strip():
            kwargs["reason"] = _cut(request.reason.strip(), REFUND_REASON_MAX)
        data = self._call(self._client.refund, **kwargs)
        status = REFUND_STATES.get(data.get("status"), RefundStatus.PENDING)
        return RefundResult(
            status=status,
            provider_refund_id=str(data.get("refund_id", "")),
            message="" if status != RefundStatus.FAILED else _("WeChat Pay could not refund this payment."),
        )

    def query_refund(
        self,
        out_refund_no: str,
        *,
        out_trade_no: str = "",
        provider_payment_id: str = "",
        provider_refund_id: str = "",
    ) -> RefundResult:
        try:
            data = self._call(
                self._client.query_refund, out_refund_no=out_refund_no, **self._merchant_kwargs()
            )
        except PaymentProviderError as error:
            if error.provider_code == "RESOURCE_NOT_EXISTS":
                return RefundResult(status=RefundStatus.NOT_FOUND, provider_refund_id="")
            raise
        status = REFUND_STATES.get(data.get("status"), RefundStatus.PENDING)
        return RefundResult(
            status=status,
            provider_refund_id=str(data.get("refund_id", "")),
            message="" if status != RefundStatus.FAILED else _("WeChat Pay could not refund this payment."),
        )

    def query_payment(self, out_trade_no: str, *, provider_payment_id: str = "") -> PaymentStatus:
        check_trade_no("out_trade_no", out_trade_no)
        try:
            data = self._call(self._client.query, out_trade_no=out_trade_no, **self._merchant_kwargs())
        except PaymentProviderError as error:
            if error.provider_code == "ORDER_NOT_EXIST":
                return PaymentStatus(status=PaymentState.NOT_FOUND, amount=None)
            raise
        amount = data.get("amount") or {}
        try:
            paid = (
                from_minor_units(amount["total"], amount.get("currency", "CNY"))
                if "total" in amount
                else None
            )
        except MoneyError:
            paid = None
        return PaymentStatus(
            status=TRADE_STATES.get(data.get("trade_state"), PaymentState.PENDING),
            amount=paid,
            currency=str(amount.get("currency", "CNY")),
            provider_payment_id=str(data.get("transaction_id", "")),
        )

    def close_payment(self, out_trade_no: str, *, provider_payment_id: str = "") -> None:
        check_trade_no("out_trade_no", out_trade_no)
        try:
            self._call(self._client.close, out_trade_no=out_trade_no, **self._merchant_kwargs())
        except PaymentProviderError as error:
            if error.provider_code == "ORDERPAID":
                raise PaymentAlreadyPaid(
                    _("The buyer has already paid this order with WeChat Pay.")
                ) from error
            # Never created at WeChat Pay (the buyer never reached the cashier): nothing to close.
            if error.provider_code != "ORDER_NOT_EXIST":
                raise

    def test_connection(self) -> str:
        try:
            self._call(self._client.query, out_trade_no=CONNECTION_CHECK_TRADE_NO, **self._merchant_kwargs())
        except PaymentProviderError as error:
            # The answer we hope for: WeChat Pay accepted our signature and looked the order up.
            if error.provider_code != "ORDER_NOT_EXIST":
                raise
        if self.partner:
            return _(
                "WeChat Pay accepted the platform's service-provider account with your sub-merchant number "
                "%(sub_mchid)s."
            ) % {"sub_mchid": self.sub_mchid}
        return _(
            "WeChat Pay accepted your merchant number, private key and certificate serial number. The "
            "WeChat Pay public key and the APIv3 key are checked on the first payment notification."
        )
