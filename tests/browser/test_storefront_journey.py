"""A buyer browses a category on a phone: the first page of products, "Load more" appending the next
ones in place, and a sort by price."""

from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from shop.services import categories
from shop.services.categories import CategoryInput
from shop.services.product_bulk import apply_bulk_action
from tenants.models import Store
from tests.browser.conftest import host_url
from tests.conftest import STORE_A

pytestmark = pytest.mark.browser

PRODUCTS = 23  # one full page of 20 and three more


@pytest.fixture
def fruit_aisle(committed_db):
    from tests.shop.factories import new_product

    store = Store.objects.get(slug=STORE_A["subdomain"])
    with schema_context(store.schema_name):
        category = categories.create_category(actor=None, data=CategoryInput(name="Browser 水果"))
        products = [
            new_product(
                store, title=f"Browser 水果 {n:02d}", category=category, price=f"{10 + (n * 7) % 23}.50"
            )
            for n in range(PRODUCTS)
        ]
    connection.set_schema_to_public()
    yield store, category, products
    with schema_context(store.schema_name):
        apply_bulk_action(actor=None, action="delete", product_ids=[p.pk for p in products])
        categories.delete_category(actor=None, category=category)
    connection.set_schema_to_public()


def test_buyer_loads_more_products_in_place_and_sorts_by_price(page, live_server_url, fruit_aisle):
    store, category, products = fruit_aisle
    page.goto(host_url(live_server_url, store.host, f"/categories/{category.pk}/"))
    cards = page.locator("#product-list .product-card")
    expect(page.locator(".result-count")).to_contain_text(f"{PRODUCTS} products")
    expect(cards).to_have_count(20)

    page.get_by_role("link", name="Load more").click()
    expect(cards).to_have_count(PRODUCTS)  # appended to the same list, no reload
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    shown = {
        int(href.rstrip("/").rsplit("/", 1)[1])
        for href in cards.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    }
    assert shown == {p.pk for p in products}

    page.get_by_role("link", name="Price ↑").click()
    expect(page.get_by_role("link", name="Price ↑")).to_have_attribute("aria-current", "true")
    expect(cards).to_have_count(20)
    cheapest = min(p.min_price for p in products)
    expect(cards.first).to_contain_text(f"{cheapest:.2f}")
    prices = [Decimal(text.split("¥")[1].split()[0]) for text in cards.all_inner_texts()]
    assert prices == sorted(prices)
