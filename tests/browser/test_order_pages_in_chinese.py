"""A buyer reading Chinese on a phone: their cart, and a shipped order with its parcel's tracking, as the
WeChat browser shows them. The screenshots are kept in test-artifacts/ to look at."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from shop.models import Shipment
from shop.services import cart as carts
from shop.services import orders as order_services
from tests.browser.conftest import ARTIFACTS, host_url
from tests.conftest import owner_of
from tests.shop.services import conftest as orders

pytestmark = pytest.mark.browser
committed_shop = orders.committed_shop  # store A's Shop, committed for the live server, wiped afterwards


def signed_in(page, store, buyer) -> None:
    """The browser holds the buyer's session (made as sign-in makes it) and reads Chinese."""
    client = Client(HTTP_HOST=store.host)
    with schema_context(store.schema_name):
        client.force_login(buyer, backend="tenants.accounts.backends.AccountBackend")
    connection.set_schema_to_public()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": store.host,
                "path": "/",
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "domain": store.host, "path": "/"},
        ]
    )


def test_a_chinese_buyer_reads_their_cart_and_a_shipped_orders_tracking(
    page, live_server_url, committed_shop
):
    shop = committed_shop
    with schema_context(shop.store.schema_name):
        order = shop.place([(shop.small, 2), (shop.tea_sku, 1)])
        shop.pay(order)
        order_services.ship_order(
            order=order, actor=owner_of(shop.store), carrier="顺丰", tracking_number="SF1401234567890"
        )
        now = timezone.now()
        Shipment.objects.filter(order=order).update(
            state=Shipment.State.OUT_FOR_DELIVERY,
            tracking=[
                {
                    "time": now.isoformat(),
                    "text": "【上海市】浦东新区世纪大道营业点 快递员 张师傅 正在为您派件",
                },
                {"time": (now - timedelta(hours=6)).isoformat(), "text": "【上海市】已到达 上海转运中心"},
                {"time": (now - timedelta(hours=20)).isoformat(), "text": "【山东省烟台市】已揽收"},
            ],
        )
        carts.add_to_cart(buyer=shop.buyer, sku_id=shop.large.pk, quantity=1)
    connection.set_schema_to_public()
    signed_in(page, shop.store, shop.buyer)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(host_url(live_server_url, shop.store.host, "/cart/"))
    expect(page.locator("#cart-bar")).to_contain_text("合计")
    expect(page.get_by_role("link", name="结算（1）")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "order_pages_zh_cart.png"), full_page=True)

    page.goto(host_url(live_server_url, shop.store.host, f"/orders/{order.number}/"))
    expect(page.locator("#order-status")).to_contain_text("已发货")
    expect(page.locator("#parcels")).to_contain_text("顺丰速运 SF1401234567890")
    expect(page.locator("#parcels")).to_contain_text("正在为您派件")
    expect(page.get_by_role("button", name="确认收货")).to_be_visible()
    page.get_by_role("button", name="确认收货").click()
    expect(page.locator("#receive-dialog")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "order_pages_zh_receive.png"))
    page.get_by_role("button", name="还没有").click()
    expect(page.locator("#receive-dialog")).to_be_hidden()
