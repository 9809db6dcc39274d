"""Every order endpoint keeps to its own: buyer 2 of store A cannot read or change buyer 1's cart, orders,
after-sales or notifications (404, or a list without them, and nothing changed); a buyer of store B is
unknown in store A (401); a buyer's token opens no staff endpoint and a staff token no buyer endpoint."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from drf_spectacular.generators import SchemaGenerator

from shop.models import BuyerNotification, Order
from shop.services import refunds
from tests.conftest import make_buyer, owner_of
from tests.shop.api.conftest import PARCEL, Api, pay_by_sandbox, place
from tests.snapshots import Snapshot

# (method, path, body) of every buyer endpoint of the order side; {line}, {order}, {after_sale} and
# {address} are buyer 1's, {note} a notification of theirs.
BUYER_ENDPOINTS = [
    ("get", "/api/v1/buyer/cart/", None),
    ("post", "/api/v1/buyer/cart/lines/", {"sku": "{sku}", "quantity": 1}),
    ("patch", "/api/v1/buyer/cart/lines/{line}/", {"quantity": 2}),
    ("delete", "/api/v1/buyer/cart/lines/{line}/", None),
    ("post", "/api/v1/buyer/cart/select/", {"selected": False, "lines": ["{line}"]}),
    ("post", "/api/v1/buyer/cart/confirm-prices/", None),
    (
        "post",
        "/api/v1/buyer/checkout/quote/",
        {"lines": [{"sku": "{sku}", "quantity": 1}], "address": "{address}"},
    ),
    ("get", "/api/v1/buyer/orders/", None),
    (
        "post",
        "/api/v1/buyer/orders/",
        {"from_cart": True, "address": "{address}", "idempotency_key": "theirs"},
    ),
    ("get", "/api/v1/buyer/orders/{order}/", None),
    ("post", "/api/v1/buyer/orders/{order}/cancel/", None),
    ("post", "/api/v1/buyer/orders/{order}/confirm-receipt/", None),
    ("post", "/api/v1/buyer/orders/{unpaid}/pay/", {"provider": "sandbox"}),
    ("get", "/api/v1/buyer/after-sales/", None),
    (
        "post",
        "/api/v1/buyer/after-sales/",
        {"order_line": "{order_line}", "kind": "refund_only", "amount": "1.00", "reason": "别人的"},
    ),
    ("get", "/api/v1/buyer/after-sales/{after_sale}/", None),
    ("post", "/api/v1/buyer/after-sales/{after_sale}/withdraw/", None),
    (
        "post",
        "/api/v1/buyer/after-sales/{after_sale}/ship-back/",
        {"carrier": "中通", "tracking_number": "78123456789099"},
    ),
    ("get", "/api/v1/buyer/notifications/", None),
    ("post", "/api/v1/buyer/notifications/read/", {"ids": ["{note}"]}),
]
# (method, path, body) of every staff endpoint of the order side, and of the store's settings.
STAFF_ENDPOINTS = [
    ("get", "/api/v1/orders/", None),
    ("get", "/api/v1/orders/{order_id}/", None),
    ("post", "/api/v1/orders/{order_id}/ship/", PARCEL),
    ("post", "/api/v1/orders/{unpaid_id}/cancel/", {"reason": "缺货"}),
    ("get", "/api/v1/orders/export/", None),
    ("post", "/api/v1/orders/ship-file/", {}),
    ("get", "/api/v1/after-sales/", None),
    ("get", "/api/v1/after-sales/{after_sale_id}/", None),
    ("post", "/api/v1/after-sales/{after_sale_id}/approve/", None),
    ("post", "/api/v1/after-sales/{after_sale_id}/reject/", {"reason": "不行"}),
    ("post", "/api/v1/after-sales/{after_sale_id}/receive/", {"restock": True}),
    ("post", "/api/v1/orders/{order_id}/refunds/{refund_id}/retry/", None),
    ("get", "/api/v1/shipping-rules/", None),
    ("put", "/api/v1/shipping-rules/", {"shipping_flat_fee": "1.00"}),
    # The store's own settings (one object each, on the store API view base).
    ("get", "/api/v1/store/", None),
    ("patch", "/api/v1/store/", {"name": "别人的店"}),
    ("get", "/api/v1/payment-settings/", None),
    ("patch", "/api/v1/payment-settings/", {"stripe_enabled": True}),
    ("post", "/api/v1/payment-settings/test/", {"provider": "sandbox"}),
    ("get", "/api/v1/wechat-settings/", None),
    ("patch", "/api/v1/wechat-settings/", {"mini_app_id": "wx0123456789abcdef"}),
]


@pytest.fixture
def theirs(shop, owner_api):
    """Buyer 1's rows: a cart line, a paid order with an after-sales request, an unpaid order, a note."""
    api = Api(shop.store, shop.buyer)
    order = place(api, shop, [(shop.small, 1)], key="paid").json()
    pay_by_sandbox(api, shop, order["number"])
    unpaid = place(api, shop, [(shop.tea_sku, 1)], key="unpaid").json()
    line = api.post("/api/v1/buyer/cart/lines/", {"sku": shop.large.pk}).json()["lines"][0]
    after_sale = api.post(
        "/api/v1/buyer/after-sales/",
        {"order_line": order["lines"][0]["id"], "kind": "refund_only", "amount": "1.00", "reason": "坏了"},
    ).json()
    with schema_context(shop.store.schema_name):
        note = BuyerNotification.objects.create(buyer=shop.buyer, kind="order_paid", title="已付款")
        paid = Order.objects.get(pk=order["id"])
        refused = refunds.create_refund(payment=paid.paid_by, amount=Decimal("1.00"), reason="多付")
        refunds.fail_refund(refund=refused, message="NOT_ENOUGH")
    connection.set_schema_to_public()
    return {
        "sku": shop.large.pk,
        "line": line["id"],
        "order": order["number"],
        "order_id": order["id"],
        "order_line": order["lines"][0]["id"],
        "unpaid": unpaid["number"],
        "unpaid_id": unpaid["id"],
        "after_sale": after_sale["number"],
        "after_sale_id": after_sale["id"],
        "address": shop.address.pk,
        "note": note.pk,
        "refund_id": refused.pk,
    }


def fill(value, ids: dict):
    """`value` with its "{name}" placeholders replaced by `ids` (whole values keep their type)."""
    if isinstance(value, str):
        whole = re.fullmatch(r"{(\w+)}", value)
        if whole:
            return ids[whole.group(1)]
        return re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), value)
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    return value


def send(api: Api, method: str, path: str, body, ids: dict):
    path, body = fill(path, ids), fill(body, ids)
    return api.delete(path) if method == "delete" else getattr(api, method)(path, body)


def test_the_lists_above_are_every_order_endpoint():
    """A new endpoint of the order side must join the lists (and so these tests)."""
    schema = SchemaGenerator(urlconf="config.urls_tenant").get_schema(request=None, public=True)
    documented = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if re.match(
            r"/api/v1/(buyer/(cart|checkout|orders|after-sales|notifications)|orders|after-sales|shipping"
            r"|store/|payment-settings|wechat-settings)",
            path,
        )
    }
    listed = {
        (method, re.sub(r"{\w+}", "{x}", path)) for method, path, _body in BUYER_ENDPOINTS + STAFF_ENDPOINTS
    }
    assert {(method, re.sub(r"{\w+}", "{x}", path)) for method, path in documented} == listed


# What buyer 2 may do with their own cart and notifications (adding to their own cart included): none of
# it touches buyer 1's rows.
ON_THEIR_OWN = {
    "/api/v1/buyer/cart/lines/",
    "/api/v1/buyer/cart/select/",
    "/api/v1/buyer/cart/confirm-prices/",
    "/api/v1/buyer/notifications/read/",
}


def rows_of(shop) -> dict:
    """Everything of buyer 1's that the endpoints could change."""
    from django.forms.models import model_to_dict

    from shop.models import AfterSale, CartLine, Order

    with schema_context(shop.store.schema_name):
        rows = {
            model.__name__: [model_to_dict(row) for row in model.objects.filter(**{lookup: shop.buyer})]
            for model, lookup in (
                (CartLine, "cart__buyer"),
                (Order, "buyer"),
                (AfterSale, "buyer"),
                (BuyerNotification, "buyer"),
            )
        }
    connection.set_schema_to_public()
    return rows


def test_another_buyer_of_the_store_reaches_none_of_it(shop, theirs):
    other = make_buyer(shop.store, "+8613800138002", name="买家二")
    with schema_context(shop.store.schema_name):
        shop.address_of(other)
    connection.set_schema_to_public()
    api = Api(shop.store, other)
    snapshot = Snapshot(shop.store.schema_name)
    buyer_1 = rows_of(shop)

    for method, path, body in BUYER_ENDPOINTS:
        before = snapshot.take()
        response = send(api, method, path, body, theirs)
        what = f"{method} {path} -> {response.status_code}: {response.content[:200]!r}"
        if method == "get" and "{" not in path:
            listed = response.json()
            assert response.status_code == 200 and listed.get("results", listed.get("lines")) == [], what
        elif method == "post" and path in ON_THEIR_OWN:
            assert response.status_code in (200, 201), what
        else:
            assert response.status_code == 404, what
            assert snapshot.take() == before, what
    assert rows_of(shop) == buyer_1


def test_a_buyer_of_another_store_is_unknown_here(shop, theirs, store_b):
    stranger = make_buyer(store_b, "+8613800138001", name="B 店买家")
    api = Api(shop.store)
    api.client.defaults["HTTP_AUTHORIZATION"] = Api(store_b, stranger).client.defaults["HTTP_AUTHORIZATION"]
    snapshot = Snapshot(shop.store.schema_name)
    before = snapshot.take()

    for method, path, body in BUYER_ENDPOINTS:
        response = send(api, method, path, body, theirs)
        assert response.status_code == 401, f"{method} {path} -> {response.status_code}"
    assert snapshot.take() == before


def test_a_buyer_token_opens_no_staff_endpoint_and_a_staff_token_no_buyer_endpoint(shop, theirs, owner_api):
    buyer = Api(shop.store, shop.buyer)
    snapshot = Snapshot(shop.store.schema_name)
    before = snapshot.take()

    for method, path, body in STAFF_ENDPOINTS:
        response = send(buyer, method, path, body, theirs)
        assert response.status_code == 403, f"buyer: {method} {path} -> {response.status_code}"
    for method, path, body in BUYER_ENDPOINTS:
        response = send(owner_api, method, path, body, theirs)
        assert response.status_code == 403, f"staff: {method} {path} -> {response.status_code}"
    assert snapshot.take() == before


def test_another_stores_staff_is_unknown_here(shop, theirs, store_b):
    api = Api(shop.store)
    api.client.defaults["HTTP_AUTHORIZATION"] = Api(store_b, owner_of(store_b)).client.defaults[
        "HTTP_AUTHORIZATION"
    ]
    for method, path, body in STAFF_ENDPOINTS:
        response = send(api, method, path, body, theirs)
        assert response.status_code == 401, f"{method} {path} -> {response.status_code}"
