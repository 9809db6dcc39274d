"""An order's page in the console: everything about it (lines with what was paid and refunded, amounts,
address and note, payments and refunds with the providers' numbers, parcels with their tracking, each
line's after-sales, the history and the activity log), and what can be done from it by state: ship with
a carrier and tracking number (in place, with HTMX), cancel an unpaid order with a reason."""

import datetime

import pytest

from shop.models import Order, OrderEvent, Shipment
from shop.services import aftersales, orders
from tenants.activity.models import ActivityEntry
from tests.shop.console.conftest import ask_refund, paid_order, text
from tests.snapshots import Snapshot


def detail(client, order) -> str:
    response = client.get(f"/console/orders/{order.pk}/")
    assert response.status_code == 200
    return text(response)


def test_the_page_shows_everything_about_a_paid_refunded_and_shipped_order(
    shop, owner_client, owner, eager_tasks
):
    order = shop.place([(shop.small, 2), (shop.tea_sku, 1)], buyer_note="下午送")
    payment, _ack, _outcome = shop.pay(order)
    request = ask_refund(shop, order, amount="12.34")
    with eager_tasks(execute=True):
        aftersales.approve_after_sale(actor=owner, after_sale=request)
    shipment = orders.ship_order(order=order, actor=owner, carrier="顺丰", tracking_number="SF1401234567890")
    Shipment.objects.filter(pk=shipment.pk).update(
        state=Shipment.State.OUT_FOR_DELIVERY,
        tracking=[
            {"time": "2026-03-02T09:10:00+08:00", "text": "【上海市】快递员正在派件"},
            {"time": "2026-03-01T18:00:00+08:00", "text": "【杭州市】已揽收"},
        ],
    )
    order.refresh_from_db()
    payment.refresh_from_db()

    page = detail(owner_client, order)
    # lines with what was paid and refunded for each, and the line's after-sales request
    line = order.lines.get(sku=shop.small)
    line_row = page.split(f'id="line-{line.pk}"')[1].split("</tr>")[0]
    assert "烟台苹果" in line_row and "5斤" in line_row and "¥29.90" in line_row
    assert f"¥{line.paid_amount}" in line_row and "¥12.34" in line_row
    assert f'href="/console/after-sales/{request.pk}/"' in line_row and request.number in line_row
    # amounts, address, note, buyer
    assert f"¥{order.payable}" in page and "¥12.34" in page
    assert "张三" in page and "138 0013 8001" in page and "上海市" in page and "世纪大道 100 号" in page
    assert "下午送" in page and "买家一" in page
    # payments and refunds with the providers' numbers and states
    assert payment.out_trade_no in page and payment.provider_payment_id in page
    refund = order.refunds.get()
    assert refund.out_refund_no in page and refund.provider_refund_id in page and "Refunded" in page
    # the parcel with the carrier's news, newest first
    assert "SF Express" in page and "SF1401234567890" in page and "Out for delivery" in page
    assert page.index("快递员正在派件") < page.index("已揽收")
    # the history and the activity log
    history = page.split('id="order-history"')[1].split("</section>")[0]
    for kind in ("Order placed", "Paid", "After-sales", "Refunded", "Shipped"):
        assert kind in history, kind
    activity = page.split('id="order-activity"')[1].split("</section>")[0]
    assert "Order shipped" in activity and "After-sales request accepted" in activity
    assert "Refund sent" in activity and "Alice" in activity
    # shipped: no ship or cancel form any more
    assert 'id="ship-order"' not in page and 'id="cancel-order"' not in page


def test_times_are_shown_in_the_stores_time_zone(shop, owner_client):
    order = shop.place([(shop.tea_sku, 1)])
    Order.objects.filter(pk=order.pk).update(
        placed_at=datetime.datetime(2026, 3, 1, 17, 30, tzinfo=datetime.UTC)
    )
    assert "2026-03-02 01:30" in detail(owner_client, order)


def test_shipping_with_htmx_swaps_the_order_in_place(shop, owner_client, owner):
    order = paid_order(shop)
    page = detail(owner_client, order)
    assert 'id="ship-order"' in page and '<option value="shunfeng">SF Express</option>' in page

    response = owner_client.post(
        f"/console/orders/{order.pk}/ship/",
        {"carrier": "zhongtong", "tracking_number": "7812 3456 7890 12"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="order-detail",
    )
    body = text(response)
    assert response.status_code == 200 and "<html" not in body and body.startswith('<div id="order-detail">')
    assert "Shipped with ZTO Express, tracking number 78123456789012." in body
    assert 'id="ship-order"' not in body and "78123456789012" in body
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert ActivityEntry.objects.filter(action="order.shipped", actor=owner, target_id=str(order.pk)).exists()


def test_shipping_without_htmx_redirects_back_with_a_message(shop, owner_client):
    order = paid_order(shop)
    response = owner_client.post(
        f"/console/orders/{order.pk}/ship/", {"carrier": "shunfeng", "tracking_number": "SF1401234567890"}
    )
    assert response.status_code == 302 and response["Location"] == f"/console/orders/{order.pk}/"
    assert "Shipped with SF Express" in text(owner_client.get(response["Location"]))


@pytest.mark.parametrize(
    "carrier, number, field, message",
    [
        ("", "SF1401234567890", "carrier", "Choose a carrier."),
        ("飞鸽传书", "SF1401234567890", "carrier", "Unknown carrier"),
        ("' OR 1=1 --", "SF1401234567890", "carrier", "Unknown carrier"),
        ("shunfeng", "", "tracking_number", "Enter the tracking number."),
        ("shunfeng", "1e5", "tracking_number", "6 to 32 letters and digits"),
        ("zhongtong", "١٢٣٤٥٦٧٨٩٠١٢", "tracking_number", "6 to 32 letters and digits"),
        ("shunfeng", "78123456789012", "tracking_number", "not a SF Express tracking number"),
        ("zhongtong", "9" * 40, "tracking_number", "6 to 32 letters and digits"),
        ("shunfeng", "SF" + "1" * 100, "tracking_number", "at most 64 characters"),
    ],
)
def test_a_wrong_carrier_or_number_is_said_next_to_its_field_and_ships_nothing(
    shop, owner_client, carrier, number, field, message
):
    order = paid_order(shop)
    before = Snapshot(shop.store.schema_name).take()
    response = owner_client.post(
        f"/console/orders/{order.pk}/ship/", {"carrier": carrier, "tracking_number": number}
    )
    assert response.status_code == 400
    field_html = text(response).split(f'id="field-{field}"')[1].split("</div>\n</div>")[0]
    assert message in field_html
    assert Snapshot(shop.store.schema_name).take() == before


def test_the_htmx_form_comes_back_with_its_messages(shop, owner_client):
    order = paid_order(shop)
    response = owner_client.post(
        f"/console/orders/{order.pk}/ship/",
        {"carrier": "飞鸽传书", "tracking_number": "SF1401234567890"},
        HTTP_HX_REQUEST="true",
    )
    # htmx swaps a 200 only: the refused form is swapped in with its message
    assert response.status_code == 200 and "Unknown carrier" in text(response)
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_one_tracking_number_ships_one_order_and_a_shipped_order_does_not_ship_again(
    shop, owner_client, owner
):
    first, second = paid_order(shop), paid_order(shop, (shop.tea_sku, 1))
    orders.ship_order(order=first, actor=owner, carrier="zhongtong", tracking_number="78123456789012")

    again = owner_client.post(
        f"/console/orders/{first.pk}/ship/", {"carrier": "zhongtong", "tracking_number": "78123456789013"}
    )
    assert again.status_code == 409 and "This order is shipped: it cannot be shipped." in text(again)
    reused = owner_client.post(
        f"/console/orders/{second.pk}/ship/", {"carrier": "zhongtong", "tracking_number": "78123456789012"}
    )
    assert reused.status_code == 400 and "already used by another order" in text(reused)
    assert Shipment.objects.count() == 1


def test_an_unpaid_order_is_cancelled_with_a_reason(shop, owner_client, owner):
    order = shop.place([(shop.small, 3)])
    page = detail(owner_client, order)
    assert 'id="cancel-order"' in page and 'id="ship-order"' not in page

    refused = owner_client.post(f"/console/orders/{order.pk}/cancel/", {"reason": "  "})
    assert refused.status_code == 400 and "Say why." in text(refused)
    too_long = owner_client.post(f"/console/orders/{order.pk}/cancel/", {"reason": "久" * 201})
    assert too_long.status_code == 400
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT

    response = owner_client.post(
        f"/console/orders/{order.pk}/cancel/", {"reason": "买家要求取消"}, follow=True
    )
    assert "is cancelled" in text(response) and "买家要求取消" in text(response)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.cancel_reason == "买家要求取消"
    assert shop.small.__class__.objects.get(pk=shop.small.pk).stock == 10  # back on sale
    assert OrderEvent.objects.filter(order=order, kind="cancelled", actor=owner).exists()


def test_a_paid_order_cannot_be_cancelled_here(shop, owner_client):
    order = paid_order(shop)
    before = Snapshot(shop.store.schema_name).take()
    response = owner_client.post(f"/console/orders/{order.pk}/cancel/", {"reason": "不卖了"})
    assert response.status_code == 409 and "This order is paid: it cannot be cancelled." in text(response)
    assert Snapshot(shop.store.schema_name).take() == before


@pytest.mark.parametrize("pk", ["0", "99999999", "9223372036854775808"])
def test_an_order_that_does_not_exist_is_a_404(shop, owner_client, pk):
    assert owner_client.get(f"/console/orders/{pk}/").status_code == 404
    assert owner_client.post(f"/console/orders/{pk}/ship/", {"carrier": "shunfeng"}).status_code == 404
    assert owner_client.post(f"/console/orders/{pk}/cancel/", {"reason": "x"}).status_code == 404


def test_an_order_refunded_in_full_says_there_is_nothing_to_ship_and_leaves_the_template(
    shop, owner_client, owner, eager_tasks
):
    refunded, waiting = paid_order(shop, (shop.small, 1)), paid_order(shop, (shop.tea_sku, 1))
    line = refunded.lines.get()
    with eager_tasks(execute=True):
        aftersales.approve_after_sale(
            actor=owner, after_sale=ask_refund(shop, refunded, amount=str(line.paid_amount), line=line)
        )

    page = text(owner_client.get(f"/console/orders/{refunded.pk}/"))
    assert "there is nothing to ship" in page and "Ship the order" not in page
    assert "Ship the order" in text(owner_client.get(f"/console/orders/{waiting.pk}/"))
    template = owner_client.get("/console/orders/ship/template/").content.decode("utf-8-sig")
    assert waiting.number in template and refunded.number not in template

    response = owner_client.post(
        f"/console/orders/{refunded.pk}/ship/", {"carrier": "shunfeng", "tracking_number": "SF1401234567890"}
    )
    assert response.status_code == 409 and "there is nothing to ship" in text(response)
    assert not Shipment.objects.exists()
