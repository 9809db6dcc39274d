"""What the shop's tests share: buyers of the test stores, signed in on the storefront or holding an API
token (the face folders add their own fixtures)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tenants import sms
from tenants.accounts.services import api_token_for
from tests.conftest import host_client, make_buyer, signed_in_client  # noqa: F401 - used by the tests here

User = get_user_model()
PHONE_1 = "+8613800138001"
PHONE_2 = "+8613800138002"


def last_code(phone: str | None = None) -> str:
    """The code of the last text message (to `phone`, when given) the console backend kept."""
    messages = [m for m in sms.outbox if phone is None or m.phone == phone]
    assert messages, f"no text message to {phone}"
    return re.search(r"\b(\d{6})\b", messages[-1].text).group(1)


def sign_in_by_sms(client, phone: str, *, next_url: str = ""):
    """Sign `client` in through the storefront's own pages, reading the code from the outbox."""
    response = client.post("/account/sign-in/code/", {"phone": phone})
    assert response.status_code == 200, response.content[:300]
    data = {"phone": phone, "code": last_code(), **({"next": next_url} if next_url else {})}
    response = client.post("/account/sign-in/", data)
    connection.set_schema_to_public()
    assert response.status_code == 302, response.content.decode()[:1000]
    return response


def api_client(store, user=None):
    client = host_client(store.host)
    if user is not None:
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {api_token_for(user=user, store=store)}"
    return client


@pytest.fixture
def buyer_1(store_a):
    return make_buyer(store_a, PHONE_1, name="买家一")


@pytest.fixture
def buyer_2(store_a):
    return make_buyer(store_a, PHONE_2, name="买家二")


@pytest.fixture
def buyer_b(store_b):
    """A buyer of store B (same phone number as buyer_1 of store A: a different person to the store)."""
    return make_buyer(store_b, PHONE_1, name="B 店买家")
