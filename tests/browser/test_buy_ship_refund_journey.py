"""One order from both sides, in two browsers at once: the buyer on a phone signs in with the texted code,
buys with "Buy now" and pays on the sandbox's cashier; the merchant at a desktop ships it; the buyer sees
the parcel and the order's history, confirms receipt and asks for part of the money back for a quality
problem; the merchant approves the request (the refund goes through the sandbox provider, as a worker
would send it); the buyer sees the refunded amount on the request and on the order. Each screen is kept
in test-artifacts/."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from shop.models import AfterSale, Order, Refund
from tenants import sms
from tenants.models import Store
from tests.browser.conftest import ARTIFACTS, host_url, log_in_as_owner
from tests.conftest import STORE_A
from tests.shop.services.conftest import wipe_orders

pytestmark = pytest.mark.browser
PHONE = "+8613600136006"


@pytest.fixture
def store(committed_db, media_root):
    from shop.models import SmsCode
    from tests.shop.factories import make_product

    store = Store.objects.get(slug=STORE_A["subdomain"])
    with schema_context(store.schema_name):
        tea = make_product(
            title="西湖龙井 明前特级 250g",
            images=1,
            skus=[{"spec_values": ["罐装"], "price": "128.00", "stock": 10}],
        )
    connection.set_schema_to_public()
    yield store, tea
    wipe_orders(store)
    with schema_context(store.schema_name):
        SmsCode.objects.filter(phone=PHONE).delete()
    connection.set_schema_to_public()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"buy_ship_refund_{name}.png"), full_page=True)


def test_buyer_pays_merchant_ships_buyer_receives_and_gets_part_of_it_refunded(
    page, desktop, live_server_url, store, eager_tasks
):
    merchant = desktop  # the merchant at a desktop, next to the buyer's phone
    store, tea = store
    shop_url = lambda path: host_url(live_server_url, store.host, path)  # noqa: E731

    # the buyer signs in by SMS code first, from the account tab
    page.goto(shop_url(f"/account/sign-in/?next=/products/{tea.pk}/"))
    page.get_by_label("Mobile number").fill("136 0013 6006")
    page.get_by_role("button", name="Send code").click()
    expect(page.locator("#code-status")).to_contain_text("A code was sent")
    [message] = [m for m in sms.outbox if m.phone == PHONE]
    page.get_by_label("Code").fill(re.search(r"\b(\d{6})\b", message.text).group(1))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(shop_url(f"/products/{tea.pk}/"))

    # buy now → checkout with one unit; the address is added on the checkout page
    page.get_by_role("button", name="Buy now").click()
    expect(page).to_have_url(re.compile(r"/checkout/\?"))
    page.get_by_label("Recipient").fill("李小龙")
    page.get_by_label("Phone").fill("136 0013 6006")
    page.get_by_label("Province / region").select_option("440000")
    page.get_by_label("City").fill("深圳市")
    page.get_by_label("District / county").fill("南山区")
    page.get_by_label("Detailed address").fill("科技园南区 8 栋 1203")
    page.get_by_role("button", name="Save and deliver here").click()
    expect(page.locator("#checkout-address")).to_contain_text("李小龙")
    expect(page.locator("#checkout-lines")).to_contain_text("西湖龙井")
    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(re.compile(r"/orders/\w+/pay/$"))
    payable = page.locator("#pay-amount").inner_text()
    page.get_by_role("button", name="Pay now").click()
    expect(page.locator("#cashier-amount")).to_have_text(payable)
    page.get_by_role("button", name=f"Pay {payable}").click()
    expect(page.locator("#order-status")).to_contain_text("Paid, to be shipped")
    order_url = page.url
    shot(page, "1_paid")

    with schema_context(store.schema_name):
        order = Order.objects.get(buyer__phone=PHONE)
        line = order.lines.get()
        assert (order.status, line.paid_amount) == (Order.Status.PAID, Decimal("128.00"))
    connection.set_schema_to_public()

    # the merchant logs in and ships it from the order's page
    log_in_as_owner(merchant, shop_url)
    merchant.goto(shop_url(f"/console/orders/{order.pk}/"))
    expect(merchant.locator("h1 .badge")).to_have_text("Paid, to be shipped")
    merchant.get_by_label("Carrier").select_option(label="SF Express")
    merchant.get_by_label("Tracking number").fill("SF1402000000006")
    merchant.get_by_role("button", name="Ship the order").click()
    expect(merchant.locator("h1 .badge")).to_have_text("Shipped")
    shot(merchant, "2_shipped")

    # the buyer sees the parcel and the history, and confirms receipt in the sheet
    page.goto(order_url)
    expect(page.locator("#order-status")).to_contain_text("Shipped")
    expect(page.locator("#parcels")).to_contain_text("SF1402000000006")
    history = page.locator("#order-history li")
    expect(history.first).to_contain_text("Shipped")
    expect(page.locator("#order-history")).to_contain_text("Paid")
    shot(page, "3_tracking")
    page.locator("#confirm").click()
    page.locator("#receive-dialog").get_by_role("button", name="Confirm receipt").click()
    expect(page.locator("#order-status")).to_contain_text("Completed")
    expect(page.locator("#order-history li").first).to_contain_text("Completed")

    # part of the money back for the line: ¥30.00 of ¥128.00
    page.locator(f"#refund-{line.pk}").click()
    expect(page.get_by_label("Refund amount")).to_have_value("128.00")
    page.get_by_label("Refund only").check()
    page.get_by_label("Refund amount").fill("30.00")
    page.get_by_label("Reason").select_option(label="Quality problem")
    page.get_by_label("Details (optional)").fill("有几包受潮结块")
    page.locator("#send-request").click()
    expect(page.locator("#after-sale-status")).to_contain_text("The merchant will look at your request soon.")
    request_url = page.url
    shot(page, "4_requested")

    with schema_context(store.schema_name):
        request = AfterSale.objects.get(order_line__order=order)
        assert (request.kind, request.amount, request.status) == (
            AfterSale.Kind.REFUND_ONLY,
            Decimal("30.00"),
            AfterSale.Status.REQUESTED,
        )
    connection.set_schema_to_public()

    # the merchant approves it from the after-sales queue
    merchant.goto(shop_url("/console/"))
    merchant.get_by_role("link", name="After-sales").first.click()
    merchant.get_by_role("link", name=request.number).click()
    expect(merchant.locator("#after-sale-request")).to_contain_text("有几包受潮结块")
    merchant.get_by_role("button", name="Approve").click()
    expect(merchant.locator("h1 .badge")).to_have_text("Refunded")
    shot(merchant, "5_approved")

    # the buyer sees the money back on the request and on the order
    page.goto(request_url)
    expect(page.locator("#after-sale-status")).to_contain_text("¥30.00 went back the way you paid.")
    expect(page.locator("#refunds")).to_contain_text("Refunded")
    page.goto(order_url)
    expect(page.locator("#order-amounts")).to_contain_text("Refunded")
    expect(page.locator("#order-amounts .refunded")).to_have_text("¥30.00")
    expect(page.locator(f"#line-{line.pk}")).to_contain_text("refunded ¥30.00")
    shot(page, "6_refunded")

    with schema_context(store.schema_name):
        order.refresh_from_db()
        line.refresh_from_db()
        refund = Refund.objects.get(after_sale=request)
        assert (refund.status, refund.amount) == (Refund.Status.SUCCEEDED, Decimal("30.00"))
        assert (line.refunded_amount, line.refundable_amount) == (Decimal("30.00"), Decimal("98.00"))
        assert order.status == Order.Status.COMPLETED
    connection.set_schema_to_public()
