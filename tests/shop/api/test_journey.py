"""A whole purchase over HTTP only, as a mini-program and the merchant's tools would make it: the merchant
sets the shipping rules, a buyer fills the cart, gets a quote, places the order (a retry with the same key
answers the same order), pays through the sandbox's notify endpoint; the staff ships it; the buyer confirms
receipt and asks for part of one line back; the staff agrees and the refund goes out through the provider;
the buyer sees every amount exact to the fen."""

from django.db import connection
from django_tenants.utils import schema_context

from tests.shop.api.conftest import PARCEL, pay_by_sandbox

SHANGHAI = "310000"


def test_a_buyer_buys_pays_receives_and_gets_part_of_a_line_refunded(shop, buyer_api, owner_api, eager_tasks):
    rules = {
        "shipping_flat_fee": "8.00",
        "free_shipping_over": "199.00",
        "region_fees": [{"province_code": "540000", "fee": "30.00"}],
        "unpaid_timeout_minutes": 30,
        "auto_complete_days": 10,
        "after_sale_days": 15,
    }
    assert owner_api.put("/api/v1/shipping-rules/", rules).status_code == 200

    # The cart: two small apples and a tea, priced again on every read.
    assert (
        buyer_api.post("/api/v1/buyer/cart/lines/", {"sku": shop.small.pk, "quantity": 2}).status_code == 201
    )
    cart = buyer_api.post("/api/v1/buyer/cart/lines/", {"sku": shop.tea_sku.pk}).json()
    assert [(line["title"], line["quantity"], line["line_total"]) for line in cart["lines"]] == [
        ("龙井茶", 1, "88.00"),
        ("烟台苹果", 2, "59.80"),
    ]
    assert cart["can_check_out"] and cart["quote"]["items_total"] == "147.80"
    assert cart["quote"]["shipping_fee"] == "8.00" and cart["quote"]["payable"] == "155.80"

    quote = buyer_api.post("/api/v1/buyer/checkout/quote/", {"from_cart": True, "address": shop.address.pk})
    assert quote.status_code == 200
    assert (quote.json()["items_total"], quote.json()["shipping_fee"], quote.json()["payable"]) == (
        "147.80",
        "8.00",
        "155.80",
    )

    # The order, placed from the cart with the total the buyer saw; the same key again is the same order.
    checkout = {"from_cart": True, "address": shop.address.pk, "expected_payable": "155.80"}
    first = buyer_api.post("/api/v1/buyer/orders/", checkout, HTTP_IDEMPOTENCY_KEY="checkout-7f3a")
    retry = buyer_api.post("/api/v1/buyer/orders/", checkout, HTTP_IDEMPOTENCY_KEY="checkout-7f3a")
    assert (first.status_code, retry.status_code) == (201, 200)
    order = first.json()
    assert retry.json()["number"] == order["number"] and retry.json()["id"] == order["id"]
    assert order["status"] == "pending_payment" and order["payable"] == "155.80"
    assert order["shipping_address"]["province_code"] == SHANGHAI
    assert buyer_api.get("/api/v1/buyer/cart/").json()["lines"] == []
    assert buyer_api.get("/api/v1/buyer/orders/", {"tab": "to_pay"}).json()["count"] == 1

    # Paid through the sandbox: its pay page posts a signed notification to the notify endpoint.
    pay_by_sandbox(buyer_api, shop, order["number"])
    assert buyer_api.get("/api/v1/buyer/orders/", {"tab": "to_ship"}).json()["results"][0]["paid_amount"] == (
        "155.80"
    )

    # The staff finds it to ship and ships it.
    found = owner_api.get("/api/v1/orders/", {"status": "paid", "search": order["number"]}).json()
    assert [row["number"] for row in found["results"]] == [order["number"]]
    shipped = owner_api.post(f"/api/v1/orders/{order['id']}/ship/", PARCEL)
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"

    mine = buyer_api.get(f"/api/v1/buyer/orders/{order['number']}/").json()
    assert [(p["carrier"], p["tracking_number"]) for p in mine["parcels"]] == [
        ("zhongtong", "78123456789012")
    ]
    received = buyer_api.post(f"/api/v1/buyer/orders/{order['number']}/confirm-receipt/")
    assert received.status_code == 200 and received.json()["status"] == "completed"

    # Part of the apples back: 19.93 of the 59.80 paid for that line.
    apples = next(line for line in received.json()["lines"] if line["sku"] == shop.small.pk)
    asked = buyer_api.post(
        "/api/v1/buyer/after-sales/",
        {"order_line": apples["id"], "kind": "refund_only", "amount": "19.93", "reason": "有两个磕坏了"},
    )
    assert asked.status_code == 201 and asked.json()["status"] == "requested"
    request = asked.json()
    queue = owner_api.get("/api/v1/after-sales/", {"queue": "requested"}).json()["results"]
    assert [row["number"] for row in queue] == [request["number"]]

    # The staff agrees; the refund goes to the provider from a worker (run at once here, in the store).
    with schema_context(shop.store.schema_name), eager_tasks(execute=True):
        approved = owner_api.client.post(f"/api/v1/after-sales/{request['id']}/approve/")
    connection.set_schema_to_public()
    assert approved.status_code == 200

    seen = buyer_api.get(f"/api/v1/buyer/after-sales/{request['number']}/").json()
    assert seen["status"] == "refunded"
    assert [(r["amount"], r["status"]) for r in seen["refunds"]] == [("19.93", "succeeded")]
    final = buyer_api.get(f"/api/v1/buyer/orders/{order['number']}/").json()
    assert (final["paid_amount"], final["refunded_amount"]) == ("155.80", "19.93")
    apples = next(line for line in final["lines"] if line["sku"] == shop.small.pk)
    assert (apples["paid_amount"], apples["refunded_amount"], apples["refundable_amount"]) == (
        "59.80",
        "19.93",
        "39.87",
    )
    tea = next(line for line in final["lines"] if line["sku"] == shop.tea_sku.pk)
    assert (tea["refunded_amount"], tea["refundable_amount"]) == ("0.00", "88.00")
    told = buyer_api.get("/api/v1/buyer/notifications/").json()["results"]
    assert {note["kind"] for note in told} >= {"after_sale_approved", "after_sale_refunded"}
