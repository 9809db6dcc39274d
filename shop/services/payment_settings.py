"""The store's payment settings: which providers it takes and the credentials of its own accounts.

Both faces (the console page, the store API) build one `PaymentSettingsInput` and call
`update_payment_settings`; the rules live here once. Secrets are never logged: the activity log says a
secret "changed", never what it was or became."""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import transaction
from django.utils.translation import gettext as _

from shop.models import PaymentSettings
from shop.payments.base import PaymentNotConfigured, PaymentProviderError
from shop.payments.registry import (
    OWN_WECHAT_FIELDS,
    PROVIDER_CODES,
    STRIPE_FIELDS,
    provider_for,
)
from shop.payments.wechat import platform_service_provider
from shop.permissions import can_change_payment_settings
from tenants.activity import record
from tenants.errors import InvalidInput, NotAllowed
from tenants.selectors import store_payment_account
from tenants.services.store_settings import require_writable
from tenants.updates import model_update
from tenants.validators import wechat_appid_problem, wechat_mchid_problem

logger = logging.getLogger(__name__)

SECRET_CHANGED = "changed"
PEM_MAX_LENGTH = 10_000
# Any control character but the line breaks and tabs a pasted PEM may hold.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CERT_SERIAL_RE = re.compile(r"[0-9A-Fa-f]{8,64}")
PUBLIC_KEY_ID_RE = re.compile(r"PUB_KEY_ID_[0-9A-Za-z_]{1,53}")
APIV3_KEY_RE = re.compile(r"[\x21-\x7e]{32}")
STRIPE_PUBLISHABLE_RE = re.compile(r"pk_(test|live)_[0-9A-Za-z]{10,240}")
STRIPE_SECRET_RE = re.compile(r"[sr]k_(test|live)_[0-9A-Za-z]{10,240}")
STRIPE_WEBHOOK_RE = re.compile(r"whsec_[0-9A-Za-z+/=]{10,200}")


@dataclass(frozen=True)
class PaymentSettingsInput:
    """A change to the payment settings. None leaves a field as it is; a secret given as "" keeps the stored
    one too (a form never shows a secret, so an untouched secret field comes back blank)."""

    wechat_enabled: bool | None = None
    wechat_mode: str | None = None
    wechat_mchid: str | None = None
    wechat_appid: str | None = None
    wechat_cert_serial: str | None = None
    wechat_public_key_id: str | None = None
    wechat_public_key: str | None = None
    wechat_apiv3_key: str | None = None
    wechat_private_key: str | None = None
    stripe_enabled: bool | None = None
    stripe_publishable_key: str | None = None
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None

    @classmethod
    def from_data(cls, data: Mapping) -> "PaymentSettingsInput":
        """From a form's cleaned_data or a serializer's validated_data: the keys it holds, nothing else."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


INPUT_FIELDS = tuple(f.name for f in fields(PaymentSettingsInput))
BOOLEAN_FIELDS = ("wechat_enabled", "stripe_enabled")


@dataclass(frozen=True)
class ConnectionResult:
    provider: str
    ok: bool
    message: str


# --- checking each value ---------------------------------------------------------------------------------


class _Refused(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _pem_body(text: str, label: str) -> bytes:
    """A pasted key as PEM bytes; a bare base64 body (as some WeChat tools show it) gets its PEM lines."""
    if "-----BEGIN" not in text:
        text = f"-----BEGIN {label}-----\n{text}\n-----END {label}-----"
    return text.encode("ascii", "strict")


def _private_key(text: str) -> str:
    try:
        key = serialization.load_pem_private_key(_pem_body(text, "PRIVATE KEY"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise _Refused(
            _("Paste the whole merchant API private key (apiclient_key.pem), from -----BEGIN to -----END.")
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise _Refused(_("WeChat Pay merchant keys are RSA keys of 2048 bits or more."))
    # PKCS#8, the form wechatpayv3 loads ("BEGIN PRIVATE KEY"), whatever form was pasted.
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _public_key(text: str) -> str:
    try:
        key = serialization.load_pem_public_key(_pem_body(text, "PUBLIC KEY"))
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise _Refused(
            _("Paste the whole WeChat Pay public key (pub_key.pem), from -----BEGIN to -----END.")
        ) from exc
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < 2048:
        raise _Refused(_("The WeChat Pay public key is an RSA key of 2048 bits or more."))
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def _problem_check(problem):
    def check(text: str) -> str:
        message = problem(text)
        if message:
            raise _Refused(message)
        return text

    return check


def _matching(pattern: re.Pattern, message: str, *, upper: bool = False):
    def check(text: str) -> str:
        if not pattern.fullmatch(text):
            raise _Refused(message)
        return text.upper() if upper else text

    return check


def _mode(text: str) -> str:
    if text not in PaymentSettings.WeChatMode.values:
        raise _Refused(_("Choose how your store takes WeChat Pay."))
    return text


def _checks() -> dict:
    """Field → (maximum length, check returning the value to store)."""
    return {
        "wechat_mode": (20, _mode),
        "wechat_mchid": (12, _problem_check(wechat_mchid_problem)),
        "wechat_appid": (18, _problem_check(wechat_appid_problem)),
        "wechat_cert_serial": (
            64,
            _matching(
                CERT_SERIAL_RE,
                _("The certificate serial number is hexadecimal (usually 40 characters)."),
                upper=True,
            ),
        ),
        "wechat_public_key_id": (
            64,
            _matching(
                PUBLIC_KEY_ID_RE, _("The public key id starts with PUB_KEY_ID_, as WeChat Pay shows it.")
            ),
        ),
        "wechat_public_key": (PEM_MAX_LENGTH, _public_key),
        "wechat_apiv3_key": (
            32,
            _matching(
                APIV3_KEY_RE, _("The APIv3 key is exactly 32 characters, as you set it in WeChat Pay.")
            ),
        ),
        "wechat_private_key": (PEM_MAX_LENGTH, _private_key),
        "stripe_publishable_key": (
            255,
            _matching(STRIPE_PUBLISHABLE_RE, _("A Stripe publishable key starts with pk_live_ or pk_test_.")),
        ),
        "stripe_secret_key": (
            255,
            _matching(
                STRIPE_SECRET_RE,
                _("A Stripe secret key starts with sk_live_ or sk_test_ (or rk_ when restricted)."),
            ),
        ),
        "stripe_webhook_secret": (
            255,
            _matching(STRIPE_WEBHOOK_RE, _("A webhook signing secret starts with whsec_.")),
        ),
    }


def _clean(input: PaymentSettingsInput) -> tuple[dict, dict[str, list[str]]]:
    """The given values, checked and normalised; and the problems by field."""
    values: dict = {}
    errors: dict[str, list[str]] = {}
    checks = _checks()
    for name in INPUT_FIELDS:
        value = getattr(input, name)
        if value is None:
            continue
        if name in BOOLEAN_FIELDS:
            if not isinstance(value, bool):
                errors[name] = [_("Choose on or off.")]
            else:
                values[name] = value
            continue
        max_length, check = checks[name]
        if not isinstance(value, str):
            errors[name] = [_("Enter text.")]
            continue
        if CONTROL_CHARACTERS.search(value):
            errors[name] = [_("This contains invisible control characters: paste it again as plain text.")]
            continue
        value = value.strip()
        if name in PaymentSettings.SECRET_FIELDS and not value:
            continue  # blank keeps the stored secret
        if len(value) > max_length:
            errors[name] = [_("At most %(n)s characters.") % {"n": max_length}]
            continue
        if not value and name != "wechat_mode":
            values[name] = ""
            continue
        try:
            values[name] = check(value)
        except _Refused as refused:
            errors[name] = [refused.message]
    return values, errors


def _coherence(store, merged: PaymentSettings) -> dict[str, list[str]]:
    """What the settings as a whole must satisfy: a provider switched on is complete, Stripe keys agree."""
    errors: dict[str, list[str]] = {}
    if merged.stripe_publishable_key and merged.stripe_secret_key:
        publishable_live = merged.stripe_publishable_key.startswith("pk_live_")
        secret_live = merged.stripe_secret_key[3:].startswith("live_")
        if publishable_live != secret_live:
            errors["stripe_secret_key"] = [
                _("The publishable and secret keys must both be live keys or both test keys.")
            ]
    if merged.stripe_enabled:
        for name in STRIPE_FIELDS:
            if not getattr(merged, name):
                errors.setdefault(name, [_("Needed to take card payments.")])
    if merged.wechat_enabled:
        if store.currency != "CNY":
            errors["wechat_enabled"] = [
                _("WeChat Pay takes CNY only; this store sells in %(currency)s.")
                % {"currency": store.currency}
            ]
        elif merged.wechat_mode == PaymentSettings.WeChatMode.OWN:
            for name in OWN_WECHAT_FIELDS:
                if not getattr(merged, name):
                    errors.setdefault(name, [_("Needed to take WeChat Pay with your own merchant account.")])
        elif platform_service_provider() is None:
            errors["wechat_enabled"] = [
                _("The platform does not offer WeChat Pay as a service provider yet.")
            ]
        elif not store_payment_account(store).wechat_sub_mchid:
            errors["wechat_enabled"] = [
                _(
                    "The platform has not assigned your sub-merchant number yet. Ask the platform, or use "
                    "your own merchant account."
                )
            ]
    return errors


# --- the services ----------------------------------------------------------------------------------------


@transaction.atomic
def update_payment_settings(*, store, actor, input: PaymentSettingsInput) -> PaymentSettings:
    require_writable(store)
    if not can_change_payment_settings(actor):
        raise NotAllowed(_("Only the owner or an administrator can change the payment settings."))
    values, errors = _clean(input)
    if errors:
        raise InvalidInput(errors)
    PaymentSettings.objects.get_or_create(pk=1)
    payment_settings = PaymentSettings.objects.select_for_update().get(pk=1)
    changes = model_update(instance=payment_settings, fields=INPUT_FIELDS, data=values, save=False)
    errors = _coherence(store, payment_settings)
    if errors:
        raise InvalidInput(errors)
    if changes:
        payment_settings.save(update_fields=[*changes, "updated_at"])
        for name in PaymentSettings.SECRET_FIELDS:
            if name in changes:
                changes[name] = [None, SECRET_CHANGED]
        record(
            actor=actor,
            action="payment_settings.updated",
            target_type="payment_settings",
            target_id=payment_settings.pk,
            target_label=_("Payment settings"),
            changes=changes,
        )
    return payment_settings


def test_payment_connection(*, store, actor, provider: str) -> ConnectionResult:
    """One harmless authenticated call to the provider with the saved credentials (it changes nothing, here
    or there): WeChat Pay looks up an order number that cannot exist, Stripe reads the balance."""
    if not can_change_payment_settings(actor):
        raise NotAllowed(_("Only the owner or an administrator can test the payment settings."))
    if provider not in PROVIDER_CODES:
        raise InvalidInput({"provider": [_("Choose a payment method to test.")]})
    try:
        message = provider_for(store, provider).test_connection()
    except (PaymentProviderError, PaymentNotConfigured) as error:
        logger.info(
            "payment connection test of %s for %s failed: %s", provider, store.schema_name, error.code
        )
        return ConnectionResult(provider=provider, ok=False, message=error.message)
    return ConnectionResult(provider=provider, ok=True, message=message)
