"""Fixtures of the payment tests: a fake WeChat Pay (its keys made once per session), the HTTP layer faked
with `responses` (any request it does not know fails the test: nothing reaches the network)."""

import pytest
import responses

from shop.payments.wechat import WeChatPayProvider
from tests.shop.payments.fakes import (
    SP_APPID,
    SP_MCHID,
    SUB_MCHID,
    FakeWeChatPay,
    new_key,
    private_pem,
    public_pem,
)


@pytest.fixture(scope="session")
def wechat_keys():
    return new_key(), new_key()


@pytest.fixture
def fake_wechat(wechat_keys):
    platform_key, merchant_key = wechat_keys
    return FakeWeChatPay(platform_key=platform_key, merchant_key=merchant_key)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def direct(fake_wechat):
    """A store's own merchant account."""
    return WeChatPayProvider(merchant=fake_wechat.merchant())


@pytest.fixture
def sp_settings(settings, fake_wechat):
    """The platform as WeChat Pay service provider, from the environment's settings."""
    settings.WECHATPAY_SP_MCHID = SP_MCHID
    settings.WECHATPAY_SP_APPID = SP_APPID
    settings.WECHATPAY_SP_APIV3_KEY = fake_wechat.apiv3_key
    settings.WECHATPAY_SP_PRIVATE_KEY = private_pem(fake_wechat.merchant_key)
    settings.WECHATPAY_SP_CERT_SERIAL = "5E2A1B3C4D5E6F708192A3B4C5D6E7F8091A2B3C"
    settings.WECHATPAY_SP_PUBLIC_KEY = public_pem(fake_wechat.platform_key)
    settings.WECHATPAY_SP_PUBLIC_KEY_ID = fake_wechat.public_key_id
    return settings


@pytest.fixture
def partner(fake_wechat):
    """The platform's service-provider account, for the sub-merchant SUB_MCHID."""
    return WeChatPayProvider(
        merchant=fake_wechat.merchant(mchid=SP_MCHID, appid=SP_APPID), sub_mchid=SUB_MCHID
    )


@pytest.fixture
def own_wechat(fake_wechat):
    """What a merchant pastes into the console for its own WeChat Pay merchant account."""
    from tests.shop.payments.fakes import APPID, MCHID, SERIAL

    return {
        "wechat_enabled": True,
        "wechat_mode": "own",
        "wechat_mchid": MCHID,
        "wechat_appid": APPID,
        "wechat_apiv3_key": fake_wechat.apiv3_key,
        "wechat_private_key": private_pem(fake_wechat.merchant_key),
        "wechat_cert_serial": SERIAL,
        "wechat_public_key": public_pem(fake_wechat.platform_key),
        "wechat_public_key_id": fake_wechat.public_key_id,
    }


STRIPE_KEYS = {
    "stripe_enabled": True,
    "stripe_publishable_key": "pk_test_51StoreAbbbbbbbbbbbbbbbbbbbbb",
    "stripe_secret_key": "sk_test_51StoreAaaaaaaaaaaaaaaaaaaaaaaaa",
    "stripe_webhook_secret": "whsec_storeA0123456789abcdefABCDEF",
}


@pytest.fixture
def stripe_keys():
    return dict(STRIPE_KEYS)
