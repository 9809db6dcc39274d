"""The console's order list: status tabs with their counts, the filters (dates in the store's time zone,
payment method, source, open after-sales, an order number or a phone typed any way), HTMX filtering,
what each row shows, a query count that does not grow with the orders, and the CSV export of exactly
what the filters show."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.models import Order
from shop.services.addresses import AddressInput, add_address
from tests.shop.console.conftest import ask_refund, paid_order, text
from tests.shop.factories import make_product


def placed_at(order, when: datetime.datetime) -> None:
    Order.objects.filter(pk=order.pk).update(placed_at=when)


def test_the_list_shows_each_order_with_amounts_badges_and_masked_phones(shop, owner_client):
    order = paid_order(shop)
    ask_refund(shop, order, amount="5.00")
    unpaid = shop.place([(shop.tea_sku, 1)], buyer_note="")

    page = text(owner_client.get("/console/orders/"))
    assert order.number in page and unpaid.number in page
    assert f'href="/console/orders/{order.pk}/"' in page
    row = page.split(f'id="order-{order.pk}"')[1].split("</tr>")[0]
    assert "烟台苹果" in row and "5斤" in row and "×2" in row and "and 1 more item" in row
    assert f"¥{order.payable}" in row and f"Paid ¥{order.paid_amount}" in row
    assert "Paid, to be shipped" in row and "After-sales open" in row
    assert "Sandbox (test payments)" in row and "Storefront" in row
    # phones are masked in the list: enough to tell buyers apart, not to call them
    assert "+86 138****8001" in row and "13800138001" not in row
    unpaid_row = page.split(f'id="order-{unpaid.pk}"')[1].split("</tr>")[0]
    assert "Awaiting payment" in unpaid_row and "After-sales open" not in unpaid_row


def test_status_tabs_count_the_orders_under_the_other_filters(shop, owner_client):
    paid_order(shop)
    paid_order(shop, (shop.large, 1))
    shop.place([(shop.tea_sku, 1)])

    page = text(owner_client.get("/console/orders/"))
    assert 'id="tab-count-all">3<' in page
    assert 'id="tab-count-paid">2<' in page and 'id="tab-count-pending_payment">1<' in page
    assert 'id="tab-count-shipped">0<' in page

    only_paid = text(owner_client.get("/console/orders/", {"status": "paid"}))
    assert "2 orders" in only_paid and 'value="paid" checked' in only_paid
    # a filter besides the status narrows every tab's count
    by_tea = text(owner_client.get("/console/orders/", {"search": shop.place([(shop.tea_sku, 1)]).number}))
    assert 'id="tab-count-all">1<' in by_tea and 'id="tab-count-paid">0<' in by_tea


def test_search_finds_an_order_by_its_number_or_a_phone_typed_any_way(shop, owner_client):
    mine = paid_order(shop)
    other_buyer = shop.new_buyer("+8613900139002", "买家二")
    address = add_address(
        buyer=other_buyer,
        data=AddressInput(
            contact_name="李四",
            phone="13700137003",
            province_code="110000",
            city="北京市",
            district="东城区",
            detail="长安街 1 号",
        ),
    )
    theirs = shop.place([(shop.tea_sku, 1)], buyer=other_buyer, address=address)

    def found(term):
        page = text(owner_client.get("/console/orders/", {"search": term}))
        return {number for number in (mine.number, theirs.number) if number in page}

    assert found(mine.number) == {mine.number}
    assert found("139 0013 9002") == {theirs.number}  # the buyer's sign-in phone, with spaces
    assert found("+86 137-0013-7003") == {theirs.number}  # the recipient's phone, as typed on a card
    assert found("13800138001") == {mine.number}
    assert found("ABC") == set()


def test_dates_are_days_of_the_stores_time_zone(shop, owner_client):
    late = paid_order(shop)
    early = paid_order(shop, (shop.tea_sku, 1))
    # 17:30 UTC on 1 March is 01:30 on 2 March in Shanghai, the store's zone
    placed_at(late, datetime.datetime(2026, 3, 1, 17, 30, tzinfo=datetime.UTC))
    placed_at(early, datetime.datetime(2026, 3, 1, 15, 0, tzinfo=datetime.UTC))

    march_2 = text(owner_client.get("/console/orders/", {"date_from": "2026-03-02", "date_to": "2026-03-02"}))
    assert late.number in march_2 and early.number not in march_2
    assert "2026-03-02 01:30" in march_2
    march_1 = text(owner_client.get("/console/orders/", {"date_to": "2026-03-01"}))
    assert early.number in march_1 and late.number not in march_1 and "2026-03-01 23:00" in march_1


def test_payment_source_and_after_sales_filters(shop, owner_client):
    wechat = paid_order(shop)
    Order.objects.filter(pk=wechat.pk).update(payment_provider="wechat", source=Order.Source.MINI_PROGRAM)
    sandbox = paid_order(shop, (shop.tea_sku, 1))
    ask_refund(shop, sandbox, amount="1.00")

    def numbers(**params):
        page = text(owner_client.get("/console/orders/", params))
        return {o.number for o in (wechat, sandbox) if o.number in page}

    assert numbers(payment="wechat") == {wechat.number}
    assert numbers(payment="sandbox") == {sandbox.number}
    assert numbers(source="mini_program") == {wechat.number}
    assert numbers(source="storefront") == {sandbox.number}
    assert numbers(after_sale="1") == {sandbox.number}
    assert "WeChat Pay" in text(owner_client.get("/console/orders/", {"payment": "wechat"}))


@pytest.mark.parametrize(
    "params",
    [
        {"status": "shipped' OR 1=1 --"},
        {"date_from": "2026-13-45", "date_to": "1e5"},
        {"date_from": "２０２６-03-01"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
        {"source": "99999999999999999999", "payment": ""},
        {"search": "<script>alert(1)</script>", "after_sale": "maybe"},
        {"page": "1e9"},
        {"page": "-1"},
        {"page": "١٢"},
    ],
)
def test_unreadable_filters_are_ignored(shop, owner_client, params):
    order = paid_order(shop)
    response = owner_client.get("/console/orders/", params)
    assert response.status_code == 200
    if "search" not in params:
        assert order.number in text(response)
    assert "<script>alert(1)</script>" not in text(response)


def test_htmx_filtering_swaps_the_results_and_refreshes_the_tab_counts(shop, owner_client):
    order = paid_order(shop)
    shop.place([(shop.tea_sku, 1)])

    partial = owner_client.get(
        "/console/orders/", {"search": order.number}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="order-results"
    )
    body = text(partial)
    assert "<html" not in body and order.number in body and "1 order" in body
    assert '<span class="count" id="tab-count-all" hx-swap-oob="true">1</span>' in body
    assert f"/console/orders/export/?search={order.number}" in body


def test_the_list_pages_by_twenty(shop, owner_client):
    product = make_product(title="大米", skus=[{"price": "5.00", "stock": 100}])
    for _ in range(21):
        shop.place([(product.skus.get(), 1)])
    first = text(owner_client.get("/console/orders/"))
    assert "21 orders" in first and "Page 1 of 2" in first and first.count('<tr id="order-') == 20
    second = text(owner_client.get("/console/orders/", {"page": "2"}))
    assert second.count('<tr id="order-') == 1


def test_the_list_costs_the_same_queries_for_one_order_or_thirty(shop, owner_client, owner):
    from shop.services import orders

    rice = make_product(
        title="大米",
        skus=[
            {"spec_values": ["5斤"], "price": "5.00", "stock": 500},
            {"spec_values": ["10斤"], "price": "9.00", "stock": 500},
        ],
    )
    small, large = rice.skus.order_by("id")
    made = iter(range(1000))

    def add_orders(n):
        for _ in range(n):
            order = paid_order(shop, (small, 1), (large, 2))
            step = next(made)
            if step % 3 == 0:
                ask_refund(shop, order, amount="1.00")
            elif step % 3 == 1:
                orders.ship_order(
                    order=order, actor=owner, carrier="zhongtong", tracking_number=f"7812345{step:07d}"
                )

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get("/console/orders/", params).status_code == 200
        connection.set_tenant(shop.store)
        return len(captured)

    add_orders(1)
    queries()  # warm the per-process caches (host → store lookup, ...)
    one = queries()
    filtered = queries(search="138 0013 8001", after_sale="1")
    add_orders(29)
    assert queries() == one
    assert queries(search="138 0013 8001", after_sale="1") == filtered


def test_the_export_is_the_filtered_list_as_csv(shop, owner_client):
    shipped_later = paid_order(shop)
    unpaid = shop.place([(shop.tea_sku, 1)], buyer_note="请放门口")
    placed_at(unpaid, datetime.datetime(2026, 3, 1, 17, 30, tzinfo=datetime.UTC))

    everything = owner_client.get("/console/orders/export/")
    assert everything.status_code == 200
    assert everything["Content-Type"].startswith("text/csv")
    assert everything["Content-Disposition"].startswith('attachment; filename="orders-')
    assert everything.content.startswith("\ufeff".encode())  # Excel reads the BOM as UTF-8
    rows = list(csv.DictReader(io.StringIO(everything.content.decode("utf-8-sig"))))
    assert {r["order_number"] for r in rows} == {shipped_later.number, unpaid.number}

    only_unpaid = owner_client.get("/console/orders/export/", {"status": "pending_payment"})
    (row,) = csv.DictReader(io.StringIO(only_unpaid.content.decode("utf-8-sig")))
    assert row["order_number"] == unpaid.number
    assert row["placed_at"] == "2026-03-02 01:30:00"  # the store's time zone
    assert row["status"] == "Awaiting payment"
    # A leading "+" would make a spreadsheet read the phone as a formula (or a number): it is quoted.
    assert row["buyer_phone"] == "'+8613800138001" and row["recipient"] == "张三"
    assert row["address"] == "上海市 上海市 浦东新区 世纪大道 100 号"
    assert row["items"] == "龙井茶 ×1" and row["payable"] == str(unpaid.payable)
    assert row["paid"] == "0.00" and row["buyer_note"] == "请放门口"
