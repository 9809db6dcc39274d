"""The buyer's shopping pages, tested through the storefront as a buyer uses them: store A's `Shop` (apple
in two sizes, tea, buyer one with an address), clients signed in as its buyers, and a buyer of store B.

Requests switch the connection to the store's schema and back to public; the helpers here put the test
back in store A afterwards, where the `Shop` fixture works."""

import re

import pytest
from django.db import connection

from tests.conftest import make_buyer, signed_in_client
from tests.shop.services import conftest as orders

HTMX = {"HTTP_HX_REQUEST": "true"}
# The order tests' fixtures: store A's `Shop`, and a SKU of store B.
shop = orders.shop
store_b_sku = orders.store_b_sku


class Pages:
    """A storefront client of store A that leaves the test in store A's schema after each request."""

    def __init__(self, client, store):
        self.client, self.store = client, store

    def _back(self, response):
        connection.set_tenant(self.store)
        return response

    def get(self, path, data=None, **extra):
        return self._back(self.client.get(path, data or {}, **extra))

    def post(self, path, data=None, **extra):
        return self._back(self.client.post(path, data or {}, **extra))

    def html(self, path, data=None, **extra) -> str:
        response = self.get(path, data, **extra)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        return response.content.decode()


def pages_for(store, buyer=None) -> Pages:
    from tests.conftest import host_client

    client = signed_in_client(store, buyer) if buyer is not None else host_client(store.host)
    connection.set_tenant(store)
    return Pages(client, store)


@pytest.fixture
def me(shop):
    """Buyer one, signed in."""
    return pages_for(shop.store, shop.buyer)


@pytest.fixture
def guest(shop):
    return pages_for(shop.store)


@pytest.fixture
def buyer_2(shop):
    return shop.new_buyer("+8613800138002", "买家二")


@pytest.fixture
def other(shop, buyer_2):
    """Buyer two of the same store, signed in."""
    return pages_for(shop.store, buyer_2)


@pytest.fixture
def buyer_of_b(shop, store_b):
    """A buyer of store B (the same phone number as buyer one: another person to store B), signed in on
    store B's host."""
    buyer = make_buyer(store_b, "+8613800138001", name="B 店买家")
    client = signed_in_client(store_b, buyer)
    connection.set_tenant(shop.store)
    return Pages(client, shop.store)


def text_of(html: str) -> str:
    """A page's words without its markup, spaces collapsed (for assertions on what a buyer reads)."""
    without = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", without)).strip()
