"""Races against the real database (committed data, one connection per thread): one code signs in
once, and requests racing each other never get past the limits on asking for codes."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from shop.models import SmsCode
from shop.services import buyer_auth
from tenants.activity.models import ActivityEntry
from tenants.models import Store
from tests.conftest import STORE_A, run_in_threads
from tests.shop.conftest import last_code

User = get_user_model()
PHONE = "+8613900139000"
IP = "203.0.113.50"


@pytest.fixture
def store(committed_db):
    connection.set_schema_to_public()
    store = Store.objects.get(slug=STORE_A["subdomain"])
    yield store
    with schema_context(store.schema_name):
        SmsCode.objects.all().delete()
        buyers = User.objects.filter(role="customer")
        Token.objects.filter(user__in=buyers).delete()
        ActivityEntry.objects.filter(action="buyer.created").delete()
        buyers.delete()


def test_two_concurrent_verifications_of_one_code_sign_in_once(store):
    with schema_context(store.schema_name):
        buyer_auth.request_sign_in_code(store=store, phone=PHONE, ip=IP)
    code = last_code(PHONE)
    results = run_in_threads(
        store.schema_name, [lambda: buyer_auth.sign_in_with_code(phone=PHONE, code=code, ip=IP)] * 4
    )
    outcomes = Counter(type(result).__name__ for result in results)
    assert outcomes == {"User": 1, "InvalidInput": 3}, results
    refused = [r for r in results if not isinstance(r, User)]
    assert all(r.errors["code"] == ["This code has already been used. Ask for a new code."] for r in refused)
    with schema_context(store.schema_name):
        assert User.objects.filter(role="customer", phone=PHONE).count() == 1
        assert ActivityEntry.objects.filter(action="buyer.created").count() == 1


def test_racing_requests_for_one_number_send_one_code(store):
    results = run_in_threads(
        store.schema_name,
        [
            lambda n=n: buyer_auth.request_sign_in_code(store=store, phone=PHONE, ip=f"198.51.100.{n}")
            for n in range(5)
        ],
    )
    assert Counter(type(result).__name__ for result in results) == {"CodeSent": 1, "RateLimited": 4}, results
    with schema_context(store.schema_name):
        assert SmsCode.objects.filter(phone=PHONE).count() == 1


def test_racing_requests_from_one_address_stop_at_its_daily_cap(store, settings):
    settings.SMS_CODE_DAILY_LIMIT_PER_IP = 3
    phones = [f"+861390013901{n}" for n in range(6)]
    results = run_in_threads(
        store.schema_name,
        [
            lambda phone=phone: buyer_auth.request_sign_in_code(store=store, phone=phone, ip=IP)
            for phone in phones
        ],
    )
    assert Counter(type(result).__name__ for result in results) == {"CodeSent": 3, "RateLimited": 3}, results
    with schema_context(store.schema_name):
        assert SmsCode.objects.filter(ip=IP).count() == 3
