"""A merchant creates a product with two specs and pictures in the console; a buyer finds it by search on
the storefront and sees the chosen SKU's price and stock."""

import csv
import io
import re

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from PIL import Image
from playwright.sync_api import expect

from tenants.models import Store
from tests.browser.conftest import host_url, log_in_as_owner
from tests.conftest import STORE_A

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
    log_in_as_owner(page, console)
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


def test_merchant_takes_a_product_off_sale_and_corrects_its_stock(
    page, browser, live_server_url, store_a_live
):
    console = lambda path: host_url(live_server_url, store_a_live.host, path)  # noqa: E731
    title = "Browser Strawberry 库存盘点"
    with schema_context(store_a_live.schema_name):
        from tests.shop.factories import new_product

        product = new_product(
            store_a_live,
            title=title,
            specs=[{"name": "规格", "values": ["5斤", "10斤"]}],
            skus=[
                {"spec_values": ["5斤"], "price": "59", "stock": 5},
                {"spec_values": ["10斤"], "price": "99", "stock": 3},
            ],
        )
        small = product.skus.get(spec_key="5斤")
    connection.set_schema_to_public()

    log_in_as_owner(page, console)
    page.goto(console("/console/products/"))
    # the list filters as the merchant types (HTMX), then the bulk action takes it off sale
    page.get_by_role("searchbox", name="Search").fill("库存盘点")
    # the filtered list has been swapped in
    expect(page).to_have_url(re.compile(r"search=%E5%BA%93%E5%AD%98"))
    rows = page.locator("#product-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(title)
    page.get_by_label(f"Select {title}").check()
    page.locator("#bulk-action").select_option("off_sale")
    page.locator("#bulk-actions").get_by_role("button", name="Apply").click()
    expect(page.locator(f"#product-{product.pk}")).to_contain_text("Off sale")
    # the status filter applies as soon as it is chosen
    page.get_by_label("Status", exact=True).select_option("on_sale")
    expect(page.locator("#product-results")).to_contain_text("No product matches these filters.")
    page.get_by_label("Status", exact=True).select_option("off_sale")
    expect(page.locator(f"#product-{product.pk}")).to_be_visible()

    # buyers can no longer open it
    buyer = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US").new_page()
    try:
        response = buyer.goto(console(f"/products/{product.pk}/"))
        assert response.status == 404
        expect(buyer.locator("body")).not_to_contain_text("59.00")
    finally:
        buyer.context.close()

    # a stock correction with a reason; a correction below zero is refused on the row
    page.locator(f"#product-{product.pk}").get_by_role("link", name="Stock").click()
    row = page.locator(f"#sku-{small.pk}")
    row.get_by_label("Adjustment").select_option("change")
    row.get_by_label("Quantity").fill("-2")
    row.get_by_label("Reason").fill("破损 2 盒")
    row.get_by_role("button", name="Apply").click()
    row = page.locator(f"#sku-{small.pk}")
    expect(row.locator("td").nth(2)).to_contain_text("3")
    row.get_by_label("Adjustment").select_option("set")
    row.get_by_label("Quantity").fill("-1")
    row.get_by_role("button", name="Apply").click()
    row = page.locator(f"#sku-{small.pk}")
    expect(row.get_by_role("alert")).to_contain_text("below 0")
    expect(row.locator("td").nth(2)).to_contain_text("3")

    # the SKU's history (loaded in place) shows the correction, who made it and why
    row.get_by_role("link", name="History").click()
    history = page.locator("#movements")
    expect(history).to_contain_text("History of 5斤")
    first = history.locator("tbody tr").first
    expect(first).to_contain_text("-2")
    expect(first).to_contain_text("破损 2 盒")
    expect(first).to_contain_text(STORE_A["owner_name"])

    with schema_context(store_a_live.schema_name):
        small.refresh_from_db()
        assert small.stock == 3
        assert list(small.movements.values_list("change", flat=True)) == [-2, 5]
    connection.set_schema_to_public()


def _csv(rows: list[dict]) -> dict:
    from shop.services.importing import COLUMNS

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(column, "") for column in COLUMNS])
    return {"name": "products.csv", "mimeType": "text/csv", "buffer": buffer.getvalue().encode("utf-8-sig")}


def test_merchant_imports_a_csv_fixes_the_bad_row_and_imports_it_all(page, live_server_url, store_a_live):
    console = lambda path: host_url(live_server_url, store_a_live.host, path)  # noqa: E731
    rows = [
        {
            "product_ref": "IMP-1",
            "title": "Browser Strawberry 导入一",
            "status": "on_sale",
            "price": "29.90",
            "stock": "10",
        },
        {
            "product_ref": "IMP-2",
            "title": "Browser Strawberry 导入二",
            "status": "on_sale",
            "price": "-5",
            "stock": "4",
        },
    ]
    log_in_as_owner(page, console)
    page.goto(console("/console/products/import/"))

    # a bad price on the file's third line: a report naming it, and nothing imported
    page.get_by_label("CSV or XLSX file").set_input_files(_csv(rows))
    page.get_by_role("button", name="Import").click()
    report = page.locator("#import-report")
    expect(report).to_contain_text("Nothing was imported")
    bad_row = report.locator("tbody tr").first
    expect(bad_row.locator("td").nth(0)).to_have_text("3")
    expect(bad_row.locator("td").nth(1)).to_have_text("price")
    with schema_context(store_a_live.schema_name):
        from shop.models import Product

        assert not Product.objects.filter(title__startswith="Browser Strawberry 导入").exists()

    # corrected, the whole file goes in
    rows[1]["price"] = "15.00"
    page.get_by_label("CSV or XLSX file").set_input_files(_csv(rows))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-result")).to_contain_text("2 products created")
    with schema_context(store_a_live.schema_name):
        imported = dict(
            Product.objects.filter(title__startswith="Browser Strawberry 导入").values_list(
                "title", "min_price"
            )
        )
    connection.set_schema_to_public()
    assert {title: str(price) for title, price in imported.items()} == {
        "Browser Strawberry 导入一": "29.90",
        "Browser Strawberry 导入二": "15.00",
    }
