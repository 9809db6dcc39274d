"""The provider interface's own rules: which WeChat Pay channel a browser gets, and what a payment request
may hold."""

from decimal import Decimal

import pytest

from shop.payments.base import Channel, PaymentRequest, RefundRequest, choose_wechat_channel
from shop.payments.sandbox import SandboxProvider
from tenants.errors import InvalidInput

WECHAT_IOS = " ".join(
    [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)",
        "Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN",
    ]
)
WECHAT_ANDROID = " ".join(
    [
        "Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36",
        "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160083",
        "MMWEBSDK/20231202 MicroMessenger/8.0.47.2560",
    ]
)
SAFARI_IPHONE = " ".join(
    [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)",
        "Version/17.4 Mobile/15E148 Safari/604.1",
    ]
)
UC_ANDROID = " ".join(
    [
        "Mozilla/5.0 (Linux; U; Android 13; zh-CN; PGT-AN10 Build/HONORPGT-AN10) AppleWebKit/537.36",
        "(KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 UCBrowser/16.3.8.1290 Mobile Safari/537.36",
    ]
)
CHROME_DESKTOP = " ".join(
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)",
        "Chrome/124.0.0.0 Safari/537.36",
    ]
)


@pytest.mark.parametrize(
    ("agent", "channel"),
    [
        (WECHAT_IOS, Channel.JSAPI),
        (WECHAT_ANDROID, Channel.JSAPI),
        (SAFARI_IPHONE, Channel.H5),
        (UC_ANDROID, Channel.H5),
        (CHROME_DESKTOP, Channel.NATIVE),
        ("", Channel.NATIVE),
    ],
)
def test_the_browser_decides_the_wechat_pay_channel(agent, channel):
    assert choose_wechat_channel(agent) == channel


GOOD = {
    "out_trade_no": "FX20261201000001",
    "amount": Decimal("12.50"),
    "currency": "CNY",
    "description": "Order",
    "notify_url": "https://n/",
    "return_url": "https://r/",
    "channel": "native",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("out_trade_no", "short"),
        ("out_trade_no", "FX2026/../../etc"),
        ("out_trade_no", "F" * 33),
        ("amount", 12.5),
        ("amount", Decimal("12.505")),
        ("amount", Decimal("0")),
        ("amount", Decimal("-1")),
        ("amount", Decimal("NaN")),
        ("out_trade_no", "FX2026|120100001"),  # WeChat takes "|" and "*"; a URL path and Stripe's search not
        ("out_trade_no", "FX2026120100001\x00"),
        ("out_trade_no", "ＦＸ２０２６１２０１"),
        ("currency", "cny"),
        ("channel", "alipay"),
        ("description", "Order\x00 1"),
        ("payer_openid", "o" * 129),
        ("payer_openid", "oUpF8uMuAJO' OR 1=1"),
        ("client_ip", "203.0.113.7, 10.0.0.1"),
        ("client_ip", "localhost"),
    ],
)
def test_a_payment_request_refuses_what_no_provider_could_take(field, value):
    with pytest.raises(InvalidInput) as error:
        PaymentRequest(**{**GOOD, field: value})
    assert field in error.value.errors


def test_a_good_payment_request():
    assert PaymentRequest(**GOOD).amount == Decimal("12.50")


REFUND = {
    "out_trade_no": "FX20261201000001",
    "out_refund_no": "RF20261201000001",
    "amount": Decimal("5.00"),
    "total_amount": Decimal("12.50"),
    "reason": "坏了",
    "notify_url": "https://n/",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("out_refund_no", "R" * 33),
        ("out_refund_no", "R2026 1201"),
        ("reason", "坏了\x00"),
        ("provider_payment_id", "pi_1' OR metadata['store']:'b"),
    ],
)
def test_a_refund_request_refuses_what_no_provider_could_take(field, value):
    with pytest.raises(InvalidInput) as error:
        RefundRequest(**{**REFUND, field: value})
    assert field in error.value.errors


@pytest.mark.parametrize("method", ["query_payment", "close_payment"])
def test_queries_and_closes_check_the_number_before_the_call(method):
    provider = SandboxProvider(store_key="store_a_schema")
    with pytest.raises(InvalidInput) as error:
        getattr(provider, method)("FX'; DROP")
    assert "out_trade_no" in error.value.errors
