"""Secrets at rest: encrypted in the database, plain in Python, masked when shown."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from tenants import crypto


@pytest.fixture
def keys(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    return settings, old, new


def test_a_value_round_trips_and_is_not_stored_plain(keys):
    stored = crypto.encrypt("6222 0212 3456 7890")
    assert stored.startswith(crypto.PREFIX) and "6222" not in stored
    assert crypto.decrypt(stored) == "6222 0212 3456 7890"


def test_rotation_keeps_old_values_readable_and_new_ones_use_the_new_key(keys):
    settings, old, new = keys
    before = crypto.encrypt("secret")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert crypto.decrypt(before) == "secret"
    after = crypto.encrypt("secret")
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert crypto.decrypt(after) == "secret"
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(before)


def test_production_refuses_to_run_without_keys(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FIELD_ENCRYPTION_KEYS, settings.DEBUG, settings.TESTING = [], False, False
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")


@pytest.mark.parametrize(
    ("plain", "shown"), [("", ""), ("abc", "••••••"), ("6222021234567890", "••••••7890")]
)
def test_mask_shows_only_the_last_four(plain, shown):
    assert crypto.mask(plain) == shown


def test_the_model_field_encrypts_in_the_database(db):
    field = crypto.EncryptedTextField()
    stored = field.get_prep_value("apiv3-key")
    assert stored.startswith(crypto.PREFIX)
    assert field.from_db_value(stored, None, connection) == "apiv3-key"
    assert field.get_prep_value("") == ""
