"""The buyer's orders: status tabs with counts and "load more", an order's page with what to do next, its
lines with paid and refunded amounts, the address, amounts, history and each parcel's tracking; cancelling
an unpaid order and confirming receipt of a shipped one; the "Me" tab's shortcuts."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shop.models import Order, OrderEvent, Shipment
from shop.services import orders as order_services
from tests.conftest import owner_of
from tests.shop.factories import make_product
from tests.shop.storefront.conftest import text_of

pytestmark = pytest.mark.django_db


def paid(shop, *lines, buyer=None):
    order = shop.place(list(lines) or [(shop.small, 1)], buyer=buyer)
    shop.pay(order)
    return order


def shipped(shop, *lines, number="SF1401234567890"):
    order = paid(shop, *lines)
    order_services.ship_order(
        order=order, actor=owner_of(shop.store), carrier="shunfeng", tracking_number=number
    )
    order.refresh_from_db()
    return order


def order_numbers(html: str) -> list[str]:
    return re.findall(r'<article class="order-card" id="order-(\w+)"', html)


def test_the_tabs_hold_the_orders_of_each_status_with_counts(shop, me):
    to_pay = shop.place([(shop.tea_sku, 1)])
    to_ship = paid(shop, (shop.small, 1))
    to_receive = shipped(shop, (shop.large, 1))
    html = me.html("/orders/")
    assert order_numbers(html) == [to_receive.number, to_ship.number, to_pay.number]
    tabs = {
        m[0]: m[1]
        for m in re.findall(
            r'id="orders-tab-(\w+)"[^>]*>[^<]*(?:<span class="count-badge">(\d+)</span>)?', html
        )
    }
    assert tabs == {
        "all": "",
        "to_pay": "1",
        "to_ship": "1",
        "to_receive": "1",
        "completed": "",
        "after_sale": "",
    }
    assert order_numbers(me.html("/orders/", {"tab": "to_pay"})) == [to_pay.number]
    assert order_numbers(me.html("/orders/", {"tab": "to_receive"})) == [to_receive.number]
    assert order_numbers(me.html("/orders/", {"tab": "completed"})) == []
    assert 'id="no-orders"' in me.html("/orders/", {"tab": "completed"})
    # an unknown tab is all of them
    assert order_numbers(me.html("/orders/", {"tab": "<script>"})) == order_numbers(html)


def test_a_card_shows_its_lines_total_and_next_action(shop, me):
    order = shop.place([(shop.small, 2)])
    card = re.search(
        rf'<article class="order-card" id="order-{order.number}">.*?</article>', me.html("/orders/"), re.S
    ).group(0)
    words = text_of(card)
    assert "Awaiting payment" in words and "烟台苹果" in words and "5斤" in words and "× 2" in words
    assert "Total ¥ 59.80" in words and f'href="/orders/{order.number}/pay/"' in card


def test_the_list_loads_more_with_htmx(shop, me):
    made = [shop.place([(shop.small, 1)], key=f"k{n}") for n in range(10)]
    made += [shop.place([(shop.tea_sku, 1)], key=f"t{n}") for n in range(2)]
    html = me.html("/orders/")
    assert len(order_numbers(html)) == 10 and 'hx-get="?page=2"' in html
    more = me.get("/orders/", {"page": "2"}, HTTP_HX_REQUEST="true").content.decode()
    assert len(order_numbers(more)) == 2 and "<html" not in more
    assert set(order_numbers(html) + order_numbers(more)) == {o.number for o in made}
    for odd in ("1e5", "١٢", "99999999999999999999", "-1", "草莓"):
        assert me.get("/orders/", {"page": odd}).status_code == 200


def test_the_order_list_runs_the_same_queries_for_1_or_20_orders(shop, me):
    def count() -> int:
        me.get("/orders/")
        with CaptureQueriesContext(connection) as captured:
            assert me.get("/orders/").status_code == 200
        return len(captured)

    plenty = make_product(title="大米", images=1, skus=[{"price": "5.00", "stock": 100}]).skus.get()
    shop.place([(shop.small, 1), (plenty, 1)], key="first")
    one = count()
    for n in range(19):
        shop.place(
            [(plenty, 2), (shop.small if n < 9 else shop.tea_sku if n < 11 else plenty, 1)], key=f"o{n}"
        )
    # the search path, session, buyer, the page's count and orders, their lines, the tabs' counts (by
    # status, open after-sales), the tab bar's badges (cart, unread notifications)
    assert Order.objects.count() == 20 and count() == one == 10


def test_an_unpaid_orders_page_counts_down_and_offers_pay_and_cancel(shop, me):
    order = shop.place([(shop.small, 2)])
    html = me.html(f"/orders/{order.number}/")
    words = text_of(html)
    assert "Awaiting payment" in words and 'data-deadline="' in html
    assert (
        f'href="/orders/{order.number}/pay/" id="pay-now"' in html and 'data-dialog="cancel-dialog"' in html
    )
    assert (
        "张三" in words and "Shanghai 上海市 浦东新区 世纪大道 100 号" in words and "138 0013 8001" in words
    )
    amounts = text_of(re.search(r'<dl class="amounts" id="order-amounts">.*?</dl>', html, re.S).group(0))
    assert amounts == "Items ¥59.80 Shipping Free To pay ¥ 59.80"
    assert "Order placed" in words and order.number in words


def test_cancelling_an_unpaid_order_with_a_reason(shop, me):
    order = shop.place([(shop.tea_sku, 2)])
    response = me.post(f"/orders/{order.number}/cancel/", {"reason": "Ordered by mistake"})
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.number}/"
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == ("cancelled", "Ordered by mistake")
    assert shop.tea_sku.__class__.objects.get(pk=shop.tea_sku.pk).stock == 3
    html = me.html(f"/orders/{order.number}/")
    assert "The order is cancelled." in html and "Ordered by mistake" in html and 'id="pay-now"' not in html
    # again: the service says why not
    assert "it cannot be cancelled" in me.html(me.post(f"/orders/{order.number}/cancel/", {})["Location"])


@pytest.mark.parametrize("reason", ["<script>", "原因" * 200, "1e5"])
def test_a_cancel_reason_that_is_not_offered_is_refused(shop, me, reason):
    order = shop.place([(shop.tea_sku, 1)])
    me.post(f"/orders/{order.number}/cancel/", {"reason": reason})
    order.refresh_from_db()
    assert order.status == "pending_payment"


def test_a_paid_order_cannot_be_cancelled_here(shop, me):
    order = paid(shop)
    html = me.html(me.post(f"/orders/{order.number}/cancel/")["Location"])
    assert "it cannot be cancelled" in html
    order.refresh_from_db()
    assert order.status == "paid"


def test_a_shipped_order_shows_its_parcels_tracking_and_completes_on_confirmation(shop, me):
    order = shipped(shop, (shop.small, 1))
    now = timezone.now()
    Shipment.objects.filter(order=order).update(
        state=Shipment.State.OUT_FOR_DELIVERY,
        tracking=[
            {"time": now.isoformat(), "text": "【上海市】快递员正在派件"},
            {"time": (now - timedelta(hours=5)).isoformat(), "text": "【杭州市】已发出"},
        ],
    )
    html = me.html(f"/orders/{order.number}/")
    words = text_of(html)
    assert "【上海市】快递员正在派件" in words and "【杭州市】已发出" in words
    assert "SF Express SF1401234567890" in words and "Out for delivery" in words
    assert "Shipped · SF Express SF1401234567890" in words  # the history names the parcel
    assert f"Completes by itself on {timezone.localtime(order.auto_complete_at):%Y-%m-%d}" in words
    assert 'data-dialog="receive-dialog"' in html
    response = me.post(f"/orders/{order.number}/receive/")
    order.refresh_from_db()
    assert response.status_code == 302 and order.status == "completed"
    assert "Thank you! The order is complete." in me.html(response["Location"])


def test_a_paid_order_offers_after_sales_per_line_and_shows_what_was_paid(shop, me):
    order = paid(shop, (shop.small, 2), (shop.tea_sku, 1))
    html = me.html(f"/orders/{order.number}/")
    words = text_of(html)
    assert "Paid, to be shipped" in words and "The merchant is packing your order." in words
    for line in order.lines.all():
        assert f'href="/orders/{order.number}/lines/{line.pk}/after-sale/" id="refund-{line.pk}"' in html
    assert "Paid ¥59.80" in words and "Paid ¥88.00" in words
    assert "Paid · ¥147.80" in words  # the history's payment


def test_times_are_shown_in_the_stores_time_zone(shop, me):
    order = shop.place([(shop.small, 1)])
    placed = timezone.localtime(order.placed_at, timezone=__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert f"{placed:%Y-%m-%d %H:%M}" in text_of(me.html(f"/orders/{order.number}/"))


def test_another_buyers_order_is_a_404_like_one_that_does_not_exist(shop, me, other, buyer_of_b, guest):
    order = shop.place([(shop.tea_sku, 1)])
    missing = me.get("/orders/E000000000000/")
    for pages in (other, buyer_of_b):
        response = pages.get(f"/orders/{order.number}/")
        assert response.status_code == 404 == missing.status_code
        assert "This order does not exist." in response.content.decode()
        assert pages.post(f"/orders/{order.number}/cancel/", {"reason": ""}).status_code == 404
        assert pages.post(f"/orders/{order.number}/receive/").status_code == 404
        assert order.number not in pages.html("/orders/")
    order.refresh_from_db()
    assert order.status == "pending_payment"
    response = guest.get(f"/orders/{order.number}/")
    assert response["Location"] == f"/account/sign-in/?next=%2Forders%2F{order.number}%2F"


def test_the_me_tab_links_each_order_tab_with_its_count(shop, me):
    shop.place([(shop.tea_sku, 1)])
    paid(shop)
    html = me.html("/account/")
    assert re.search(
        r'href="/orders/\?tab=to_pay" id="shortcut-to_pay">.*?<span class="count-badge">1</span>', html, re.S
    )
    assert re.search(
        r'href="/orders/\?tab=to_ship" id="shortcut-to_ship">.*?<span class="count-badge">1</span>',
        html,
        re.S,
    )
    assert (
        'href="/orders/" id="all-orders"' in html and 'href="/after-sales/" id="shortcut-after_sale"' in html
    )


def test_the_history_lists_events_newest_first(shop, me):
    order = paid(shop)
    kinds = [e.kind for e in OrderEvent.objects.filter(order=order).order_by("-created_at", "-id")]
    html = me.html(f"/orders/{order.number}/")
    history = text_of(re.search(r'id="order-history".*?</ol>', html, re.S).group(0))
    assert history.index("Paid") < history.index("Order placed") and kinds == ["paid", "placed"]
