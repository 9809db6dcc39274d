"""Which provider a store pays with, built from its payment settings (shop.PaymentSettings, in the store's
schema) and what the platform holds for it (tenants.StorePaymentAccount, its WeChat Pay sub-merchant number).

- `available_providers(store)`: the codes checkout offers, in order of preference: WeChat Pay and Stripe
  when enabled and complete, else the sandbox (where settings.PAYMENT_SANDBOX allows it).
- `default_provider(store)`: the first of those, built.
- `provider_for(store, code)`: the named provider whenever it is configured, enabled or not: a payment made
  before the merchant switched a provider off still gets its notifications, queries and refunds."""

import contextlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import schema_context

from shop.models import PaymentSettings
from shop.payments.base import PaymentNotConfigured, PaymentProvider
from shop.payments.sandbox import SandboxProvider
from shop.payments.stripe_provider import StripeProvider
from shop.payments.wechat import WeChatMerchant, WeChatPayProvider, platform_service_provider
from tenants.links import store_url
from tenants.models import Store, StorePaymentAccount
from tenants.selectors import store_payment_account

WECHAT, STRIPE, SANDBOX = "wechat", "stripe", "sandbox"
PROVIDER_CODES = (WECHAT, STRIPE, SANDBOX)
PROVIDER_LABELS = {
    WECHAT: gettext_lazy("WeChat Pay"),
    STRIPE: gettext_lazy("Cards (Stripe)"),
    SANDBOX: gettext_lazy("Sandbox (test payments)"),
}
OWN_WECHAT_FIELDS = (
    "wechat_mchid",
    "wechat_appid",
    "wechat_apiv3_key",
    "wechat_private_key",
    "wechat_cert_serial",
    "wechat_public_key",
    "wechat_public_key_id",
)
STRIPE_FIELDS = ("stripe_publishable_key", "stripe_secret_key", "stripe_webhook_secret")


@dataclass(frozen=True)
class ProviderReadiness:
    code: str
    enabled: bool
    missing: tuple[str, ...]  # what keeps it from working, in words for the merchant

    @property
    def configured(self) -> bool:
        return not self.missing

    @property
    def ready(self) -> bool:
        return self.enabled and not self.missing


def _in_store(store: Store):
    """Read the store's own rows in its schema, whichever schema the caller is in."""
    if connection.schema_name == store.schema_name:
        return contextlib.nullcontext()
    return schema_context(store.schema_name)


def _load(store: Store) -> tuple[PaymentSettings, StorePaymentAccount]:
    with _in_store(store):
        payment_settings = PaymentSettings.current()
    return payment_settings, store_payment_account(store)


def _missing_labels(payment_settings: PaymentSettings, names) -> list[str]:
    return [
        str(PaymentSettings._meta.get_field(name).verbose_name)
        for name in names
        if not getattr(payment_settings, name)
    ]


def readiness(
    store: Store, payment_settings: PaymentSettings, account: StorePaymentAccount
) -> dict[str, ProviderReadiness]:
    wechat: list[str] = []
    if store.currency != "CNY":
        wechat.append(
            _("WeChat Pay takes CNY only; this store sells in %(currency)s.") % {"currency": store.currency}
        )
    if payment_settings.wechat_mode == PaymentSettings.WeChatMode.OWN:
        missing = _missing_labels(payment_settings, OWN_WECHAT_FIELDS)
        if missing:
            wechat.append(_("Still to enter: %(fields)s.") % {"fields": ", ".join(missing)})
    else:
        if platform_service_provider() is None:
            wechat.append(_("The platform does not offer WeChat Pay as a service provider yet."))
        if not account.wechat_sub_mchid:
            wechat.append(_("The platform has not assigned your sub-merchant number yet."))
    stripe_missing = _missing_labels(payment_settings, STRIPE_FIELDS)
    stripe = (
        [_("Still to enter: %(fields)s.") % {"fields": ", ".join(stripe_missing)}] if stripe_missing else []
    )
    sandbox = [] if settings.PAYMENT_SANDBOX else [_("The platform does not offer the sandbox.")]
    return {
        WECHAT: ProviderReadiness(WECHAT, payment_settings.wechat_enabled, tuple(wechat)),
        STRIPE: ProviderReadiness(STRIPE, payment_settings.stripe_enabled, tuple(stripe)),
        SANDBOX: ProviderReadiness(SANDBOX, bool(settings.PAYMENT_SANDBOX), tuple(sandbox)),
    }


def available_codes(states: dict[str, ProviderReadiness]) -> list[str]:
    live = [code for code in (WECHAT, STRIPE) if states[code].ready]
    if live:
        return live
    return [SANDBOX] if states[SANDBOX].ready else []


def available_providers(store: Store) -> list[str]:
    """The provider codes checkout offers this store's buyers, preferred first; [] when it takes none."""
    return available_codes(readiness(store, *_load(store)))


def default_provider(store: Store) -> PaymentProvider:
    codes = available_providers(store)
    if not codes:
        raise PaymentNotConfigured(_("This store does not take payments yet."))
    return provider_for(store, codes[0])


def provider_for(store: Store, code: str) -> PaymentProvider:
    """The store's provider `code`, configured from its settings; PaymentNotConfigured when it cannot be."""
    if code not in PROVIDER_CODES:
        raise PaymentNotConfigured(_("Unknown payment method."))
    payment_settings, account = _load(store)
    state = readiness(store, payment_settings, account)[code]
    if not state.configured:
        raise PaymentNotConfigured(
            _("%(provider)s is not set up for this store: %(problems)s")
            % {"provider": PROVIDER_LABELS[code], "problems": " ".join(state.missing)}
        )
    if code == SANDBOX:
        return SandboxProvider(store_key=store.schema_name)
    if code == STRIPE:
        return StripeProvider(
            store_key=store.schema_name,
            publishable_key=payment_settings.stripe_publishable_key,
            secret_key=payment_settings.stripe_secret_key,
            webhook_secret=payment_settings.stripe_webhook_secret,
        )
    if payment_settings.wechat_mode == PaymentSettings.WeChatMode.OWN:
        return WeChatPayProvider(
            merchant=WeChatMerchant(
                mchid=payment_settings.wechat_mchid,
                appid=payment_settings.wechat_appid,
                apiv3_key=payment_settings.wechat_apiv3_key,
                private_key=payment_settings.wechat_private_key,
                cert_serial=payment_settings.wechat_cert_serial,
                public_key=payment_settings.wechat_public_key,
                public_key_id=payment_settings.wechat_public_key_id,
            )
        )
    return WeChatPayProvider(
        merchant=platform_service_provider(),
        sub_mchid=account.wechat_sub_mchid,
        sub_appid=account.wechat_sub_appid,
    )


def notify_url(store, provider_code: str, *, request=None) -> str:
    """Where a provider sends its notifications for this store: the store is in the host."""
    return store_url(store, f"/api/v1/webhooks/payments/{provider_code}/", request=request)
