"""The store's orders over the staff API: the list filtered strictly (a bad value is a 400 naming the
parameter), an order, shipping and cancelling by the roles that may, the CSV export, bulk shipping from a
file with a report per row, the after-sales queue and its decisions, and the shipping rules with their
errors keyed to the field at fault."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from shop.models import SKU, RegionShippingFee
from tests.shop.api.conftest import PARCEL, pay_by_sandbox, place, staff_api

ORDERS = "/api/v1/orders/"


@pytest.fixture
def paid(shop, buyer_api):
    order = place(buyer_api, shop, [(shop.small, 2), (shop.tea_sku, 1)], key="k-paid").json()
    pay_by_sandbox(buyer_api, shop, order["number"])
    return order


@pytest.fixture
def unpaid(shop, buyer_api):
    return place(buyer_api, shop, [(shop.large, 1)], key="k-unpaid").json()


def numbers(api, **params) -> list[str]:
    response = api.get(ORDERS, params)
    assert response.status_code == 200, response.content
    return [order["number"] for order in response.json()["results"]]


def test_the_list_filters_like_the_console(owner_api, paid, unpaid):
    assert numbers(owner_api) == [unpaid["number"], paid["number"]]
    assert numbers(owner_api, status="paid") == [paid["number"]]
    assert numbers(owner_api, payment="sandbox") == [paid["number"]]
    assert numbers(owner_api, search=unpaid["number"]) == [unpaid["number"]]
    assert numbers(owner_api, search="138 0013 8001") == [unpaid["number"], paid["number"]]
    assert numbers(owner_api, source="storefront") == []
    assert numbers(owner_api, date_from="2000-01-01", date_to="9999-12-31") == [
        unpaid["number"],
        paid["number"],
    ]
    assert numbers(owner_api, date_from="9999-12-31") == []
    row = owner_api.get(ORDERS, {"status": "paid"}).json()["results"][0]
    assert row["buyer"]["phone"] == "+8613800138001" and row["payable"] == "147.80"


@pytest.mark.parametrize(
    "name, value",
    [
        ("status", "lost"),
        ("date_from", "2026-13-01"),
        ("date_to", "yesterday"),
        ("payment", "alipay"),
        ("source", "tv"),
        ("after_sale", "maybe"),
    ],
)
def test_an_unreadable_filter_is_a_400_naming_it(owner_api, name, value):
    for path in (ORDERS, f"{ORDERS}export/"):
        response = owner_api.get(path, {name: value})
        assert response.status_code == 400 and set(response.json()) == {name, "code"}, response.content
        assert response["Content-Type"] == "application/json"


def test_an_order_shows_its_buyer_lines_payments_and_history(owner_api, paid):
    detail = owner_api.get(f"{ORDERS}{paid['id']}/").json()
    assert detail["number"] == paid["number"] and detail["buyer"]["name"] == "买家一"
    assert [(line["title"], line["quantity"], line["paid_amount"]) for line in detail["lines"]] == [
        ("烟台苹果", 2, "59.80"),
        ("龙井茶", 1, "88.00"),
    ]
    assert [(p["provider"], p["status"], p["amount"]) for p in detail["payments"]] == [
        ("sandbox", "succeeded", "147.80")
    ]
    assert [event["kind"] for event in detail["events"]] == ["placed", "paid"]
    assert owner_api.get(f"{ORDERS}{2**62}/").status_code == 404


def test_shipping_checks_the_carrier_and_the_state(shop, owner_api, paid, unpaid):
    unknown = owner_api.post(f"{ORDERS}{paid['id']}/ship/", {"carrier": "飞鸽传书", "tracking_number": "1"})
    assert unknown.status_code == 400 and "carrier" in unknown.json()
    not_paid = owner_api.post(f"{ORDERS}{unpaid['id']}/ship/", PARCEL)
    assert not_paid.status_code == 409

    shipped = owner_api.post(f"{ORDERS}{paid['id']}/ship/", PARCEL).json()

    assert shipped["status"] == "shipped" and shipped["auto_complete_at"]
    assert [(p["carrier_name"], p["state"]) for p in shipped["parcels"]] == [("ZTO Express", "in_transit")]
    twice = owner_api.post(f"{ORDERS}{paid['id']}/ship/", PARCEL)
    assert twice.status_code == 409


def test_the_merchant_cancels_an_unpaid_order_with_a_reason(shop, owner_api, paid, unpaid):
    no_reason = owner_api.post(f"{ORDERS}{unpaid['id']}/cancel/", {"reason": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    cancelled = owner_api.post(f"{ORDERS}{unpaid['id']}/cancel/", {"reason": "缺货"})
    assert cancelled.status_code == 200 and cancelled.json()["cancel_reason"] == "缺货"
    with schema_context(shop.store.schema_name):
        assert SKU.objects.get(pk=shop.large.pk).stock == 5
    assert owner_api.post(f"{ORDERS}{paid['id']}/cancel/", {"reason": "缺货"}).status_code == 409


@pytest.mark.parametrize(
    "role, ships, decides",
    [
        ("admin", True, True),
        ("operations", True, False),
        ("customer_service", False, True),
        ("finance", False, False),
    ],
)
def test_who_may_ship_and_who_decides_after_sales(shop, buyer_api, paid, role, ships, decides):
    api = staff_api(shop.store, role)
    assert api.get(ORDERS).status_code == 200
    assert api.get("/api/v1/after-sales/").status_code == 200
    assert api.get(f"{ORDERS}export/").status_code == 200
    assert api.get("/api/v1/shipping-rules/").status_code == 200

    shipped = api.post(f"{ORDERS}{paid['id']}/ship/", PARCEL)
    assert shipped.status_code == (200 if ships else 403)
    line = paid["lines"][0]["id"]
    asked = buyer_api.post(
        "/api/v1/buyer/after-sales/",
        {"order_line": line, "kind": "refund_only", "amount": "1.00", "reason": "少了"},
    ).json()
    rejected = api.post(f"/api/v1/after-sales/{asked['id']}/reject/", {"reason": "并未少发"})
    assert rejected.status_code == (200 if decides else 403)


def test_the_export_is_a_csv_of_what_the_list_shows(owner_api, paid, unpaid):
    response = owner_api.get(f"{ORDERS}export/", {"status": "paid"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')
    text = response.content.decode("utf-8-sig")
    rows = text.strip().splitlines()
    assert rows[0].startswith("order_number,placed_at,status") and len(rows) == 2
    assert rows[1].startswith(paid["number"]) and "147.80" in rows[1]


def test_bulk_shipping_reports_each_row(shop, owner_api, paid, unpaid):
    content = "\n".join(
        [
            "订单号,快递公司,运单号",
            f"{paid['number']},顺丰,SF1401234567890",
            f"{unpaid['number']},中通,78123456789013",
            "000000,中通,78123456789014",
        ]
    ).encode()
    upload = SimpleUploadedFile("ship.csv", content, content_type="text/csv")

    response = owner_api.client.post(f"{ORDERS}ship-file/", {"file": upload})
    connection.set_schema_to_public()

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["shipped"] == [paid["number"]]
    assert [(error["row"], error["column"]) for error in report["errors"]] == [(3, ""), (4, "order_number")]
    headerless = SimpleUploadedFile("ship.csv", b"a,b\n1,2\n", content_type="text/csv")
    refused = owner_api.client.post(f"{ORDERS}ship-file/", {"file": headerless})
    connection.set_schema_to_public()
    assert refused.status_code == 400 and "file" in refused.json()


# --- after-sales -------------------------------------------------------------------------------------------


def ask(buyer_api, order, index=0, **body) -> dict:
    response = buyer_api.post(
        "/api/v1/buyer/after-sales/",
        {
            "order_line": order["lines"][index]["id"],
            "kind": "refund_only",
            "amount": "10.00",
            "reason": "坏了",
        }
        | body,
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_the_queue_shows_what_waits_for_the_merchant(owner_api, buyer_api, paid):
    first = ask(buyer_api, paid, 0)
    second = ask(buyer_api, paid, 1)
    owner_api.post(f"/api/v1/after-sales/{second['id']}/reject/", {"reason": "不符合条件"})

    def queue(name=None):
        params = {"queue": name} if name else {}
        return [row["number"] for row in owner_api.get("/api/v1/after-sales/", params).json()["results"]]

    assert queue() == queue("requested") == [first["number"]]
    assert queue("closed") == [second["number"]]
    refused = owner_api.get("/api/v1/after-sales/", {"queue": "all"})
    assert refused.status_code == 400 and "queue" in refused.json()
    detail = owner_api.get(f"/api/v1/after-sales/{second['id']}/").json()
    assert (detail["status"], detail["reject_reason"]) == ("rejected", "不符合条件")
    assert detail["buyer"]["phone"] == "+8613800138001"


def test_a_return_is_received_back_into_stock_and_refunded(shop, owner_api, buyer_api, paid, eager_tasks):
    shipped = owner_api.post(f"{ORDERS}{paid['id']}/ship/", PARCEL).json()
    request = ask(buyer_api, shipped, 0, kind="return_refund", amount="29.90", quantity=1)
    owner_api.post(f"/api/v1/after-sales/{request['id']}/approve/")
    early = owner_api.post(f"/api/v1/after-sales/{request['id']}/receive/", {"restock": True})
    assert early.status_code == 409
    buyer_api.post(
        f"/api/v1/buyer/after-sales/{request['number']}/ship-back/",
        {"carrier": "yunda", "tracking_number": "4312345678901"},
    )

    with schema_context(shop.store.schema_name), eager_tasks(execute=True):
        received = owner_api.client.post(
            f"/api/v1/after-sales/{request['id']}/receive/",
            {"restock": True},
            content_type="application/json",
        )
    connection.set_schema_to_public()

    assert received.status_code == 200 and received.json()["restocked"]
    with schema_context(shop.store.schema_name):
        assert SKU.objects.get(pk=shop.small.pk).stock == 9
    detail = owner_api.get(f"/api/v1/after-sales/{request['id']}/").json()
    assert detail["status"] == "refunded" and detail["refunds"][0]["amount"] == "29.90"


# --- shipping rules ----------------------------------------------------------------------------------------

RULES = {
    "shipping_flat_fee": "8.00",
    "free_shipping_over": "99.00",
    "region_fees": [
        {"province_code": "650000", "fee": "25.00"},
        {"province_code": "540000", "fee": "30.00", "free_over_applies": True},
    ],
    "unpaid_timeout_minutes": 45,
    "auto_complete_days": 7,
    "after_sale_days": 30,
}


def test_the_shipping_rules_are_read_and_replaced(shop, owner_api):
    saved = owner_api.put("/api/v1/shipping-rules/", RULES)

    assert saved.status_code == 200
    body = saved.json()
    assert (body["shipping_flat_fee"], body["free_shipping_over"], body["unpaid_timeout_minutes"]) == (
        "8.00",
        "99.00",
        45,
    )
    assert [
        (r["province_code"], r["province_name"], r["fee"], r["free_over_applies"])
        for r in body["region_fees"]
    ] == [
        ("540000", "Xizang (Tibet)", "30.00", True),
        ("650000", "Xinjiang", "25.00", False),
    ]
    assert owner_api.get("/api/v1/shipping-rules/").json() == body

    fewer = owner_api.put("/api/v1/shipping-rules/", {**RULES, "free_shipping_over": None, "region_fees": []})
    assert fewer.json()["free_shipping_over"] is None and fewer.json()["region_fees"] == []
    with schema_context(shop.store.schema_name):
        assert not RegionShippingFee.objects.exists()


def test_a_wrong_rule_is_keyed_to_its_field_and_saves_nothing(shop, owner_api):
    owner_api.put("/api/v1/shipping-rules/", RULES)
    regions = [
        {"province_code": "650000", "fee": "25.00"},
        {"province_code": "999999", "fee": "25.00"},
        {"province_code": "540000", "fee": "10000.00"},
        {"province_code": "650000", "fee": "1.00"},
    ]

    response = owner_api.put(
        "/api/v1/shipping-rules/", {**RULES, "region_fees": regions, "unpaid_timeout_minutes": 1}
    )

    assert response.status_code == 400
    assert set(response.json()) == {
        "code",
        "region_fees.1.province_code",
        "region_fees.2.fee",
        "region_fees.3.province_code",
        "unpaid_timeout_minutes",
    }
    assert owner_api.get("/api/v1/shipping-rules/").json()["unpaid_timeout_minutes"] == 45
    not_money = owner_api.put("/api/v1/shipping-rules/", {**RULES, "shipping_flat_fee": "1e3"})
    assert not_money.status_code == 400 and "shipping_flat_fee" in not_money.json()
