"""After-sales from the buyer's side: the request form per order line (refund only, or return and refund
once shipped; the amount prefilled with what can still be refunded; reasons; photos), the list, a
request's page with its progress and refund, withdrawing it, and the parcel sent back."""

import re
from decimal import Decimal

import pytest

from shop.models import AfterSale, AfterSalePhoto, Refund
from shop.services import aftersales
from shop.services import orders as order_services
from tests.conftest import owner_of
from tests.shop.factories import image_file
from tests.shop.storefront.conftest import text_of

pytestmark = pytest.mark.django_db
REASON = "Quality problem"


@pytest.fixture
def order(shop):
    order = shop.place([(shop.small, 2), (shop.tea_sku, 1)])
    shop.pay(order)
    return order


def line_of(order, sku):
    return order.lines.get(sku=sku)


def form_path(order, line):
    return f"/orders/{order.number}/lines/{line.pk}/after-sale/"


def ship(shop, order):
    order_services.ship_order(
        order=order, actor=owner_of(shop.store), carrier="shunfeng", tracking_number="SF1401234567890"
    )


def test_the_form_prefills_what_can_still_be_refunded_and_offers_a_return_only_once_shipped(shop, me, order):
    line = line_of(order, shop.small)
    html = me.html(form_path(order, line))
    assert 'name="amount" value="59.80"' in html and "At most ¥59.80" in text_of(html)
    assert re.search(r'<input type="radio" name="kind" value="return_refund"[^>]*disabled', html)
    assert "Possible once the order has shipped." in html
    assert f'<option value="{REASON}">{REASON}</option>' in html and 'type="file" name="photos"' in html
    assert "multiple" in re.search(r'<input type="file" name="photos"[^>]*>', html).group(0)
    ship(shop, order)
    html = me.html(form_path(order, line))
    assert not re.search(r'<input type="radio" name="kind" value="return_refund"[^>]*disabled', html)


def test_asking_for_a_refund_with_photos_opens_a_request_the_merchant_sees(shop, me, order, media_root):
    line = line_of(order, shop.small)
    response = me.post(
        form_path(order, line),
        {
            "kind": "refund_only",
            "amount": "20.50",
            "reason": REASON,
            "details": "有两个坏了",
            "photos": [image_file("a.jpg"), image_file("b.png", fmt="PNG")],
        },
    )
    request = AfterSale.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/after-sales/{request.number}/"
    assert (request.amount, request.reason, request.details) == (Decimal("20.50"), REASON, "有两个坏了")
    assert AfterSalePhoto.objects.filter(after_sale=request).count() == 2
    html = me.html(response["Location"])
    words = text_of(html)
    assert "Waiting for the merchant" in words and "¥ 20.50" in words and REASON in words
    assert 'data-dialog="withdraw-dialog"' in html and html.count('class="photo-strip"') == 1
    # the order shows the open request on the line, instead of another "refund" button
    order_page = me.html(f"/orders/{order.number}/")
    assert f'id="refund-{line.pk}"' not in order_page and "Waiting for the merchant" in order_page
    # and the form sends the buyer to the open request
    assert me.get(form_path(order, line))["Location"] == f"/after-sales/{request.number}/"


@pytest.mark.parametrize(
    "amount, message",
    [
        ("59.81", "At most 59.80 can be refunded for this item."),
        ("0", "The amount must be above 0."),
        ("1e5", "Enter an amount such as 12.50."),
        ("１２", "Enter an amount such as 12.50."),
        ("NaN", "Enter an amount such as 12.50."),
        ("99999999999999999999999", "Enter an amount such as 12.50."),
        ("-5", "The amount must be above 0."),
    ],
)
def test_an_amount_beyond_what_can_be_refunded_or_not_an_amount_is_refused_on_its_field(
    shop, me, order, amount, message
):
    html = me.post(
        form_path(order, line_of(order, shop.small)),
        {"kind": "refund_only", "amount": amount, "reason": REASON},
    ).content.decode()
    field = re.search(r'<div class="field invalid" id="field-amount">.*?</div>\s*</div>', html, re.S).group(0)
    assert message in field and not AfterSale.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "return_refund", "amount": "10", "reason": REASON},  # not shipped yet
        {"kind": "exchange", "amount": "10", "reason": REASON},
        {"kind": "refund_only", "amount": "10", "reason": "Because <script>"},
        {"kind": "refund_only", "amount": "10", "reason": ""},
        {"kind": "refund_only", "amount": "10", "reason": REASON, "details": "长" * 1001},
    ],
)
def test_other_hostile_requests_are_refused(shop, me, order, data):
    response = me.post(form_path(order, line_of(order, shop.small)), data)
    assert response.status_code == 200 and re.search(
        r'class="field[\w -]* invalid"', response.content.decode()
    )
    assert not AfterSale.objects.exists()


def test_more_than_six_photos_are_refused(shop, me, order, media_root):
    photos = [image_file(f"p{n}.jpg") for n in range(7)]
    html = me.post(
        form_path(order, line_of(order, shop.small)),
        {"kind": "refund_only", "amount": "1", "reason": REASON, "photos": photos},
    ).content.decode()
    assert "At most 6 photos." in html and not AfterSale.objects.exists()


def test_an_unpaid_order_takes_no_request(shop, me):
    unpaid = shop.place([(shop.tea_sku, 1)])
    html = me.html(form_path(unpaid, unpaid.lines.get()))
    assert 'id="after-sale-closed"' in html and "it cannot be refunded" in html
    assert 'id="after-sale-form"' not in html
    assert "/after-sale/" not in me.html(f"/orders/{unpaid.number}/")


def test_withdrawing_an_open_request(shop, me, order):
    line = line_of(order, shop.tea_sku)
    me.post(form_path(order, line), {"kind": "refund_only", "amount": "88.00", "reason": REASON})
    request = AfterSale.objects.get()
    response = me.post(f"/after-sales/{request.number}/withdraw/")
    request.refresh_from_db()
    assert response.status_code == 302 and request.status == "withdrawn"
    html = me.html(response["Location"])
    assert "Your request is withdrawn." in html and 'data-dialog="withdraw-dialog"' not in html
    # the line takes a new request again
    assert f'id="refund-{line.pk}"' in me.html(f"/orders/{order.number}/")


def test_a_return_is_shipped_back_with_its_carrier_and_tracking_number(shop, me, order, eager_tasks):
    ship(shop, order)
    line = line_of(order, shop.small)
    me.post(form_path(order, line), {"kind": "return_refund", "amount": "59.80", "reason": REASON})
    request = AfterSale.objects.get()
    assert 'id="return-form"' not in me.html(f"/after-sales/{request.number}/")
    aftersales.approve_after_sale(actor=owner_of(shop.store), after_sale=request)
    html = me.html(f"/after-sales/{request.number}/")
    assert 'id="return-form"' in html and '<option value="zhongtong">' in html
    refused = me.post(
        f"/after-sales/{request.number}/return/", {"carrier": "zhongtong", "tracking_number": "12"}
    )
    assert "A tracking number is 6 to 32 letters and digits." in refused.content.decode()
    refused = me.post(
        f"/after-sales/{request.number}/return/", {"carrier": "飞鸽", "tracking_number": "7312345678901"}
    )
    assert (
        'id="field-carrier"' in refused.content.decode()
        and "Select a valid choice" in refused.content.decode()
    )
    response = me.post(
        f"/after-sales/{request.number}/return/",
        {"carrier": "zhongtong", "tracking_number": "7312 3456 7890 1"},
    )
    request.refresh_from_db()
    assert response.status_code == 302 and request.status == "returned"
    assert request.return_tracking_number == "7312345678901"
    words = text_of(me.html(response["Location"]))
    assert "Sent back by the buyer" in words and "ZTO Express 7312345678901" in words
    # the merchant receives it: the refund goes out and its status shows
    with eager_tasks(execute=True):
        aftersales.receive_return(actor=owner_of(shop.store), after_sale=request, restock=True)
    words = text_of(me.html(response["Location"]))
    assert "Refunded" in words and "¥59.80 went back the way you paid." in words
    assert Refund.objects.get(after_sale=request).status == "succeeded"


def test_the_list_shows_the_buyers_requests(shop, me, order):
    me.post(
        form_path(order, line_of(order, shop.tea_sku)),
        {"kind": "refund_only", "amount": "8", "reason": REASON},
    )
    request = AfterSale.objects.get()
    html = me.html("/after-sales/")
    assert f'id="after-sale-{request.number}"' in html and "龙井茶" in html and "¥</small>8.00" in html


def test_another_buyers_lines_and_requests_are_404s(shop, me, other, buyer_of_b, guest, order):
    line = line_of(order, shop.small)
    me.post(form_path(order, line), {"kind": "refund_only", "amount": "1", "reason": REASON})
    request = AfterSale.objects.get()
    mine_missing = me.get(f"/orders/{order.number}/lines/987654321/after-sale/")
    assert mine_missing.status_code == 404
    for pages in (other, buyer_of_b):
        assert pages.get(form_path(order, line)).status_code == 404
        assert (
            pages.post(
                form_path(order, line), {"kind": "refund_only", "amount": "1", "reason": REASON}
            ).status_code
            == 404
        )
        for path in ("", "withdraw/", "return/"):
            response = (pages.get if not path else pages.post)(f"/after-sales/{request.number}/{path}")
            assert response.status_code == 404, path
        assert request.number not in pages.html("/after-sales/")
    other_order = shop.place([(shop.tea_sku, 1)], buyer=shop.new_buyer("+8613800138009", "买家九"))
    assert me.get(form_path(other_order, other_order.lines.get())).status_code == 404
    request.refresh_from_db()
    assert request.status == "requested" and AfterSale.objects.count() == 1
    assert guest.get("/after-sales/")["Location"] == "/account/sign-in/?next=%2Fafter-sales%2F"
