"""The buyer's cart and checkout over the API: prices and stock checked again on every read (a changed
price is shown, never silently charged; a line that cannot be bought says why and is left out), lines
changed, ticked and removed, a quote for lines and an address, and query counts that do not grow with the
cart or the order."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from shop.models import SKU, CartLine, Order
from tests.shop.api.conftest import place
from tests.shop.factories import make_product

CART = "/api/v1/buyer/cart/"
LINES = "/api/v1/buyer/cart/lines/"


def add(api, sku, quantity=1):
    response = api.post(LINES, {"sku": sku.pk, "quantity": quantity})
    assert response.status_code == 201, response.content
    return response.json()


def line_of(cart: dict, sku) -> dict:
    return next(line for line in cart["lines"] if line["sku"] == sku.pk)


def test_adding_the_same_sku_again_adds_to_its_line(shop, buyer_api):
    add(buyer_api, shop.small, 2)
    cart = add(buyer_api, shop.small, 3)
    assert [(line["sku"], line["quantity"]) for line in cart["lines"]] == [(shop.small.pk, 5)]
    assert cart["count"] == 5 and cart["quote"]["items_total"] == "149.50"


def test_a_changed_price_is_shown_until_the_buyer_confirms_it(shop, buyer_api):
    add(buyer_api, shop.small, 1)
    with schema_context(shop.store.schema_name):
        SKU.objects.filter(pk=shop.small.pk).update(price=Decimal("25.00"))

    cart = buyer_api.get(CART).json()
    line = line_of(cart, shop.small)
    assert (line["price_seen"], line["unit_price"], line["price_changed"]) == ("29.90", "25.00", True)
    assert cart["has_price_changes"] and cart["quote"]["payable"] == "25.00"

    confirmed = buyer_api.post("/api/v1/buyer/cart/confirm-prices/").json()
    assert not confirmed["has_price_changes"] and not line_of(confirmed, shop.small)["price_changed"]


def test_a_line_that_sold_out_says_so_and_leaves_the_totals(shop, buyer_api):
    add(buyer_api, shop.small, 2)
    add(buyer_api, shop.tea_sku, 1)
    with schema_context(shop.store.schema_name):
        SKU.objects.filter(pk=shop.tea_sku.pk).update(stock=0)

    cart = buyer_api.get(CART).json()
    assert line_of(cart, shop.tea_sku)["problem"] and not line_of(cart, shop.small)["problem"]
    assert cart["quote"]["items_total"] == "59.80" and not cart["can_check_out"]


def test_a_line_changes_quantity_or_option_and_is_removed(shop, buyer_api):
    line = add(buyer_api, shop.small, 1)["lines"][0]
    path = f"{LINES}{line['id']}/"

    assert line_of(buyer_api.patch(path, {"quantity": 4}).json(), shop.small)["quantity"] == 4
    switched = buyer_api.patch(path, {"sku": shop.large.pk}).json()
    assert [(row["sku"], row["quantity"]) for row in switched["lines"]] == [(shop.large.pk, 4)]
    too_many = buyer_api.patch(path, {"quantity": 6})
    assert too_many.status_code == 400 and "quantity" in too_many.json()
    other_product = buyer_api.patch(path, {"sku": shop.tea_sku.pk})
    assert other_product.status_code == 400 and "sku" in other_product.json()
    assert buyer_api.patch(path, {}).status_code == 400

    emptied = buyer_api.delete(path)
    assert emptied.status_code == 200 and emptied.json()["lines"] == []
    assert buyer_api.delete(path).status_code == 404


def test_ticked_lines_are_what_the_quote_counts(shop, buyer_api):
    add(buyer_api, shop.small, 1)
    tea = line_of(add(buyer_api, shop.tea_sku, 1), shop.tea_sku)

    cart = buyer_api.post("/api/v1/buyer/cart/select/", {"selected": False, "lines": [tea["id"]]}).json()
    assert cart["quote"]["items_total"] == "29.90" and not line_of(cart, shop.tea_sku)["selected"]
    cart = buyer_api.post("/api/v1/buyer/cart/select/", {"selected": False}).json()
    assert not cart["can_check_out"] and cart["quote"]["items_total"] == "0.00"


def test_bad_cart_input_names_its_field(shop, buyer_api):
    for body, field in [
        ({"sku": shop.small.pk, "quantity": 0}, "quantity"),
        ({"sku": shop.small.pk, "quantity": 1000}, "quantity"),
        ({"sku": "1e3"}, "sku"),
        ({"sku": shop.small.pk, "colour": "red"}, "colour"),
        ({"sku": shop.small.pk, "quantity": 11}, "quantity"),  # only 10 left
    ]:
        response = buyer_api.post(LINES, body)
        assert response.status_code == 400 and field in response.json(), (body, response.json())
    assert buyer_api.post(LINES, {"sku": 2**62}).status_code == 404


def test_a_quote_prices_lines_with_shipping_to_the_address(shop, buyer_api, owner_api):
    owner_api.put(
        "/api/v1/shipping-rules/",
        {
            "shipping_flat_fee": "6.00",
            "region_fees": [{"province_code": "310000", "fee": "12.00"}],
            "unpaid_timeout_minutes": 30,
            "auto_complete_days": 10,
            "after_sale_days": 15,
        },
    )
    lines = [{"sku": shop.small.pk, "quantity": 1}, {"sku": shop.tea_sku.pk, "quantity": 2}]

    without = buyer_api.post("/api/v1/buyer/checkout/quote/", {"lines": lines}).json()
    to_shanghai = buyer_api.post(
        "/api/v1/buyer/checkout/quote/", {"lines": lines, "address": shop.address.pk}
    )

    assert (without["items_total"], without["shipping_fee"], without["payable"]) == (
        "205.90",
        "6.00",
        "211.90",
    )
    body = to_shanghai.json()
    assert (body["shipping_fee"], body["payable"]) == ("12.00", "217.90")
    assert [(line["sku"], line["paid_amount"]) for line in body["lines"]] == [
        (shop.small.pk, "29.90"),
        (shop.tea_sku.pk, "176.00"),
    ]
    nowhere = buyer_api.post("/api/v1/buyer/checkout/quote/", {"lines": lines, "address": 2**62})
    assert nowhere.status_code == 404
    nothing = buyer_api.post("/api/v1/buyer/checkout/quote/", {})
    assert nothing.status_code == 400 and "lines" in nothing.json()


def _skus(store, n: int) -> list[SKU]:
    with schema_context(store.schema_name):
        product = make_product(
            title="多规格袜子",
            skus=[{"spec_values": [f"{i}号"], "price": "3.10", "stock": 50} for i in range(n)],
        )
        skus = list(product.skus.order_by("id"))
    connection.set_schema_to_public()
    return skus


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code < 300, response.content
    return len(captured)


def test_the_cart_costs_the_same_queries_for_one_line_or_twenty(shop, buyer_api):
    skus = _skus(shop.store, 20)
    add(buyer_api, skus[0])
    buyer_api.get(CART)  # warm the per-process caches (host → store lookup, ...)
    one = _queries(lambda: buyer_api.get(CART))
    for sku in skus[1:]:
        add(buyer_api, sku)
    with schema_context(shop.store.schema_name):
        assert CartLine.objects.filter(cart__buyer=shop.buyer).count() == 20
    connection.set_schema_to_public()

    assert _queries(lambda: buyer_api.get(CART)) == one


def test_placing_an_order_costs_the_same_queries_for_two_lines_or_twenty(shop, buyer_api):
    skus = _skus(shop.store, 21)
    place(buyer_api, shop, [(skus[20], 1)], key="warm-up")
    one = _queries(lambda: place(buyer_api, shop, [(skus[0], 1)], key="one"))
    two = _queries(lambda: place(buyer_api, shop, [(sku, 1) for sku in skus[1:3]], key="two"))
    twenty = _queries(lambda: place(buyer_api, shop, [(sku, 2) for sku in skus[:20]], key="twenty"))

    # Several SKUs are first locked in id order, in one statement (shop.services.inventory): one more
    # than for a single SKU, and no more for twenty.
    assert one + 1 == two == twenty
    with schema_context(shop.store.schema_name):
        assert Order.objects.get(idempotency_key="twenty").lines.count() == 20


@pytest.mark.parametrize("path", [CART, "/api/v1/buyer/orders/"])
def test_the_cart_and_orders_answer_a_signed_in_buyer_only(shop, path):
    from tests.shop.api.conftest import Api

    assert Api(shop.store).get(path).status_code == 401


def test_an_item_not_for_sale_is_refused_with_the_not_for_sale_code(shop, buyer_api):
    with schema_context(shop.store.schema_name):
        shop.tea.status = "off_sale"
        shop.tea.save()
    connection.set_schema_to_public()

    response = buyer_api.post(LINES, {"sku": shop.tea_sku.pk, "quantity": 1})
    assert response.status_code == 400 and response.json()["code"] == "not_for_sale", response.content

    ordered = place(buyer_api, shop, [(shop.tea_sku, 1)])
    assert ordered.status_code == 409 and ordered.json()["code"] == "not_for_sale", ordered.content
