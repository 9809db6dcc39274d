"""Every page and action of the buyer's shopping pages reaches the buyer's own rows only: buyer two of the
same store and a buyer of store B get a 404 — the page an unknown number gets — for buyer one's order, line,
after-sales request, payment and cart line, and nothing changes; a visitor is sent to sign in first."""

from urllib.parse import quote

import pytest

from shop.models import ShopSettings
from shop.services import aftersales
from shop.services import cart as carts
from tests.snapshots import Snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(shop):
    """Buyer one's rows: a paid order with a request on its first line, an unpaid one with a payment
    started, a cart line."""
    paid = shop.place([(shop.small, 1), (shop.tea_sku, 1)])
    shop.pay(paid)
    first, second = paid.lines.order_by("pk")
    request = aftersales.request_after_sale(
        buyer=shop.buyer,
        data=aftersales.AfterSaleInput(
            order_line_id=first.pk, kind="refund_only", amount="1.00", reason="不想要了"
        ),
    )
    unpaid = shop.place([(shop.large, 1)])
    payment = shop.start(unpaid)
    line = carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=1)
    ShopSettings.load()  # made once, before anything is compared
    return {
        "paid": paid.number,
        "unpaid": unpaid.number,
        "second": second.pk,
        "request": request.number,
        "payment": payment.out_trade_no,
        "line": line.pk,
    }


def pages(m):
    """(method, path, data) of every page and action that names one of buyer one's rows."""
    return [
        ("get", f"/orders/{m['paid']}/", {}),
        ("post", f"/orders/{m['unpaid']}/cancel/", {"reason": ""}),
        ("post", f"/orders/{m['paid']}/receive/", {}),
        ("get", f"/orders/{m['unpaid']}/pay/", {}),
        ("post", f"/orders/{m['unpaid']}/pay/", {"provider": "sandbox"}),
        ("get", f"/orders/{m['unpaid']}/pay/return/", {}),
        ("get", f"/orders/{m['unpaid']}/pay/status/", {}),
        ("get", f"/orders/{m['paid']}/lines/{m['second']}/after-sale/", {}),
        (
            "post",
            f"/orders/{m['paid']}/lines/{m['second']}/after-sale/",
            {"kind": "refund_only", "amount": "1", "reason": "Other"},
        ),
        ("get", f"/after-sales/{m['request']}/", {}),
        ("post", f"/after-sales/{m['request']}/withdraw/", {}),
        (
            "post",
            f"/after-sales/{m['request']}/return/",
            {"carrier": "shunfeng", "tracking_number": "SF1401234567890"},
        ),
        ("get", f"/pay/sandbox/{m['payment']}/", {}),
        ("post", f"/pay/sandbox/{m['payment']}/", {}),
        ("post", f"/cart/lines/{m['line']}/", {"quantity": "2"}),
    ]


@pytest.mark.parametrize("who", ["other", "buyer_of_b"])
def test_nobody_else_reaches_a_buyers_rows_and_nothing_changes(store_b, shop, mine, who, request):
    visitor = request.getfixturevalue(who)
    snapshots = [Snapshot(shop.store.schema_name), Snapshot(store_b.schema_name)]
    before = [snapshot.take() for snapshot in snapshots]
    for method, path, data in pages(mine):
        response = getattr(visitor, method)(path, data)
        assert response.status_code == 404, (who, method, path, response.status_code)
    assert [snapshot.take() for snapshot in snapshots] == before
    # and their lists hold none of it
    for path in ("/orders/", "/after-sales/", "/cart/", "/account/notifications/"):
        html = visitor.html(path)
        assert mine["paid"] not in html and mine["request"] not in html and "烟台苹果" not in html, path


def test_a_visitor_is_sent_to_sign_in_and_back(shop, mine, guest):
    snapshot = Snapshot(shop.store.schema_name)
    before = snapshot.take()
    for method, path, data in pages(mine)[:-1] + [
        ("get", "/orders/", {}),
        ("get", "/after-sales/", {}),
        ("get", "/account/notifications/", {}),
        ("post", "/account/notifications/read/", {}),
        ("get", "/checkout/", {}),
        ("post", "/checkout/", {}),
    ]:
        response = getattr(guest, method)(path, data)
        assert response.status_code == 302, (method, path)
        assert response["Location"] == f"/account/sign-in/?next={quote(path, safe='')}", path
    assert snapshot.take() == before
    # a guest's cart is theirs: buyer one's line is not in it
    assert guest.post(f"/cart/lines/{mine['line']}/", {"quantity": "2"}).status_code == 404
