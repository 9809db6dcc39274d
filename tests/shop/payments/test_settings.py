"""The payment settings service and the registry built on it: secrets encrypted at rest and never logged,
a blank secret keeps the saved one, every value checked, a provider switched on only when complete, and
checkout falling back to the sandbox while nothing is configured."""

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context

from shop.models import PaymentSettings
from shop.payments import registry
from shop.payments.base import PaymentNotConfigured
from shop.payments.sandbox import SandboxProvider
from shop.payments.stripe_provider import StripeProvider
from shop.payments.wechat import WeChatPayProvider
from shop.services import payment_settings as services
from tenants.activity.models import ActivityEntry
from tenants.errors import InvalidInput, NotAllowed
from tenants.services.operator import set_wechat_sub_merchant
from tests.conftest import make_staff, owner_of
from tests.shop.payments.fakes import MCHID, SP_MCHID, SUB_MCHID

User = get_user_model()


def save(store, actor=None, **values):
    with schema_context(store.schema_name):
        return services.update_payment_settings(
            store=store, actor=actor or owner_of(store), input=services.PaymentSettingsInput(**values)
        )


def raw_columns(store) -> dict:
    with schema_context(store.schema_name), connection.cursor() as cursor:
        cursor.execute(
            "SELECT wechat_apiv3_key, wechat_private_key, stripe_secret_key, stripe_webhook_secret "
            "FROM shop_paymentsettings WHERE id = 1"
        )
        row = cursor.fetchone()
    return dict(zip(PaymentSettings.SECRET_FIELDS, row, strict=True))


def stored(store) -> PaymentSettings:
    with schema_context(store.schema_name):
        return PaymentSettings.objects.get(pk=1)


# --- saving -------------------------------------------------------------------------------------------------


def test_secrets_are_stored_encrypted(store_a, own_wechat, stripe_keys):
    save(store_a, **own_wechat, **stripe_keys)
    columns = raw_columns(store_a)
    plain = {**own_wechat, **stripe_keys}
    for name, value in columns.items():
        assert value.startswith("enc1:"), name
        assert plain[name][-20:] not in value
    assert stored(store_a).wechat_apiv3_key == own_wechat["wechat_apiv3_key"]


def test_a_blank_secret_keeps_the_saved_one(store_a, stripe_keys):
    save(store_a, **stripe_keys)
    save(
        store_a,
        stripe_secret_key="",
        stripe_webhook_secret="   ",
        stripe_publishable_key="pk_test_51StoreAccccccccc",
    )
    kept = stored(store_a)
    assert kept.stripe_secret_key == stripe_keys["stripe_secret_key"]
    assert kept.stripe_webhook_secret == stripe_keys["stripe_webhook_secret"]
    assert kept.stripe_publishable_key == "pk_test_51StoreAccccccccc"


def test_the_activity_log_names_the_changed_secrets_but_never_their_values(store_a, own_wechat, stripe_keys):
    save(store_a, **own_wechat, **stripe_keys)
    with schema_context(store_a.schema_name):
        entry = ActivityEntry.objects.get(action="payment_settings.updated")
    assert entry.actor_label and entry.target_type == "payment_settings"
    assert entry.changes["wechat_apiv3_key"] == [None, "changed"]
    assert entry.changes["stripe_secret_key"] == [None, "changed"]
    assert entry.changes["wechat_mchid"] == ["", MCHID]
    logged = json.dumps(entry.changes) + entry.note
    for secret in ("wechat_apiv3_key", "stripe_secret_key", "stripe_webhook_secret"):
        assert {**own_wechat, **stripe_keys}[secret] not in logged
    assert "PRIVATE KEY" not in logged


def test_saving_the_same_values_again_logs_nothing(store_a, stripe_keys):
    save(store_a, **stripe_keys)
    save(store_a, **stripe_keys)
    with schema_context(store_a.schema_name):
        assert ActivityEntry.objects.filter(action="payment_settings.updated").count() == 1


def test_a_pkcs1_private_key_is_kept_in_the_form_wechatpayv3_loads(store_a, own_wechat, fake_wechat):
    pkcs1 = fake_wechat.merchant_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    save(
        store_a,
        **{
            **own_wechat,
            "wechat_private_key": pkcs1,
            "wechat_cert_serial": own_wechat["wechat_cert_serial"].lower(),
        },
    )
    kept = stored(store_a)
    assert kept.wechat_private_key.startswith("-----BEGIN PRIVATE KEY-----")
    assert kept.wechat_cert_serial == own_wechat["wechat_cert_serial"].upper()


def ec_key_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("wechat_mchid", "12ab34", "8 to 12 digits"),
        ("wechat_mchid", "1230\x000109", "control characters"),
        ("wechat_appid", "wx123", "16 letters or digits"),
        ("wechat_apiv3_key", "a" * 31, "exactly 32 characters"),
        ("wechat_apiv3_key", "密钥" * 16, "exactly 32 characters"),
        (
            "wechat_private_key",
            "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----",
            "apiclient_key.pem",
        ),
        ("wechat_private_key", "x" * 20_000, "At most"),
        ("wechat_private_key", "ÿ" * 100, "apiclient_key.pem"),
        ("wechat_public_key", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", "pub_key.pem"),
        ("wechat_public_key_id", "KEY_0114232134912410000000000000", "PUB_KEY_ID_"),
        ("wechat_cert_serial", "not-hex-at-all", "hexadecimal"),
        ("wechat_mode", "both", "Choose how"),
        ("stripe_publishable_key", "sk_test_51StoreAaaaaaaaaaaaaaaaaaaaaaaaa", "pk_live_"),
        ("stripe_secret_key", "pk_test_51StoreAaaaaaaaaaaaaaaaaaaaaaaaa", "sk_live_"),
        ("stripe_webhook_secret", "secret", "whsec_"),
        ("stripe_enabled", "yes", "on or off"),
    ],
)
def test_every_value_is_checked_with_a_clear_message(store_a, field, value, message):
    with pytest.raises(InvalidInput) as error:
        save(store_a, **{field: value})
    assert message in " ".join(error.value.errors[field])
    with schema_context(store_a.schema_name):
        assert not PaymentSettings.objects.exists()


def test_an_ec_key_is_not_a_wechat_pay_key(store_a):
    with pytest.raises(InvalidInput) as error:
        save(store_a, wechat_private_key=ec_key_pem())
    assert "RSA" in error.value.errors["wechat_private_key"][0]


def test_a_provider_is_switched_on_only_when_complete(store_a, own_wechat):
    with pytest.raises(InvalidInput) as error:
        save(store_a, wechat_enabled=True, wechat_mode="own", wechat_mchid=MCHID)
    assert {"wechat_appid", "wechat_apiv3_key", "wechat_private_key", "wechat_public_key"} <= set(
        error.value.errors
    )
    with pytest.raises(InvalidInput) as error:
        save(store_a, stripe_enabled=True, stripe_publishable_key="pk_test_51StoreAbbbbbbbbbbbbbbbbbbbbb")
    assert {"stripe_secret_key", "stripe_webhook_secret"} <= set(error.value.errors)
    with schema_context(store_a.schema_name):
        assert not PaymentSettings.objects.filter(wechat_enabled=True).exists()


def test_live_and_test_stripe_keys_do_not_mix(store_a, stripe_keys):
    with pytest.raises(InvalidInput) as error:
        save(store_a, **{**stripe_keys, "stripe_secret_key": "sk_live_51StoreAaaaaaaaaaaaaaaaaaaaaaaaa"})
    assert "both be live keys or both test keys" in error.value.errors["stripe_secret_key"][0]


def test_through_the_platform_needs_the_sub_merchant_number_the_operator_sets(store_a, sp_settings, operator):
    with pytest.raises(InvalidInput) as error:
        save(store_a, wechat_enabled=True, wechat_mode="platform")
    assert "sub-merchant number" in error.value.errors["wechat_enabled"][0]
    set_wechat_sub_merchant(store=store_a, actor=operator, sub_mchid=SUB_MCHID, reason="签约完成")
    save(store_a, wechat_enabled=True, wechat_mode="platform")
    assert registry.available_providers(store_a) == ["wechat"]


def test_only_the_owner_or_an_administrator_may_change_them(store_a, stripe_keys):
    for role in (User.Role.FINANCE, User.Role.OPERATIONS, User.Role.CUSTOMER):
        with pytest.raises(NotAllowed):
            save(store_a, actor=make_staff(store_a, role=role), **stripe_keys)
    save(store_a, actor=make_staff(store_a, role=User.Role.ADMIN), **stripe_keys)


def test_a_suspended_store_cannot_change_them(store_a, operator, stripe_keys):
    from tenants.services.operator import suspend_store

    suspended = suspend_store(store=store_a, actor=operator, reason="违规经营")
    with pytest.raises(NotAllowed):
        save(suspended, **stripe_keys)


# --- the registry ----------------------------------------------------------------------------------------


def test_with_nothing_configured_checkout_uses_the_sandbox(store_a):
    assert registry.available_providers(store_a) == ["sandbox"]
    provider = registry.default_provider(store_a)
    assert isinstance(provider, SandboxProvider) and provider.store_key == store_a.schema_name


def test_where_the_platform_offers_no_sandbox_a_store_without_credentials_takes_no_payments(
    store_a, settings
):
    settings.PAYMENT_SANDBOX = False
    assert registry.available_providers(store_a) == []
    with pytest.raises(PaymentNotConfigured):
        registry.default_provider(store_a)
    with pytest.raises(PaymentNotConfigured):
        registry.provider_for(store_a, "sandbox")


def test_configured_providers_replace_the_sandbox(store_a, own_wechat, stripe_keys):
    save(store_a, **own_wechat, **stripe_keys)
    assert registry.available_providers(store_a) == ["wechat", "stripe"]
    wechat = registry.default_provider(store_a)
    assert isinstance(wechat, WeChatPayProvider) and not wechat.partner and wechat.merchant.mchid == MCHID
    stripe = registry.provider_for(store_a, "stripe")
    assert isinstance(stripe, StripeProvider) and stripe.store_key == store_a.schema_name
    assert "sk_test" not in repr(stripe) and "PRIVATE" not in repr(wechat.merchant)


def test_a_provider_switched_off_still_serves_its_past_payments(store_a, stripe_keys):
    save(store_a, **stripe_keys)
    save(store_a, stripe_enabled=False)
    assert registry.available_providers(store_a) == ["sandbox"]
    assert isinstance(registry.provider_for(store_a, "stripe"), StripeProvider)
    with pytest.raises(PaymentNotConfigured):
        registry.provider_for(store_a, "wechat")
    with pytest.raises(PaymentNotConfigured):
        registry.provider_for(store_a, "paypal")


def test_partner_mode_signs_with_the_platform_for_the_stores_sub_merchant(store_a, sp_settings, operator):
    set_wechat_sub_merchant(
        store=store_a, actor=operator, sub_mchid=SUB_MCHID, sub_appid="", reason="签约完成"
    )
    save(store_a, wechat_enabled=True, wechat_mode="platform")
    provider = registry.provider_for(store_a, "wechat")
    assert provider.partner and provider.merchant.mchid == SP_MCHID and provider.sub_mchid == SUB_MCHID


def test_wechat_pay_is_never_offered_in_another_currency(store_a, own_wechat):
    save(store_a, **own_wechat)
    store_a.currency = "USD"
    assert registry.available_providers(store_a) == ["sandbox"]
    with pytest.raises(InvalidInput) as error:
        save(store_a, wechat_enabled=True)
    assert "CNY" in error.value.errors["wechat_enabled"][0]


def test_each_store_gets_its_own_settings_whatever_schema_the_caller_is_in(store_a, store_b, stripe_keys):
    save(store_b, **stripe_keys)
    with schema_context(store_a.schema_name):
        assert registry.available_providers(store_b) == ["stripe"]
        assert registry.available_providers(store_a) == ["sandbox"]
        assert registry.provider_for(store_b, "stripe").store_key == store_b.schema_name
        with pytest.raises(PaymentNotConfigured):
            registry.provider_for(store_a, "stripe")
