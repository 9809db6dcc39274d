"""WeChat Pay API v3 through wechatpayv3 in public-key mode, against a fake WeChat Pay at the HTTP layer:
JSAPI / H5 / Native in direct and partner mode, notifications (signature, decryption, our time window and
merchant check), refunds and their notifications, queries, closing, errors as clear domain errors, and the
"test connection" call."""

import datetime
import json
import time
from decimal import Decimal

import pytest
import requests
from cryptography.hazmat.primitives import serialization

from shop.payments.base import (
    CredentialsRejected,
    EventKind,
    InvalidNotification,
    PaymentAlreadyPaid,
    PaymentProviderError,
    PaymentRequest,
    PaymentState,
    ProviderUnavailable,
    RefundRequest,
    RefundStatus,
    StartKind,
)
from shop.payments.wechat import WeChatMerchant, WeChatPayProvider, platform_service_provider
from tenants.errors import InvalidInput
from tests.shop.payments.fakes import (
    API,
    APPID,
    MCHID,
    SP_APPID,
    SP_MCHID,
    SUB_MCHID,
    new_key,
    paid_resource,
    refund_resource,
    rsa_verifies,
)

NOTIFY = "https://store-a.fenxiao.example/pay/notify/wechat/"


def request(channel, **overrides) -> PaymentRequest:
    values = {
        "out_trade_no": "FX20261201000001",
        "amount": Decimal("12.50"),
        "currency": "CNY",
        "description": "鲜果小铺 - 订单 FX20261201000001",
        "notify_url": NOTIFY,
        "return_url": "https://store-a.fenxiao.example/orders/FX20261201000001/",
        "channel": channel,
        **overrides,
    }
    return PaymentRequest(**values)


def sent(rsps, index=-1) -> dict:
    return json.loads(rsps.calls[index].request.body)


# --- starting a payment ------------------------------------------------------------------------------------


def test_jsapi_in_direct_mode_sends_fen_and_returns_parameters_signed_with_the_merchant_key(
    direct, fake_wechat, rsps
):
    fake_wechat.answer(
        rsps,
        "POST",
        "/v3/pay/transactions/jsapi",
        payload={"prepay_id": "wx201410272009395522657a690389285100"},
    )
    expires = datetime.datetime(2026, 12, 1, 2, 30, tzinfo=datetime.UTC)
    start = direct.start(request("jsapi", payer_openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", expires_at=expires))

    body = sent(rsps)
    assert body["mchid"] == MCHID and body["appid"] == APPID
    assert body["amount"] == {"total": 1250, "currency": "CNY"}
    assert body["notify_url"] == NOTIFY
    assert body["payer"] == {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}
    assert body["time_expire"] == "2026-12-01T10:30:00+08:00"
    assert f'mchid="{MCHID}"' in rsps.calls[0].request.headers["Authorization"]

    assert start.kind == StartKind.JSAPI
    params = start.jsapi_params
    assert params["appId"] == APPID and params["signType"] == "RSA"
    assert params["package"] == "prepay_id=wx201410272009395522657a690389285100"
    message = f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    assert rsa_verifies(fake_wechat.merchant_key.public_key(), message, params["paySign"])


def test_jsapi_in_partner_mode_names_the_service_provider_and_the_sub_merchant(partner, fake_wechat, rsps):
    fake_wechat.answer(rsps, "POST", "/v3/pay/partner/transactions/jsapi", payload={"prepay_id": "wx2016"})
    start = partner.start(request("jsapi", payer_openid="oSp0penid"))
    body = sent(rsps)
    assert (body["sp_mchid"], body["sp_appid"], body["sub_mchid"]) == (SP_MCHID, SP_APPID, SUB_MCHID)
    assert "mchid" not in body and "sub_appid" not in body
    assert body["payer"] == {"sp_openid": "oSp0penid"}
    assert body["amount"]["total"] == 1250 and body["notify_url"] == NOTIFY
    assert start.jsapi_params["appId"] == SP_APPID


def test_partner_mode_with_the_stores_own_app_pays_in_that_app(fake_wechat, rsps):
    provider = WeChatPayProvider(
        merchant=fake_wechat.merchant(mchid=SP_MCHID, appid=SP_APPID),
        sub_mchid=SUB_MCHID,
        sub_appid="wx1111222233334444",
    )
    fake_wechat.answer(rsps, "POST", "/v3/pay/partner/transactions/jsapi", payload={"prepay_id": "wx2016"})
    start = provider.start(request("jsapi", payer_openid="oSub0penid"))
    body = sent(rsps)
    assert body["sub_appid"] == "wx1111222233334444" and body["payer"] == {"sub_openid": "oSub0penid"}
    assert start.jsapi_params["appId"] == "wx1111222233334444"


@pytest.mark.parametrize("mode", ["direct", "partner"])
def test_h5_sends_the_buyers_ip_and_redirects_to_the_cashier_with_the_return_address(
    mode, request_fixture, fake_wechat, rsps
):
    provider = request_fixture(mode)
    path = "/v3/pay/transactions/h5" if mode == "direct" else "/v3/pay/partner/transactions/h5"
    fake_wechat.answer(
        rsps,
        "POST",
        path,
        payload={"h5_url": "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx20&package=1"},
    )
    start = provider.start(request("h5", client_ip="203.0.113.7"))
    body = sent(rsps)
    assert body["scene_info"] == {"payer_client_ip": "203.0.113.7", "h5_info": {"type": "Wap"}}
    assert body["amount"]["total"] == 1250
    assert ("sub_mchid" in body) == (mode == "partner")
    assert start.kind == StartKind.REDIRECT
    assert start.url.startswith(
        "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx20&package=1&redirect_url="
    )
    assert "redirect_url=https%3A%2F%2Fstore-a.fenxiao.example%2Forders%2F" in start.url


@pytest.mark.parametrize("mode", ["direct", "partner"])
def test_native_returns_the_code_url_for_a_qr_code(mode, request_fixture, fake_wechat, rsps):
    provider = request_fixture(mode)
    path = "/v3/pay/transactions/native" if mode == "direct" else "/v3/pay/partner/transactions/native"
    fake_wechat.answer(rsps, "POST", path, payload={"code_url": "weixin://wxpay/bizpayurl?pr=p4lpSuKzz"})
    start = provider.start(request("native"))
    assert start.kind == StartKind.QR and start.code_url == "weixin://wxpay/bizpayurl?pr=p4lpSuKzz"
    body = sent(rsps)
    assert body["amount"] == {"total": 1250, "currency": "CNY"} and body["notify_url"] == NOTIFY
    if mode == "partner":
        assert (body["sp_mchid"], body["sub_mchid"]) == (SP_MCHID, SUB_MCHID)


@pytest.fixture
def request_fixture(direct, partner):
    return {"direct": direct, "partner": partner}.__getitem__


def test_a_long_chinese_description_is_cut_to_wechat_pays_127_bytes(direct, fake_wechat, rsps):
    fake_wechat.answer(rsps, "POST", "/v3/pay/transactions/native", payload={"code_url": "weixin://x"})
    direct.start(request("native", description="新疆阿克苏冰糖心苹果" * 20))
    description = sent(rsps)["description"]
    assert len(description.encode()) <= 127 and description.startswith("新疆阿克苏冰糖心苹果")


def test_jsapi_without_an_openid_and_h5_without_an_ip_are_refused_before_any_call(direct, rsps):
    with pytest.raises(InvalidInput) as error:
        direct.start(request("jsapi"))
    assert "payer_openid" in error.value.errors
    with pytest.raises(InvalidInput) as error:
        direct.start(request("h5"))
    assert "client_ip" in error.value.errors
    with pytest.raises(InvalidInput):
        direct.start(request("card"))
    with pytest.raises(InvalidInput):
        direct.start(request("native", currency="USD"))
    assert len(rsps.calls) == 0


# --- errors of the API ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "payload", "error", "code"),
    [
        (400, {"code": "PARAM_ERROR", "message": "参数错误"}, PaymentProviderError, "PARAM_ERROR"),
        (403, {"code": "NO_AUTH", "message": "商户无权限"}, PaymentProviderError, "NO_AUTH"),
        (401, {"code": "SIGN_ERROR", "message": "签名错误"}, CredentialsRejected, "SIGN_ERROR"),
        (429, {"code": "FREQUENCY_LIMITED", "message": "频率超限"}, ProviderUnavailable, "FREQUENCY_LIMITED"),
        (500, {"code": "SYSTEM_ERROR", "message": "系统错误"}, ProviderUnavailable, "SYSTEM_ERROR"),
        (502, None, ProviderUnavailable, "HTTP_502"),
    ],
)
def test_an_api_error_becomes_a_clear_domain_error(direct, fake_wechat, rsps, status, payload, error, code):
    fake_wechat.answer(rsps, "POST", "/v3/pay/transactions/native", status=status, payload=payload)
    with pytest.raises(error) as raised:
        direct.start(request("native"))
    assert raised.value.provider_code == code
    assert raised.value.status_code in (502, 503)
    if payload:
        assert payload["message"] in raised.value.message


def test_a_2xx_answer_without_a_valid_signature_is_refused(direct, fake_wechat, rsps):
    fake_wechat.answer(
        rsps, "POST", "/v3/pay/transactions/native", payload={"code_url": "weixin://x"}, signed=False
    )
    with pytest.raises(CredentialsRejected) as raised:
        direct.start(request("native"))
    assert raised.value.provider_code == "RESPONSE_SIGNATURE"


def test_wechat_pay_out_of_reach_is_a_try_again_later(direct, rsps):
    rsps.add("POST", API + "/v3/pay/transactions/native", body=requests.ConnectionError("connection refused"))
    with pytest.raises(ProviderUnavailable):
        direct.start(request("native"))


# --- notifications ---------------------------------------------------------------------------------------


def test_a_paid_notification_is_verified_decrypted_and_read(direct, fake_wechat):
    headers, body = fake_wechat.notification(paid_resource(total=1250))
    event = direct.parse_notification(headers=headers, body=body)
    assert event.kind == EventKind.PAYMENT_SUCCEEDED
    assert event.out_trade_no == "FX20261201000001"
    assert event.amount == Decimal("12.50") and event.currency == "CNY"
    assert event.provider_payment_id == "4200001234202612011234567890"
    assert event.event_id == json.loads(body)["id"]
    assert event.occurred_at == datetime.datetime(2026, 12, 1, 2, 0, 5, tzinfo=datetime.UTC)
    assert event.raw["resource"]["payer"]["openid"] == "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


def test_the_notification_headers_may_come_as_django_meta(direct, fake_wechat):
    headers, body = fake_wechat.notification(paid_resource())
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    assert direct.parse_notification(headers=meta, body=body).kind == EventKind.PAYMENT_SUCCEEDED


def test_a_partner_notification_names_the_sub_merchant(partner, fake_wechat):
    headers, body = fake_wechat.notification(paid_resource(partner=True))
    assert partner.parse_notification(headers=headers, body=body).kind == EventKind.PAYMENT_SUCCEEDED
    other = WeChatPayProvider(merchant=partner.merchant, sub_mchid="1900000999")
    with pytest.raises(InvalidNotification, match="another merchant"):
        other.parse_notification(headers=headers, body=body)


def test_a_notification_for_another_merchant_account_is_refused(direct, fake_wechat):
    headers, body = fake_wechat.notification(paid_resource(mchid="1999999999"))
    with pytest.raises(InvalidNotification, match="another merchant"):
        direct.parse_notification(headers=headers, body=body)


def test_a_tampered_body_is_refused(direct, fake_wechat):
    headers, body = fake_wechat.notification(paid_resource())
    tampered = body.replace(b'"TRANSACTION.SUCCESS"', b'"TRANSACTION.SUCCESS" ')
    with pytest.raises(InvalidNotification, match="signature"):
        direct.parse_notification(headers=headers, body=tampered)


def test_a_notification_signed_with_another_key_is_refused(direct, fake_wechat):
    headers, body = fake_wechat.notification(paid_resource(), key=new_key())
    with pytest.raises(InvalidNotification, match="signature"):
        direct.parse_notification(headers=headers, body=body)


def test_a_notification_under_another_public_key_id_is_refused_without_fetching_certificates(
    direct, fake_wechat, rsps
):
    headers, body = fake_wechat.notification(paid_resource())
    headers["Wechatpay-Serial"] = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
    with pytest.raises(InvalidNotification, match="other than the configured"):
        direct.parse_notification(headers=headers, body=body)
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("age", [301, -301, 86400])
def test_a_notification_outside_five_minutes_is_refused_though_validly_signed(direct, fake_wechat, age):
    headers, body = fake_wechat.notification(paid_resource(), timestamp=int(time.time()) - age)
    with pytest.raises(InvalidNotification, match="5 minutes"):
        direct.parse_notification(headers=headers, body=body)


def test_a_notification_within_five_minutes_is_accepted(direct, fake_wechat):
    headers, body = fake_wechat.notification(paid_resource(), timestamp=int(time.time()) - 240)
    assert direct.parse_notification(headers=headers, body=body).kind == EventKind.PAYMENT_SUCCEEDED


def test_a_resource_encrypted_with_another_apiv3_key_is_refused(direct, fake_wechat):
    headers, body = fake_wechat.notification(paid_resource(), apiv3_key="ffffffffffffffffffffffffffffffff")
    with pytest.raises(InvalidNotification, match="APIv3 key"):
        direct.parse_notification(headers=headers, body=body)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda headers: headers.pop("Wechatpay-Signature"),
        lambda headers: headers.update({"Wechatpay-Timestamp": "yesterday"}),
        lambda headers: headers.update({"Wechatpay-Signature-Type": "WECHATPAY2-SM2-WITH-SM3"}),
        lambda headers: headers.update({"Wechatpay-Signature": "not base64 at all!"}),
    ],
)
def test_missing_or_garbled_headers_are_refused(direct, fake_wechat, mangle):
    headers, body = fake_wechat.notification(paid_resource())
    mangle(headers)
    with pytest.raises(InvalidNotification):
        direct.parse_notification(headers=headers, body=body)


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"\xff\xfe", b"[]", json.dumps({"id": "EV-1", "resource_type": "plain"}).encode()],
)
def test_a_malformed_but_signed_body_is_refused(direct, fake_wechat, body):
    headers = fake_wechat.signed_headers(body.decode("utf-8", "replace"))
    with pytest.raises(InvalidNotification):
        direct.parse_notification(headers=headers, body=body)


def test_a_signed_resource_without_its_fields_is_refused(direct, fake_wechat):
    resource = paid_resource()
    del resource["amount"]
    headers, body = fake_wechat.notification(resource)
    with pytest.raises(InvalidNotification, match="malformed"):
        direct.parse_notification(headers=headers, body=body)


def test_acknowledgements_are_what_wechat_pay_expects(direct):
    assert direct.acknowledge(True) == (204, b"", "text/plain")
    status, body, content_type = direct.acknowledge(False, message="签名错误")
    assert status == 400 and content_type == "application/json"
    assert json.loads(body) == {"code": "FAIL", "message": "签名错误"}


# --- refunds -----------------------------------------------------------------------------------------------


def refund_request(**overrides) -> RefundRequest:
    values = {
        "out_trade_no": "FX20261201000001",
        "out_refund_no": "RF20261201000001",
        "amount": Decimal("5.00"),
        "total_amount": Decimal("12.50"),
        "reason": "买家申请退款：商品破损",
        "notify_url": "https://store-a.fenxiao.example/pay/notify/wechat/refund/",
        **overrides,
    }
    return RefundRequest(**values)


@pytest.mark.parametrize("mode", ["direct", "partner"])
def test_a_refund_is_asked_for_in_fen_and_its_notification_follows(mode, request_fixture, fake_wechat, rsps):
    provider = request_fixture(mode)
    fake_wechat.answer(
        rsps,
        "POST",
        "/v3/refund/domestic/refunds",
        payload={
            "refund_id": "50000000382019052709732678859",
            "out_refund_no": "RF20261201000001",
            "status": "PROCESSING",
            "amount": {"refund": 500, "total": 1250, "currency": "CNY"},
        },
    )
    result = provider.refund(refund_request())
    assert (
        result.status == RefundStatus.PENDING and result.provider_refund_id == "50000000382019052709732678859"
    )
    body = sent(rsps)
    assert body["amount"] == {"refund": 500, "total": 1250, "currency": "CNY"}
    assert body["out_trade_no"] == "FX20261201000001" and body["out_refund_no"] == "RF20261201000001"
    assert body["notify_url"].endswith("/refund/") and body["reason"] == "买家申请退款：商品破损"
    assert body.get("sub_mchid") == (SUB_MCHID if mode == "partner" else None)

    headers, raw = fake_wechat.notification(
        refund_resource(partner=mode == "partner"), event_type="REFUND.SUCCESS"
    )
    event = provider.parse_notification(headers=headers, body=raw)
    assert event.kind == EventKind.REFUND_SUCCEEDED
    assert (event.out_trade_no, event.out_refund_no) == ("FX20261201000001", "RF20261201000001")
    assert event.provider_refund_id == "50000000382019052709732678859"
    assert event.amount == Decimal("5.00") and event.currency == "CNY"


@pytest.mark.parametrize(
    ("event_type", "kind"),
    [("REFUND.ABNORMAL", EventKind.REFUND_FAILED), ("REFUND.CLOSED", EventKind.REFUND_CLOSED)],
)
def test_refunds_that_fail_or_close_have_their_own_kinds(direct, fake_wechat, event_type, kind):
    headers, body = fake_wechat.notification(
        refund_resource(status=event_type.split(".")[1]), event_type=event_type
    )
    assert direct.parse_notification(headers=headers, body=body).kind == kind


def test_a_refund_wechat_pay_refuses_says_why(direct, fake_wechat, rsps):
    fake_wechat.answer(
        rsps,
        "POST",
        "/v3/refund/domestic/refunds",
        status=403,
        payload={"code": "NOT_ENOUGH", "message": "基本账户余额不足"},
    )
    with pytest.raises(PaymentProviderError, match="基本账户余额不足") as raised:
        direct.refund(refund_request())
    assert raised.value.provider_code == "NOT_ENOUGH"


def test_a_refund_cannot_be_more_than_the_payment():
    with pytest.raises(InvalidInput):
        refund_request(amount=Decimal("12.51"))


# --- query, close, test connection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trade_state", "state"),
    [
        ("SUCCESS", PaymentState.SUCCEEDED),
        ("NOTPAY", PaymentState.PENDING),
        ("CLOSED", PaymentState.CLOSED),
        ("REFUND", PaymentState.REFUNDED),
    ],
)
def test_query_reads_the_trade_state_and_amount(direct, fake_wechat, rsps, trade_state, state):
    resource = paid_resource(trade_state=trade_state)
    fake_wechat.answer(rsps, "GET", "/v3/pay/transactions/out-trade-no/FX20261201000001", payload=resource)
    status = direct.query_payment("FX20261201000001")
    assert status.status == state and status.amount == Decimal("12.50")
    assert f"mchid={MCHID}" in rsps.calls[0].request.url


def test_query_of_an_unknown_order_says_not_found(partner, fake_wechat, rsps):
    fake_wechat.answer(
        rsps,
        "GET",
        "/v3/pay/partner/transactions/out-trade-no/FX20261201000009",
        status=404,
        payload={"code": "ORDER_NOT_EXIST", "message": "订单不存在"},
    )
    assert partner.query_payment("FX20261201000009").status == PaymentState.NOT_FOUND
    assert f"sp_mchid={SP_MCHID}&sub_mchid={SUB_MCHID}" in rsps.calls[0].request.url


def test_closing_an_unpaid_payment_and_a_paid_one(direct, fake_wechat, rsps):
    fake_wechat.answer(rsps, "POST", "/v3/pay/transactions/out-trade-no/FX20261201000001/close", status=204)
    direct.close_payment("FX20261201000001")
    assert sent(rsps) == {"mchid": MCHID}
    rsps.reset()
    fake_wechat.answer(
        rsps,
        "POST",
        "/v3/pay/transactions/out-trade-no/FX20261201000001/close",
        status=400,
        payload={"code": "ORDERPAID", "message": "订单已支付"},
    )
    with pytest.raises(PaymentAlreadyPaid):
        direct.close_payment("FX20261201000001")


def test_test_connection_succeeds_when_wechat_pay_looks_the_order_up(direct, fake_wechat, rsps):
    fake_wechat.answer(
        rsps,
        "GET",
        "/v3/pay/transactions/out-trade-no/fenxiao-connection-check",
        status=404,
        payload={"code": "ORDER_NOT_EXIST", "message": "订单不存在"},
    )
    assert "accepted" in direct.test_connection()


def test_test_connection_fails_clearly_on_a_signature_error(direct, fake_wechat, rsps):
    fake_wechat.answer(
        rsps,
        "GET",
        "/v3/pay/transactions/out-trade-no/fenxiao-connection-check",
        status=401,
        payload={"code": "SIGN_ERROR", "message": "签名错误，请检查后再试"},
    )
    with pytest.raises(CredentialsRejected, match="签名错误"):
        direct.test_connection()


def test_a_private_key_the_library_cannot_load_is_not_configured(fake_wechat):
    from shop.payments.base import PaymentNotConfigured

    merchant = WeChatMerchant(**{**vars(fake_wechat.merchant()), "private_key": "garbage"})
    with pytest.raises(PaymentNotConfigured):
        WeChatPayProvider(merchant=merchant).test_connection()


def test_the_platforms_keys_may_be_files(sp_settings, tmp_path, fake_wechat):
    key_file = tmp_path / "apiclient_key.pem"
    key_file.write_text(
        fake_wechat.merchant_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
    )
    sp_settings.WECHATPAY_SP_PRIVATE_KEY = str(key_file)
    merchant = platform_service_provider()
    assert merchant.mchid == SP_MCHID and merchant.private_key.startswith("-----BEGIN PRIVATE KEY-----")
    assert "PRIVATE" not in repr(merchant)
    sp_settings.WECHATPAY_SP_APIV3_KEY = ""
    assert platform_service_provider() is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("SUCCESS", RefundStatus.SUCCEEDED),
        ("ABNORMAL", RefundStatus.FAILED),
        ("PROCESSING", RefundStatus.PENDING),
    ],
)
def test_query_refund_reads_the_refund_status(partner, fake_wechat, rsps, status, expected):
    fake_wechat.answer(
        rsps,
        "GET",
        "/v3/refund/domestic/refunds/RF20261201000001",
        payload={
            "refund_id": "50000000382019052709732678859",
            "out_refund_no": "RF20261201000001",
            "status": status,
        },
    )
    result = partner.query_refund("RF20261201000001", out_trade_no="FX20261201000001")
    assert (result.status, result.provider_refund_id) == (expected, "50000000382019052709732678859")
    assert rsps.calls[0].request.url.endswith(f"?sub_mchid={SUB_MCHID}")


def test_query_refund_of_a_refund_wechat_pay_never_got_says_not_found(direct, fake_wechat, rsps):
    fake_wechat.answer(
        rsps,
        "GET",
        "/v3/refund/domestic/refunds/RF20261201000009",
        status=404,
        payload={"code": "RESOURCE_NOT_EXISTS", "message": "退款单不存在"},
    )
    assert direct.query_refund("RF20261201000009").status == RefundStatus.NOT_FOUND


def test_the_account_names_the_merchant_and_the_sub_merchant(direct, partner):
    assert direct.account == f"own:{MCHID}"
    assert partner.account == f"sp:{SP_MCHID}:{SUB_MCHID}"
