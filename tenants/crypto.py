"""Secrets stored at rest encrypted: a store's payment credentials, a distributor's bank account and ID
numbers. Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with keys from the environment:
FIELD_ENCRYPTION_KEYS is a comma-separated list, the first key encrypts, every key decrypts (rotate by
putting a new key first). Without it (development, tests) one key is derived from SECRET_KEY.

`EncryptedTextField` is a model field that does it on save and load; `mask()` is how such a value is
ever shown back."""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.strip()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys "
            '(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")'
        ) from exc


def _keys() -> tuple[str, ...]:
    keys = tuple(k for k in settings.FIELD_ENCRYPTION_KEYS if k.strip())
    if keys:
        return keys
    if not (settings.DEBUG or settings.TESTING):
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off.")
    derived = hashlib.sha256(("fenxiao-field-encryption:" + settings.SECRET_KEY).encode()).digest()
    return (base64.urlsafe_b64encode(derived).decode(),)


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    return PREFIX + _fernet(_keys()).encrypt(plain.encode()).decode()


class DecryptionFailed(ValueError):
    pass


def decrypt(stored: str) -> str:
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        raise DecryptionFailed("not an encrypted value")
    try:
        return _fernet(_keys()).decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise DecryptionFailed("encrypted with a key that is no longer configured") from exc


def mask(plain: str, *, keep: int = 4) -> str:
    """ "••••1234": enough to recognise a value, never enough to use it. Short values are hidden whole."""
    if not plain:
        return ""
    if len(plain) <= keep * 2:
        return "•" * 6
    return "•" * 6 + plain[-keep:]


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database and plain in Python. Not searchable or orderable; a blank
    value is stored as ""."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt(value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else (value or "")
