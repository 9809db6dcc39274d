"""The merchant at a desktop: finds a paid order by the buyer's phone, opens it and ships it with a carrier
and tracking number, and sees it shipped; then opens the after-sales queue, approves a buyer's refund
request and sees it refunded (the refund goes through the sandbox provider, as a worker would send it);
adds a province to the shipping rules; and reads the order in Chinese. Screenshots of each page land in
test-artifacts/."""

import re

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from shop.models import AfterSale, Order, Refund, RegionShippingFee
from shop.services import aftersales
from shop.services.aftersales import AfterSaleInput
from tests.browser.conftest import ARTIFACTS, host_url, log_in_as_owner
from tests.shop.services.conftest import Shop, wipe_orders

pytestmark = pytest.mark.browser

BUYER_PHONE = "+8613912345678"


@pytest.fixture
def store_with_orders(committed_store, media_root):
    """Store A with two paid orders (committed): one to ship, bought by a buyer of her own phone number,
    and one whose buyer asks for part of it back."""
    with schema_context(committed_store.schema_name):
        shop = Shop(committed_store)
        buyer = shop.new_buyer(BUYER_PHONE, "王小红")
        to_ship = shop.place([(shop.small, 2)], buyer=buyer, buyer_note="请下午送")
        shop.pay(to_ship)
        refunded = shop.place([(shop.tea_sku, 1)])
        shop.pay(refunded)
        request = aftersales.request_after_sale(
            buyer=shop.buyer,
            data=AfterSaleInput(
                order_line_id=refunded.lines.get().pk, kind="refund_only", amount="20.00", reason="茶叶受潮"
            ),
        )
    connection.set_schema_to_public()
    try:
        yield {"store": committed_store, "to_ship": to_ship, "request": request}
    finally:
        wipe_orders(committed_store)
        with schema_context(committed_store.schema_name):
            RegionShippingFee.objects.all().delete()
        connection.set_schema_to_public()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"order-journey-{name}.png"), full_page=True)


def test_merchant_ships_an_order_found_by_phone_and_approves_a_refund(
    desktop, live_server_url, store_with_orders, eager_tasks
):
    page = desktop
    store, to_ship, request = (
        store_with_orders["store"],
        store_with_orders["to_ship"],
        store_with_orders["request"],
    )
    console = lambda path: host_url(live_server_url, store.host, path)  # noqa: E731

    log_in_as_owner(page, console)
    expect(page.locator("#card-to-ship .value")).to_have_text("2")
    _shot(page, "dashboard")

    # the orders list, filtered as the merchant types the buyer's phone
    page.get_by_role("link", name="Orders", exact=True).click()
    expect(page.locator("#order-table tbody tr")).to_have_count(2)
    page.get_by_label("Search by order number or phone").fill("139 1234 5678")
    rows = page.locator("#order-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(to_ship.number)
    expect(page.locator("#tab-count-all")).to_have_text("1")
    # the filtered list is in the address bar: a link to it shows the same
    expect(page).to_have_url(re.compile(r"/console/orders/\?.*search=139(%20|\+)1234"))
    _shot(page, "list")

    # the order's page: ship it with a carrier and a tracking number
    rows.first.get_by_role("link", name=to_ship.number).click()
    expect(page.locator("h1")).to_contain_text(to_ship.number)
    expect(page.locator("#order-address")).to_contain_text("请下午送")
    page.get_by_label("Carrier").select_option(label="SF Express")
    page.get_by_label("Tracking number").fill("SF 1401 2345 67890")
    page.get_by_role("button", name="Ship the order").click()
    expect(page.locator("#order-notice")).to_contain_text(
        "Shipped with SF Express, tracking number SF1401234567890."
    )
    expect(page.locator("h1 .badge")).to_have_text("Shipped")
    expect(page.locator("#order-parcels")).to_contain_text("SF1401234567890")
    expect(page.locator("#ship-order")).to_have_count(0)
    _shot(page, "shipped")

    # the after-sales queue: approve the refund request
    page.get_by_role("link", name="After-sales").first.click()
    expect(page.locator("#queue-count-requested")).to_have_text("1")
    _shot(page, "queue")
    page.get_by_role("link", name=request.number).click()
    expect(page.locator("#after-sale-request")).to_contain_text("茶叶受潮")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("is approved: the refund is on its way")
    expect(page.locator("h1 .badge")).to_have_text("Refunded")
    expect(page.locator("#after-sale-refunds")).to_contain_text("Refunded")
    expect(page.locator("#open-after-sales")).to_have_count(0)
    _shot(page, "refunded")

    # the shipping rules: a province row added in place, saved with the rest
    page.get_by_role("link", name="Shipping", exact=True).click()
    page.get_by_role("button", name="Add a province").click()
    row = page.locator("#region-rows tr").last
    row.get_by_label("Province").select_option(label="Xinjiang")
    row.get_by_label("Fee").fill("25")
    page.get_by_role("button", name="Add a province").click()
    expect(page.locator("#region-rows tr")).to_have_count(2)
    page.locator("#region-rows tr").last.get_by_role("button", name="Remove this row").click()
    expect(page.locator("#region-rows tr")).to_have_count(1)
    page.get_by_role("button", name="Save the shipping rules").click()
    expect(page.locator(".messages")).to_contain_text("The shipping rules are saved.")
    expect(page.locator("#region-rows tr")).to_have_count(1)
    _shot(page, "shipping-rules")

    # a file of tracking numbers: its bad row is reported with its line and column
    page.goto(console("/console/orders/ship/"))
    sheet = f"订单号,快递公司,运单号\r\n{to_ship.number},中通,78123456789012\r\n".encode()
    page.get_by_label("CSV or XLSX file").set_input_files(
        {"name": "ship.csv", "mimeType": "text/csv", "buffer": "\ufeff".encode() + sheet}
    )
    page.get_by_role("button", name="Ship these orders").click()
    expect(page.locator("#bulk-ship-errors tbody tr")).to_have_count(1)
    expect(page.locator("#bulk-ship-errors")).to_contain_text("it cannot be shipped")
    _shot(page, "bulk-ship")

    # the same order in Chinese
    page.get_by_role("button", name="中文").click()
    page.goto(console(f"/console/orders/{to_ship.pk}/"))
    expect(page.locator("h1 .badge")).to_have_text("已发货")
    _shot(page, "order-zh")

    with schema_context(store.schema_name):
        assert Order.objects.get(pk=to_ship.pk).status == Order.Status.SHIPPED
        assert AfterSale.objects.get(pk=request.pk).status == AfterSale.Status.REFUNDED
        assert Refund.objects.get(after_sale_id=request.pk).status == Refund.Status.SUCCEEDED
        assert [(r.province_code, str(r.fee)) for r in RegionShippingFee.objects.all()] == [
            ("650000", "25.00")
        ]
    connection.set_schema_to_public()
