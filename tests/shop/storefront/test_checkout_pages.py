"""Checkout: the address (default, another, a new one inline), the lines of the cart or of "buy now", a
note, the totals from the one pricing service, and "place order" — idempotent on the key the page carries,
refusing a total that changed, with the new figures shown."""

import re
from decimal import Decimal

import pytest

from shop.models import SKU, CartLine, Order, RegionShippingFee, ShopSettings
from shop.services import cart as carts
from tests.shop.storefront.conftest import text_of

pytestmark = pytest.mark.django_db


def form_values(html: str) -> dict:
    form = re.search(r'<form method="post" action="/checkout/" id="place-order".*?</form>', html, re.S).group(
        0
    )
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def test_checkout_shows_the_default_address_the_ticked_lines_and_the_totals(shop, me):
    ShopSettings.objects.update_or_create(pk=1, defaults={"shipping_flat_fee": Decimal("8.00")})
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=2)
    untick = carts.add_to_cart(buyer=shop.buyer, sku_id=shop.tea_sku.pk, quantity=1)
    carts.select_cart_lines(cart=carts.cart_for(buyer=shop.buyer), selected=False, line_ids=[untick.pk])
    html = me.html("/checkout/")
    words = text_of(html)
    assert "张三" in words and "Shanghai 上海市 浦东新区 世纪大道 100 号" in words and "Default" in words
    assert "烟台苹果" in words and "× 2" in words and "龙井茶" not in words
    amounts = text_of(re.search(r'<dl class="amounts".*?</dl>', html, re.S).group(0))
    assert amounts == "Items ¥59.80 Shipping ¥8.00 To pay ¥ 67.80"
    values = form_values(html)
    assert values["expected_payable"] == "67.80" and values["address"] == str(shop.address.pk)
    assert re.fullmatch(r"[0-9a-f]{32}", values["idempotency_key"])
    assert "sku" not in values  # the cart's lines, not one SKU


def test_placing_the_order_goes_to_paying_it_and_takes_the_lines_out_of_the_cart(shop, me):
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=2)
    values = form_values(me.html("/checkout/"))
    response = me.post("/checkout/", {**values, "buyer_note": "下午送"})
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.number}/pay/"
    assert (order.payable, order.buyer_note, order.idempotency_key) == (
        Decimal("59.80"),
        "下午送",
        values["idempotency_key"],
    )
    assert order.shipping_address["detail"] == "世纪大道 100 号"
    assert not CartLine.objects.exists()
    # the same page sent again (a double tap) lands on the same order
    again = me.post("/checkout/", {**values, "buyer_note": "下午送"})
    assert again["Location"] == response["Location"] and Order.objects.count() == 1


def test_buy_now_checks_out_just_that_line_and_leaves_the_cart_alone(shop, me):
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=1)
    html = me.html("/checkout/", {"sku": shop.tea_sku.pk, "quantity": 2})
    assert "龙井茶" in html and "烟台苹果" not in html
    values = form_values(html)
    assert (values["sku"], values["quantity"]) == (str(shop.tea_sku.pk), "2")
    me.post("/checkout/", values)
    [line] = Order.objects.get().lines.all()
    assert (line.sku_id, line.quantity) == (shop.tea_sku.pk, 2)
    assert CartLine.objects.get().sku_id == shop.small.pk


def test_another_address_is_chosen_and_its_shipping_applies(shop, me):
    RegionShippingFee.objects.create(province_code="650000", fee=Decimal("20.00"))
    xinjiang = shop.address_of(shop.buyer, province="650000")
    html = me.html("/checkout/", {"sku": shop.tea_sku.pk, "address": xinjiang.pk})
    assert (
        form_values(html)["address"] == str(xinjiang.pk) and form_values(html)["expected_payable"] == "108.00"
    )
    # the picker lists both addresses, each link keeping the "buy now" line
    assert f"/checkout/?sku={shop.tea_sku.pk}&amp;address={shop.address.pk}" in html


def test_someone_elses_address_is_never_used(shop, me, buyer_2):
    theirs = shop.address_of(buyer_2)
    html = me.html("/checkout/", {"sku": shop.tea_sku.pk, "address": theirs.pk})
    assert form_values(html)["address"] == str(shop.address.pk)  # their own default instead
    values = {**form_values(html), "address": theirs.pk}
    refused = me.post("/checkout/", values)
    assert refused.status_code == 200 and "This address no longer exists" in refused.content.decode()
    assert not Order.objects.exists()


def test_a_buyer_without_an_address_adds_one_inline_and_comes_back_with_it(shop, me):
    shop.address.delete()
    html = me.html("/checkout/", {"sku": shop.tea_sku.pk})
    assert 'id="inline-address"' in html and re.search(
        r'<button[^>]*id="place-order-button"[^>]*disabled', html
    )
    back = f"/checkout/?sku={shop.tea_sku.pk}"
    assert f'name="next" value="{back}"' in html
    response = me.post(
        "/account/addresses/new/",
        {
            "next": back,
            "contact_name": "李四",
            "phone": "13900139000",
            "province_code": "440000",
            "city": "广州市",
            "district": "天河区",
            "detail": "体育西路 1 号",
            "is_default": "on",
        },
    )
    new = shop.buyer.addresses.get()
    assert response.status_code == 302 and response["Location"] == f"{back}&address={new.pk}"
    assert form_values(me.html(response["Location"]))["address"] == str(new.pk)


def test_a_price_that_changed_is_refused_and_shown_again_with_the_new_total(shop, me):
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=1)
    values = form_values(me.html("/checkout/"))
    SKU.objects.filter(pk=shop.small.pk).update(price="39.90")
    response = me.post("/checkout/", values)
    html = response.content.decode()
    assert response.status_code == 200 and not Order.objects.exists()
    assert "Prices changed since you opened this page: the total is now 39.90" in html
    again = form_values(html)
    assert again["expected_payable"] == "39.90" and again["idempotency_key"] == values["idempotency_key"]
    assert me.post("/checkout/", again).status_code == 302 and Order.objects.get().payable == Decimal("39.90")


def test_a_line_that_sold_out_meanwhile_is_refused_with_the_reason(shop, me):
    values = form_values(me.html("/checkout/", {"sku": shop.tea_sku.pk, "quantity": 2}))
    SKU.objects.filter(pk=shop.tea_sku.pk).update(stock=1)
    html = me.post("/checkout/", values).content.decode()
    assert "Only 1 left" in html and not Order.objects.exists()
    assert re.search(r'<button[^>]*id="place-order-button"[^>]*disabled', html)


def test_nothing_ticked_is_nothing_to_check_out(shop, me):
    assert 'id="nothing-to-check-out"' in me.html("/checkout/")


@pytest.mark.parametrize(
    "field, value",
    [
        ("quantity", "1e3"),
        ("quantity", "٢"),
        ("quantity", "99999999999999999999"),
        ("quantity", "0"),
        ("sku", "１"),
        ("sku", "-5"),
        ("address", "1E+999999"),
        ("address", "²"),
        ("expected_payable", "1e5"),
        ("expected_payable", "NaN"),
        ("expected_payable", "９.９"),
        ("expected_payable", "99999999999999999999999"),
        ("idempotency_key", "k" * 65),
        ("buyer_note", "注" * 201),
    ],
)
def test_hostile_checkout_input_is_refused_and_orders_nothing(shop, me, field, value):
    values = form_values(me.html("/checkout/", {"sku": shop.tea_sku.pk}))
    response = me.post("/checkout/", {**values, "buyer_note": "", field: value})
    html = response.content.decode()
    assert response.status_code == 200 and ('id="checkout-error"' in html or '<div class="error">' in html)
    assert not Order.objects.exists() and SKU.objects.get(pk=shop.tea_sku.pk).stock == 3


@pytest.mark.parametrize(
    "query", [{"sku": "1e3"}, {"sku": "٣"}, {"quantity": "²", "sku": "1"}, {"sku": "99999999999999999999"}]
)
def test_a_buy_now_link_that_does_not_read_shows_nothing_to_buy(shop, me, query):
    html = me.html("/checkout/", query)
    assert 'id="nothing-to-check-out"' in html and 'id="checkout-error"' in html


def test_checkout_is_for_signed_in_buyers(shop, guest):
    response = guest.get("/checkout/", {"sku": shop.tea_sku.pk, "quantity": 2})
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/account/sign-in/?next=%2Fcheckout%2F%3Fsku%3D{shop.tea_sku.pk}%26quantity%3D2"
    )
    assert (
        guest.post("/checkout/", {"sku": shop.tea_sku.pk}).status_code == 302 and not Order.objects.exists()
    )
