"""The payment settings as the console page and the store API show them: public values as they are, every
secret masked ("••••••1a2b"), and where each provider stands."""

from dataclasses import dataclass

from shop.models import PaymentSettings
from shop.payments.registry import (
    PROVIDER_CODES,
    PROVIDER_LABELS,
    available_codes,
    readiness,
)
from shop.payments.wechat import platform_service_provider
from tenants.crypto import mask
from tenants.selectors import store_payment_account

PUBLIC_FIELDS = (
    "wechat_enabled",
    "wechat_mode",
    "wechat_mchid",
    "wechat_appid",
    "wechat_cert_serial",
    "wechat_public_key_id",
    "wechat_public_key",
    "stripe_enabled",
    "stripe_publishable_key",
)


@dataclass(frozen=True)
class ProviderStatus:
    code: str
    label: str
    enabled: bool
    ready: bool
    problems: tuple[str, ...]


@dataclass(frozen=True)
class PaymentSettingsOverview:
    values: dict  # the public fields
    secrets: dict  # each secret field masked, "" when not set
    wechat_sub_mchid: str  # set by the platform operator
    wechat_sub_appid: str
    platform_offers_wechat: bool
    providers: tuple[ProviderStatus, ...]
    available: tuple[str, ...]  # what checkout offers, preferred first


def masked_secret(value: str) -> str:
    """A key's last characters, enough to recognise it; of a PEM key, the last of its base64 body (its
    closing line says nothing)."""
    if "-----BEGIN" in value:
        value = "".join(line.strip() for line in value.splitlines() if line.strip() and "-----" not in line)
    return mask(value)


def payment_settings_overview(*, store) -> PaymentSettingsOverview:
    """Read in the store's schema (a request or task of that store)."""
    payment_settings = PaymentSettings.current()
    account = store_payment_account(store)
    states = readiness(store, payment_settings, account)
    return PaymentSettingsOverview(
        values={name: getattr(payment_settings, name) for name in PUBLIC_FIELDS},
        secrets={
            name: masked_secret(getattr(payment_settings, name)) for name in PaymentSettings.SECRET_FIELDS
        },
        wechat_sub_mchid=account.wechat_sub_mchid,
        wechat_sub_appid=account.wechat_sub_appid,
        platform_offers_wechat=platform_service_provider() is not None,
        providers=tuple(
            ProviderStatus(
                code=code,
                label=str(PROVIDER_LABELS[code]),
                enabled=states[code].enabled,
                ready=states[code].ready,
                problems=states[code].missing,
            )
            for code in PROVIDER_CODES
        ),
        available=tuple(available_codes(states)),
    )
