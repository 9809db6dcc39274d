"""The buyer's orders over the API: placing one is idempotent on the client's key (header or body field),
the list has the malls' tabs, an unpaid order is cancelled (stock back) and a paid one is not, paying
answers what the app does next, after-sales are asked for, withdrawn and shipped back, and the store's
notifications are read."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shop.models import SKU, BuyerNotification, Order
from tests.shop.api.conftest import PARCEL, pay_by_sandbox, place

ORDERS = "/api/v1/buyer/orders/"


def sku_stock(shop, sku) -> int:
    with schema_context(shop.store.schema_name):
        return SKU.objects.get(pk=sku.pk).stock


def test_the_same_key_places_one_order_by_header_or_by_field(shop, buyer_api):
    body = {"lines": [{"sku": shop.small.pk, "quantity": 1}], "address": shop.address.pk}
    by_field = buyer_api.post(ORDERS, {**body, "idempotency_key": "k-1"})
    again = buyer_api.post(ORDERS, body, HTTP_IDEMPOTENCY_KEY="k-1")

    assert (by_field.status_code, again.status_code) == (201, 200)
    assert by_field.json()["number"] == again.json()["number"] and by_field.json()["source"] == "api"
    assert sku_stock(shop, shop.small) == 9
    with schema_context(shop.store.schema_name):
        assert Order.objects.filter(buyer=shop.buyer).count() == 1


def test_placing_needs_one_key_and_the_total_the_buyer_saw(shop, buyer_api):
    body = {"lines": [{"sku": shop.small.pk, "quantity": 1}], "address": shop.address.pk}
    missing = buyer_api.post(ORDERS, body)
    differ = buyer_api.post(ORDERS, {**body, "idempotency_key": "a"}, HTTP_IDEMPOTENCY_KEY="b")
    changed = buyer_api.post(ORDERS, {**body, "expected_payable": "19.90"}, HTTP_IDEMPOTENCY_KEY="c")

    assert missing.status_code == 400 and "idempotency_key" in missing.json()
    assert differ.status_code == 400 and "idempotency_key" in differ.json()
    assert changed.status_code == 409 and changed.json()["code"] == "price_changed"
    assert sku_stock(shop, shop.small) == 10


def test_what_cannot_be_bought_is_refused_with_a_reason(shop, buyer_api):
    sold_out = place(buyer_api, shop, [(shop.tea_sku, 4)], key="k-tea")
    unknown = place(buyer_api, shop, [], key="k-empty")
    nowhere = buyer_api.post(
        ORDERS, {"lines": [{"sku": shop.small.pk, "quantity": 1}], "address": 2**62}, HTTP_IDEMPOTENCY_KEY="x"
    )
    assert sold_out.status_code == 409 and sold_out.json()["code"] == "out_of_stock"
    assert unknown.status_code == 400 and "lines" in unknown.json()
    assert nowhere.status_code == 404


def test_the_list_has_the_malls_tabs(shop, buyer_api):
    unpaid = place(buyer_api, shop, [(shop.small, 1)], key="k-unpaid").json()
    paid = place(buyer_api, shop, [(shop.tea_sku, 1)], key="k-paid").json()
    pay_by_sandbox(buyer_api, shop, paid["number"])

    def tab(name):
        return [order["number"] for order in buyer_api.get(ORDERS, {"tab": name}).json()["results"]]

    assert tab("all") == [paid["number"], unpaid["number"]]
    assert (tab("to_pay"), tab("to_ship"), tab("to_receive")) == ([unpaid["number"]], [paid["number"]], [])
    refused = buyer_api.get(ORDERS, {"tab": "everything"})
    assert refused.status_code == 400 and "tab" in refused.json()


def test_an_unpaid_order_is_cancelled_and_its_stock_goes_back(shop, buyer_api):
    order = place(buyer_api, shop, [(shop.small, 3)], key="k").json()
    assert sku_stock(shop, shop.small) == 7

    cancelled = buyer_api.post(f"{ORDERS}{order['number']}/cancel/", {"reason": "不想要了"})

    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "不想要了" and sku_stock(shop, shop.small) == 10
    again = buyer_api.post(f"{ORDERS}{order['number']}/cancel/")
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"
    assert buyer_api.post(f"{ORDERS}{order['number']}/pay/", {}).status_code == 409


def test_an_order_past_its_time_to_pay_cannot_be_paid(shop, buyer_api):
    order = place(buyer_api, shop, [(shop.small, 1)], key="k").json()
    with schema_context(shop.store.schema_name):
        Order.objects.filter(number=order["number"]).update(
            pay_deadline=timezone.now() - timedelta(seconds=1)
        )
    late = buyer_api.post(f"{ORDERS}{order['number']}/pay/", {})
    assert late.status_code == 409 and late.json()["code"] == "order_closed"


def test_paying_with_a_way_the_store_does_not_take_is_refused(shop, buyer_api):
    order = place(buyer_api, shop, [(shop.small, 1)], key="k").json()
    refused = buyer_api.post(f"{ORDERS}{order['number']}/pay/", {"provider": "wechat"})
    assert refused.status_code == 409 and refused.json()["code"] == "payment_not_configured"
    wrong = buyer_api.post(f"{ORDERS}{order['number']}/pay/", {"provider": "sandbox", "channel": "jsapi"})
    assert wrong.status_code == 400 and "channel" in wrong.json()


def test_receipt_is_confirmed_only_once_shipped(shop, buyer_api, owner_api):
    order = place(buyer_api, shop, [(shop.small, 1)], key="k").json()
    pay_by_sandbox(buyer_api, shop, order["number"])
    early = buyer_api.post(f"{ORDERS}{order['number']}/confirm-receipt/")
    assert early.status_code == 409

    owner_api.post(f"/api/v1/orders/{order['id']}/ship/", PARCEL)
    done = buyer_api.post(f"{ORDERS}{order['number']}/confirm-receipt/")
    assert done.status_code == 200 and done.json()["completed_at"]
    events = [event["kind"] for event in done.json()["events"]]
    assert events == ["placed", "paid", "shipped", "completed"]


@pytest.fixture
def shipped(shop, buyer_api, owner_api):
    order = place(buyer_api, shop, [(shop.small, 2)], key="k").json()
    pay_by_sandbox(buyer_api, shop, order["number"])
    return owner_api.post(f"/api/v1/orders/{order['id']}/ship/", PARCEL).json()


def test_a_return_is_asked_for_agreed_and_shipped_back(shop, buyer_api, owner_api, shipped):
    line = shipped["lines"][0]
    asked = buyer_api.post(
        "/api/v1/buyer/after-sales/",
        {"order_line": line["id"], "kind": "return_refund", "amount": "59.80", "reason": "发错了颜色"},
    ).json()
    assert (asked["kind"], asked["quantity"], asked["order_number"]) == (
        "return_refund",
        2,
        shipped["number"],
    )
    twice = buyer_api.post(
        "/api/v1/buyer/after-sales/",
        {"order_line": line["id"], "kind": "refund_only", "amount": "1.00", "reason": "再来一次"},
    )
    assert twice.status_code == 409 and twice.json()["code"] == "after_sale_open"

    path = f"/api/v1/buyer/after-sales/{asked['number']}/"
    too_early = buyer_api.post(f"{path}ship-back/", {"carrier": "中通", "tracking_number": "78123456789099"})
    assert too_early.status_code == 409
    owner_api.post(f"/api/v1/after-sales/{asked['id']}/approve/")
    sent = buyer_api.post(f"{path}ship-back/", {"carrier": "中通", "tracking_number": "78123456789099"})

    assert sent.status_code == 200 and sent.json()["status"] == "returned"
    assert (sent.json()["return_carrier"], sent.json()["return_tracking_number"]) == (
        "zhongtong",
        "78123456789099",
    )
    assert [event["status"] for event in sent.json()["events"]] == ["requested", "approved", "returned"]


def test_a_request_is_withdrawn_and_the_list_shows_it(shop, buyer_api, shipped):
    line = shipped["lines"][0]
    too_much = buyer_api.post(
        "/api/v1/buyer/after-sales/",
        {"order_line": line["id"], "kind": "refund_only", "amount": "59.81", "reason": "贵了"},
    )
    assert too_much.status_code == 400 and "amount" in too_much.json()
    asked = buyer_api.post(
        "/api/v1/buyer/after-sales/",
        {"order_line": line["id"], "kind": "refund_only", "amount": "10.00", "reason": "贵了"},
    ).json()

    withdrawn = buyer_api.post(f"/api/v1/buyer/after-sales/{asked['number']}/withdraw/")

    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    listed = buyer_api.get("/api/v1/buyer/after-sales/").json()["results"]
    assert [(row["number"], row["status"]) for row in listed] == [(asked["number"], "withdrawn")]
    order = buyer_api.get(f"{ORDERS}{shipped['number']}/").json()
    assert order["lines"][0]["after_sales"][0]["status"] == "withdrawn"


def test_after_sales_photos_come_as_multipart(shop, buyer_api, shipped):
    from django.db import connection

    from tests.shop.factories import image_file

    response = buyer_api.client.post(
        "/api/v1/buyer/after-sales/",
        {
            "order_line": shipped["lines"][0]["id"],
            "kind": "refund_only",
            "amount": "5.00",
            "reason": "破损",
            "photos": [image_file("broken.jpg")],
        },
    )
    connection.set_schema_to_public()
    assert response.status_code == 201, response.content
    assert len(response.json()["photos"]) == 1


def test_notifications_are_listed_and_marked_read(shop, buyer_api):
    with schema_context(shop.store.schema_name):
        first, second = (
            BuyerNotification.objects.create(buyer=shop.buyer, kind="order_paid", title=title)
            for title in ("已付款", "已发货")
        )
    assert [n["title"] for n in buyer_api.get("/api/v1/buyer/notifications/").json()["results"]] == [
        "已发货",
        "已付款",
    ]

    marked = buyer_api.post("/api/v1/buyer/notifications/read/", {"ids": [first.pk]})
    assert marked.json() == {"marked": 1}
    unread = buyer_api.get("/api/v1/buyer/notifications/", {"unread": "true"}).json()["results"]
    assert [n["id"] for n in unread] == [second.pk]
    assert buyer_api.post("/api/v1/buyer/notifications/read/", {}).json() == {"marked": 1}
    assert buyer_api.get("/api/v1/buyer/notifications/", {"unread": "maybe"}).status_code == 400


def test_a_provider_that_refuses_to_start_answers_502_and_the_order_stays_payable(
    shop, buyer_api, monkeypatch
):
    from shop.payments.base import PaymentProviderError
    from shop.payments.sandbox import SandboxProvider

    order = place(buyer_api, shop, [(shop.small, 1)], key="k").json()

    def refuse(self, request):
        raise PaymentProviderError("SYSTEMERROR 内部错误", provider="sandbox", provider_code="SYSTEMERROR")

    with monkeypatch.context() as patched:
        patched.setattr(SandboxProvider, "start", refuse)
        refused = buyer_api.post(f"{ORDERS}{order['number']}/pay/", {"provider": "sandbox"})
    assert refused.status_code == 502 and refused.json()["code"] == "payment_provider_error"
    assert "could not start this payment" in str(refused.json()) and "内部错误" not in str(refused.json())
    started = buyer_api.post(f"{ORDERS}{order['number']}/pay/", {"provider": "sandbox"})
    assert started.status_code == 200 and started.json()["kind"] == "redirect"


def _raw_order(buyer_api, shop, amount_json: str, key: str):
    body = (
        f'{{"lines": [{{"sku": {shop.small.pk}, "quantity": 1}}], "address": {shop.address.pk}, '
        f'"expected_payable": {amount_json}}}'
    )
    return buyer_api.post("/api/v1/buyer/orders/", body.encode(), HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.parametrize("amount_json", ["1e1", "2.5E0", "1e-2", "3.0e+1", "true", "29.899999999"])
def test_money_in_exponent_notation_or_as_yes_no_in_a_json_number_is_refused(shop, buyer_api, amount_json):
    order = _raw_order(buyer_api, shop, amount_json, key=f"raw-{amount_json}")
    assert order.status_code == 400, order.content
    assert "expected_payable" in order.json()
    assert buyer_api.get("/api/v1/buyer/orders/").json()["count"] == 0


def test_money_as_a_plain_json_number_is_read_exactly(shop, buyer_api):
    payable = place(buyer_api, shop, [(shop.small, 1)], key="quote-first").json()["payable"]
    buyer_api.post(f"/api/v1/buyer/orders/{0}/cancel/")  # nothing: the first order stays as it is
    order = _raw_order(buyer_api, shop, payable, key="raw-exact")  # e.g. 37.90, a JSON number
    assert order.status_code == 201, order.content
    assert order.json()["payable"] == payable
