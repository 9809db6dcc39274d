"""The order side over HTTP: store A with things to sell (tests/shop/services/conftest.py's Shop, committed
to nothing but the test's transaction), API clients holding a buyer's or a staff member's token, and a
provider's side of the payment notifications."""

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from shop.models import Payment
from shop.payments.registry import provider_for
from tenants.accounts.services import api_token_for
from tests.conftest import make_staff, owner_of
from tests.shop.payments.conftest import (  # noqa: F401 - fixtures of the payment tests, used here too
    fake_wechat,
    own_wechat,
    rsps,
    stripe_keys,
    wechat_keys,
)
from tests.shop.services.conftest import Shop

JSON = "application/json"
NOTIFY = "/api/v1/webhooks/payments/{provider}/"
# A parcel and a return as the carriers number them.
PARCEL = {"carrier": "zhongtong", "tracking_number": "78123456789012"}


class Api:
    """A client of a store's API, with `user`'s token (none: anonymous). JSON in, responses out; the
    connection is back in public after each call, as a new request would find it."""

    def __init__(self, store, user=None, **headers):
        self.store = store
        self.client = Client(HTTP_HOST=store.host, **headers)
        if user is not None:
            self.client.defaults["HTTP_AUTHORIZATION"] = f"Token {api_token_for(user=user, store=store)}"
        connection.set_schema_to_public()

    def _send(self, method, path, data, extra):
        send = getattr(self.client, method)
        if method == "get":
            response = send(path, data or {}, **extra)
        elif data is None:
            response = send(path, **extra)
        else:
            response = send(path, data, content_type=extra.pop("content_type", JSON), **extra)
        connection.set_schema_to_public()
        return response

    def get(self, path, params=None, **extra):
        return self._send("get", path, params, extra)

    def post(self, path, data=None, **extra):
        return self._send("post", path, data, extra)

    def put(self, path, data=None, **extra):
        return self._send("put", path, data, extra)

    def patch(self, path, data=None, **extra):
        return self._send("patch", path, data, extra)

    def delete(self, path, **extra):
        return self._send("delete", path, None, extra)


@pytest.fixture
def shop(store_a, media_root):
    """Store A's apples (29.90 and 49.90) and tea (88.00), and buyer 1 with an address in Shanghai."""
    with schema_context(store_a.schema_name):
        made = Shop(store_a)
    connection.set_schema_to_public()
    return made


@pytest.fixture
def buyer_api(shop):
    return Api(shop.store, shop.buyer)


@pytest.fixture
def owner_api(shop):
    return Api(shop.store, owner_of(shop.store))


def staff_api(store, role: str) -> Api:
    return Api(store, make_staff(store, role=role))


def sandbox_notification(store, out_trade_no: str, **extra) -> tuple[dict, bytes]:
    """What the sandbox's pay page posts when the buyer presses "pay": a signed notification for the
    payment's whole amount."""
    with schema_context(store.schema_name):
        amount = Payment.objects.get(out_trade_no=out_trade_no).amount
        made = provider_for(store, "sandbox").build_notification(
            kind="payment_succeeded", out_trade_no=out_trade_no, amount=extra.pop("amount", amount), **extra
        )
    connection.set_schema_to_public()
    return made


def notify(store, provider: str, headers: dict, body: bytes, **client_options):
    """A provider posting a notification: no session, no token, no CSRF token (and CSRF checks on)."""
    client = Client(HTTP_HOST=store.host, enforce_csrf_checks=True, **client_options)
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    response = client.post(NOTIFY.format(provider=provider), body, content_type=JSON, **meta)
    connection.set_schema_to_public()
    return response


def place(api: Api, shop: Shop, lines, *, key="key-1", **extra):
    """Buyer 1 places an order of `lines` ([(sku, quantity)]) to their address over the API."""
    body = {
        "lines": [{"sku": sku.pk, "quantity": quantity} for sku, quantity in lines],
        "address": shop.address.pk,
        **extra,
    }
    return api.post("/api/v1/buyer/orders/", body, HTTP_IDEMPOTENCY_KEY=key)


def pay_by_sandbox(api: Api, shop: Shop, number: str) -> dict:
    """Start paying over the API and press "pay" on the sandbox's page: the order is paid."""
    started = api.post(f"/api/v1/buyer/orders/{number}/pay/", {"provider": "sandbox"})
    assert started.status_code == 200, started.content
    answer = notify(shop.store, "sandbox", *sandbox_notification(shop.store, started.json()["out_trade_no"]))
    assert answer.status_code == 200, answer.content
    return started.json()
