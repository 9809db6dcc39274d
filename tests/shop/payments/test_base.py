"""The provider interface's own rules: which WeChat Pay channel a browser gets, and what a payment request
may hold."""

from decimal import Decimal

import pytest

from shop.payments.base import Channel, PaymentRequest, choose_wechat_channel
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
        ("currency", "cny"),
        ("channel", "alipay"),
    ],
)
def test_a_payment_request_refuses_what_no_provider_could_take(field, value):
    with pytest.raises(InvalidInput) as error:
        PaymentRequest(**{**GOOD, field: value})
    assert field in error.value.errors


def test_a_good_payment_request():
    assert PaymentRequest(**GOOD).amount == Decimal("12.50")
