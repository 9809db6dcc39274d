"""The dashboard's order cards (today in the store's time zone, each a link to its filtered list) and the
console nav's entries, with the open after-sales badge; neither costs more queries with more orders."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shop.models import Order
from shop.selectors.orders import console_order_summary
from shop.services import aftersales
from tests.shop.console.conftest import ask_refund, paid_order, text


def test_the_dashboard_counts_today_and_links_to_the_lists(shop, owner_client, owner):
    today = paid_order(shop)
    ask_refund(shop, today, amount="3.00")
    shop.place([(shop.tea_sku, 1)])  # placed today, not paid
    yesterday = paid_order(shop, (shop.large, 1))
    Order.objects.filter(pk=yesterday.pk).update(
        placed_at=timezone.now() - datetime.timedelta(days=2),
        paid_at=timezone.now() - datetime.timedelta(days=2),
    )
    day = timezone.localdate(timezone.now(), timezone.get_fixed_timezone(8 * 60)).isoformat()

    page = text(owner_client.get("/console/"))
    cards = page.split('id="order-cards"')[1].split("</section>")[0]
    orders_today = cards.split('id="card-orders-today"')[1].split("</a>")[0]
    assert f'href="/console/orders/?date_from={day}&amp;date_to={day}"' in cards
    assert '<div class="value">2</div>' in orders_today
    paid_today = cards.split('id="card-paid-today"')[1].split("</a>")[0]
    assert f"¥{today.paid_amount}" in paid_today
    to_ship = cards.split('id="card-to-ship"')[1].split("</a>")[0]
    assert 'href="/console/orders/?status=paid"' in cards and '<div class="value">2</div>' in to_ship
    after_sales = cards.split('id="card-after-sales"')[1].split("</a>")[0]
    assert 'href="/console/after-sales/"' in cards and '<div class="value">1</div>' in after_sales


def test_today_is_the_stores_day(shop):
    order = paid_order(shop)
    # 16:30 UTC is 00:30 the next day in Shanghai
    Order.objects.filter(pk=order.pk).update(
        placed_at=datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC),
        paid_at=datetime.datetime(2026, 3, 1, 16, 31, tzinfo=datetime.UTC),
    )
    with timezone.override("Asia/Shanghai"):
        summary = console_order_summary(now=datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC))
        assert summary.today == datetime.date(2026, 3, 2)
        assert summary.orders_today == 1 and summary.paid_today == order.paid_amount
    with timezone.override("UTC"):
        summary = console_order_summary(now=datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC))
        assert summary.orders_today == 0 and str(summary.paid_today) == "0"


def test_the_nav_has_orders_after_sales_with_its_badge_and_shipping(shop, owner_client, owner):
    page = text(owner_client.get("/console/orders/"))
    nav = page.split('class="sidenav"')[1].split("</nav>")[0]
    assert 'href="/console/orders/" class="active"' in nav
    assert 'href="/console/after-sales/"' in nav and 'href="/console/settings/shipping/"' in nav
    assert 'id="open-after-sales"' not in nav

    request = ask_refund(shop, paid_order(shop))
    ask_refund(shop, paid_order(shop, (shop.large, 1)))
    nav = text(owner_client.get("/console/after-sales/")).split('class="sidenav"')[1].split("</nav>")[0]
    assert '<span class="badge danger" id="open-after-sales">2</span>' in nav
    aftersales.reject_after_sale(actor=owner, after_sale=request, reason="不符合条件")
    nav = text(owner_client.get("/console/")).split('class="sidenav"')[1].split("</nav>")[0]
    assert '<span class="badge danger" id="open-after-sales">1</span>' in nav


def test_the_dashboard_costs_the_same_queries_with_more_orders(shop, owner_client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get("/console/").status_code == 200
        connection.set_tenant(shop.store)
        return len(captured)

    ask_refund(shop, paid_order(shop))
    queries()
    few = queries()
    for _ in range(3):
        ask_refund(shop, paid_order(shop, (shop.large, 1)))
    assert queries() == few
