"""The product page's "add to cart" / "buy now", and the cart page: lines re-priced on every view, the
quantity stepper, ticking, removing, a changed price shown until the buyer says "got it", each line's
problem, the totals of the ticked lines, and "check out" (a guest signs in first, the cart following)."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.models import SKU, Cart, CartLine, Product
from shop.services import cart as carts
from tests.shop.conftest import last_code
from tests.shop.factories import make_product
from tests.shop.storefront.conftest import HTMX, text_of

pytestmark = pytest.mark.django_db


def lines_of(buyer):
    return {
        (line.sku_id, line.quantity, line.selected) for line in CartLine.objects.filter(cart__buyer=buyer)
    }


# --- the product page -------------------------------------------------------------------------------


def test_the_product_page_offers_add_to_cart_and_buy_now_for_the_chosen_sku(shop, me):
    html = me.html(f"/products/{shop.apple.pk}/")
    assert "Checkout is coming soon." not in html
    add = re.search(r'<form[^>]*id="add-form".*?</form>', html, re.S).group(0)
    assert 'hx-post="/cart/add/"' in add and 'hx-target="#cart-badge"' in add and "csrfmiddlewaretoken" in add
    buy = re.search(r'<form[^>]*action="/checkout/"[^>]*id="buy-form".*?</form>', html, re.S).group(0)
    assert 'method="get"' in buy and "csrfmiddlewaretoken" not in buy  # no token in a URL
    # two options: the picker fills in the SKU; a single-SKU product has it already
    assert re.search(r'name="sku" value=""', add)
    tea = me.html(f"/products/{shop.tea.pk}/")
    assert f'name="sku" value="{shop.tea_sku.pk}"' in tea
    assert 'id="cart-badge"' in html and 'href="/cart/"' in html


def test_a_sold_out_product_cannot_be_added_or_bought(shop, me):
    gone = make_product(title="售罄荔枝", skus=[{"price": "39.00", "stock": 0}])
    html = me.html(f"/products/{gone.pk}/")
    assert re.search(r'<button[^>]*id="add-to-cart"[^>]*disabled', html)
    assert re.search(r'<button[^>]*id="buy-now"[^>]*disabled[^>]*>\s*Sold out', html)
    response = me.post("/cart/add/", {"sku": gone.skus.get().pk, "quantity": 1}, **HTMX)
    assert response.status_code == 200 and "Sold out" in response["HX-Trigger"]
    assert not CartLine.objects.exists()


def test_adding_with_htmx_gives_the_badge_and_a_toast(shop, me):
    response = me.post("/cart/add/", {"sku": shop.small.pk, "quantity": 2}, **HTMX)
    assert response.status_code == 200
    assert re.search(r'<span class="count-badge" id="cart-badge"[^>]*>2</span>', response.content.decode())
    assert '"cart-added": {"ok": true, "message": "Added to your cart."}' in response["HX-Trigger"]
    me.post("/cart/add/", {"sku": shop.small.pk, "quantity": 1}, **HTMX)
    assert lines_of(shop.buyer) == {(shop.small.pk, 3, True)}
    # every storefront page shows the count in the tab bar
    assert re.search(r'id="cart-badge"[^>]*>3</span>', me.html("/"))


def test_without_javascript_adding_goes_back_to_the_product_with_a_message(shop, me):
    response = me.post(
        "/cart/add/", {"sku": shop.small.pk, "quantity": 1, "next": f"/products/{shop.apple.pk}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/products/{shop.apple.pk}/"
    assert "Added to your cart." in me.html(response["Location"])


def test_a_guest_adds_to_a_cart_kept_with_their_browser_session(shop, guest):
    response = guest.post("/cart/add/", {"sku": shop.tea_sku.pk, "quantity": 2}, **HTMX)
    assert response.status_code == 200 and "sessionid" in response.cookies
    cart = Cart.objects.get()
    assert cart.buyer is None and cart.session_key == guest.client.session.session_key
    html = guest.html("/cart/")
    assert "龙井茶" in html and re.search(r'id="cart-badge"[^>]*>2</span>', html)


@pytest.mark.parametrize(
    "quantity",
    ["0", "-1", "1e3", "1E+999999", "１２", "١٢", "²", "99999999999999999999", "1000", "2.5", "", "NaN"],
)
def test_odd_quantities_are_refused_and_nothing_is_added(shop, me, quantity):
    response = me.post("/cart/add/", {"sku": shop.small.pk, "quantity": quantity}, **HTMX)
    assert response.status_code == 200 and '"ok": false' in response["HX-Trigger"]
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("sku", ["", "0", "abc", "99999999999999999999", "１", "1e3"])
def test_odd_or_unknown_skus_are_refused(shop, me, sku):
    response = me.post("/cart/add/", {"sku": sku, "quantity": 1}, **HTMX)
    assert '"ok": false' in response["HX-Trigger"] and not CartLine.objects.exists()


def test_another_stores_sku_is_unknown_here(shop, me, store_b_sku):
    connection.set_tenant(shop.store)
    response = me.post("/cart/add/", {"sku": store_b_sku.pk, "quantity": 1}, **HTMX)
    assert '"ok": false' in response["HX-Trigger"] and not CartLine.objects.exists()


# --- the cart page ------------------------------------------------------------------------------------


def test_the_cart_shows_lines_with_picture_spec_price_and_the_ticked_total(shop, me):
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=2)
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.tea_sku.pk, quantity=1)
    html = me.html("/cart/")
    words = text_of(html)
    assert "烟台苹果" in words and "5斤" in words and "¥ 29.90" in words and "龙井茶" in words
    assert re.search(r'id="cart-total"><small>¥</small>147.80<', html)  # 2 × 29.90 + 88.00
    assert 'href="/checkout/" id="check-out"' in html and "Check out (2)" in words
    assert 'aria-current="page"' in html and 'id="tab-cart" class="active"' in html


def test_the_stepper_changes_a_quantity_and_refuses_more_than_is_left(shop, me):
    line = carts.add_to_cart(buyer=shop.buyer, sku_id=shop.tea_sku.pk, quantity=1)
    fragment = me.post(f"/cart/lines/{line.pk}/", {"quantity": "3"}, **HTMX).content.decode()
    assert fragment.startswith('<div id="cart" class="cart">') and 'value="3"' in fragment
    assert re.search(r'id="cart-badge" hx-swap-oob="true"[^>]*>3</span>', fragment)
    assert "264.00" in fragment
    fragment = me.post(f"/cart/lines/{line.pk}/", {"quantity": "4"}, **HTMX).content.decode()
    assert "Only 3 left" in fragment and CartLine.objects.get().quantity == 3
    for odd in ("0", "1e2", "٣", "99999999999999999999"):
        me.post(f"/cart/lines/{line.pk}/", {"quantity": odd}, **HTMX)
        assert CartLine.objects.get().quantity == 3


def test_ticking_one_line_or_all_changes_the_total(shop, me):
    apple = carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=1)
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.tea_sku.pk, quantity=1)
    fragment = me.post("/cart/select/", {"lines": apple.pk, "selected": "0"}, **HTMX).content.decode()
    assert re.search(r'id="cart-total"><small>¥</small>88.00<', fragment)
    assert 'aria-checked="false"' in fragment
    fragment = me.post("/cart/select/", {"selected": "0"}, **HTMX).content.decode()
    assert not CartLine.objects.filter(selected=True).exists()
    assert re.search(r'<button[^>]*id="check-out" disabled', fragment)
    me.post("/cart/select/", {"selected": "1"})
    assert CartLine.objects.filter(selected=True).count() == 2
    for odd in (
        {"selected": "maybe"},
        {"lines": "١", "selected": "0"},
        {"lines": "99999999999999999999", "selected": "0"},
    ):
        me.post("/cart/select/", odd, **HTMX)
        assert CartLine.objects.filter(selected=True).count() == 2


def test_removing_a_line(shop, me):
    line = carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=1)
    response = me.post("/cart/remove/", {"lines": line.pk})
    assert response.status_code == 302 and response["Location"] == "/cart/"
    assert not CartLine.objects.exists()
    assert 'id="cart-empty"' in me.html("/cart/")


def test_a_changed_price_is_announced_until_the_buyer_says_got_it(shop, me):
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=1)
    SKU.objects.filter(pk=shop.small.pk).update(price="35.00")
    html = me.html("/cart/")
    assert 'id="price-notice"' in html and "The price of 1 item changed since you added it." in html
    assert "was ¥29.90" in text_of(html) and "35.00" in html
    fragment = me.post("/cart/prices/", **HTMX).content.decode()
    assert 'id="price-notice"' not in fragment
    assert CartLine.objects.get().price_seen == Decimal("35.00")


def test_each_line_says_what_keeps_it_from_being_bought(shop, me):
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.tea_sku.pk, quantity=3)
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=1)
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.large.pk, quantity=1)
    SKU.objects.filter(pk=shop.tea_sku.pk).update(stock=2)
    SKU.objects.filter(pk=shop.small.pk).update(stock=0)
    Product.objects.filter(pk=shop.apple.pk).update(status=Product.Status.OFF_SALE)
    words = text_of(me.html("/cart/"))
    assert "Only 2 left" in words and "No longer on sale" in words
    assert "Some ticked items cannot be bought as they are" in words


def test_a_guest_checking_out_signs_in_and_finds_their_cart_merged(
    shop, guest, django_capture_on_commit_callbacks
):
    guest.post("/cart/add/", {"sku": shop.tea_sku.pk, "quantity": 1})
    response = guest.get("/checkout/")
    assert response.status_code == 302 and response["Location"] == "/account/sign-in/?next=%2Fcheckout%2F"
    guest.post("/account/sign-in/code/", {"phone": "13800138001"})
    with django_capture_on_commit_callbacks(execute=True):  # the merge listens to the committed sign-in
        signed_in = guest.post(
            "/account/sign-in/", {"phone": "13800138001", "code": last_code(), "next": "/checkout/"}
        )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/checkout/"
    assert lines_of(shop.buyer) == {(shop.tea_sku.pk, 1, True)}
    assert "龙井茶" in guest.html("/checkout/")


def test_a_line_of_another_cart_is_not_in_yours(shop, me, other, buyer_2):
    theirs = carts.add_to_cart(buyer=buyer_2, sku_id=shop.small.pk, quantity=1)
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.tea_sku.pk, quantity=1)
    response = me.post(f"/cart/lines/{theirs.pk}/", {"quantity": 5})
    assert response.status_code == 404 and "This line is not in your cart." in response.content.decode()
    gone = me.post("/cart/lines/987654321/", {"quantity": 5})
    assert gone.status_code == 404 and gone.content.decode().count(
        "not in your cart"
    ) == response.content.decode().count("not in your cart")
    me.post("/cart/remove/", {"lines": theirs.pk})
    me.post("/cart/select/", {"lines": theirs.pk, "selected": "0"})
    assert CartLine.objects.get(pk=theirs.pk).quantity == 1 and CartLine.objects.get(pk=theirs.pk).selected
    assert "烟台苹果" not in me.html("/cart/") and "龙井茶" not in other.html("/cart/")


def test_the_cart_page_runs_the_same_queries_for_1_or_20_lines(shop, me):
    def count() -> int:
        me.get("/cart/")
        with CaptureQueriesContext(connection) as captured:
            assert me.get("/cart/").status_code == 200
        return len(captured)

    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=1)
    one = count()
    for n in range(19):
        product = make_product(title=f"商品{n}", images=1, skus=[{"price": "9.90", "stock": 5}])
        carts.add_to_cart(buyer=shop.buyer, sku_id=product.skus.get().pk, quantity=1)
    # the search path, session, buyer, cart, its lines with their SKUs, products and pictures, the shop's
    # settings (pricing), the buyer's unread notifications (the tab bar)
    assert count() == one == 7
