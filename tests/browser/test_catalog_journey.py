"""A merchant creates a product with two specs and pictures in the console; a buyer finds it by search on
the storefront and sees the chosen SKU's price and stock."""

import io

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from PIL import Image
from playwright.sync_api import expect

from tenants.models import Store
from tests.browser.conftest import host_url
from tests.conftest import STORE_A
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PRICES = {  # (colour, size) -> (price, stock)
    ("红", "小"): ("19.90", "5"),
    ("红", "大"): ("29.90", "3"),
    ("白", "小"): ("21.00", "0"),
    ("白", "大"): ("35.50", "12"),
}


def _png(colour) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 640), colour).save(buffer, "PNG")
    return {"name": f"strawberry-{colour}.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


@pytest.fixture
def store_a_live(committed_db):
    store = Store.objects.get(slug=STORE_A["subdomain"])
    yield store
    from shop.models import Product

    with schema_context(store.schema_name):
        Product.objects.filter(title__startswith="Browser Strawberry").delete()
    connection.set_schema_to_public()


def test_merchant_creates_a_two_spec_product_and_a_buyer_finds_it(
    page, browser, live_server_url, store_a_live
):
    console = lambda path: host_url(live_server_url, store_a_live.host, path)  # noqa: E731

    # the merchant logs in and opens the product editor
    page.goto(console("/console/login/"))
    page.get_by_label("Email").fill(STORE_A["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(console("/console/"))
    page.goto(console("/console/products/new/"))

    page.locator("#id_title").fill("Browser Strawberry 丹东草莓礼盒")
    page.locator("#id_status").select_option("on_sale")
    page.locator("#id_subtitle").fill("当天采摘 顺丰冷链")
    page.locator("#spec-0-name").fill("颜色")
    page.locator("#spec-0-values").fill("红, 白")
    page.locator("#spec-1-name").fill("规格")
    page.locator("#spec-1-values").fill("小, 大")
    page.get_by_role("button", name="Update the price table").click()
    rows = page.locator("#sku-table tbody tr")
    expect(rows).to_have_count(4)
    for (colour, size), (price, stock) in PRICES.items():
        row = rows.filter(has_text=f"{colour} / {size}")
        row.locator("input[name$='-price']").fill(price)
        row.locator("input[name$='-stock']").fill(stock)
    page.locator("input[name='images']").set_input_files([_png("red"), _png("white")])
    page.get_by_role("button", name="Create product").click()
    expect(page.locator(".messages")).to_contain_text("Browser Strawberry")

    with schema_context(store_a_live.schema_name):
        from shop.models import Product

        product = Product.objects.get(title__startswith="Browser Strawberry")
        assert product.status == "on_sale"
        assert product.images.count() == 2
        assert {s.spec_key: (str(s.price), s.stock) for s in product.skus.all()} == {
            f"{c} / {s}": (p, int(q)) for (c, s), (p, q) in PRICES.items()
        }
    connection.set_schema_to_public()

    # a buyer, in a fresh browser, finds it by a Chinese substring and picks a SKU
    buyer = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US").new_page()
    try:
        buyer.goto(console("/"))
        search = buyer.get_by_role("searchbox")
        search.fill("草莓")
        search.press("Enter")
        result = buyer.locator(".product-card", has_text="Browser Strawberry")
        expect(result).to_be_visible()
        expect(result).to_contain_text("19.90")
        result.click()
        expect(buyer.locator("h1")).to_contain_text("Browser Strawberry")
        buyer.locator(".spec-value[data-value='白']").click()
        buyer.locator(".spec-value[data-value='大']").click()
        expect(buyer.locator("#pd-price")).to_have_text("35.50")
        expect(buyer.locator("#sku-status")).to_contain_text("12")
        buyer.locator(".spec-value[data-value='小']").click()
        expect(buyer.locator("#sku-status")).to_contain_text("Sold out")
        buyer.locator(".spec-value[data-value='红']").click()
        expect(buyer.locator("#pd-price")).to_have_text("19.90")
        expect(buyer.locator("#sku-status")).to_contain_text("5")
        assert buyer.locator("meta[property='og:image']").get_attribute("content").startswith("http://")
        buyer.screenshot(path="test-artifacts/catalog-buyer-detail.png", full_page=True)
    finally:
        buyer.context.close()
