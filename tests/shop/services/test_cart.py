"""The cart: prices and stock checked again on every view, a changed price shown (never charged
silently), a guest's cart merged on sign-in, every line reached only through its own cart."""

from decimal import Decimal

import pytest

from shop.models import SKU, Cart, CartLine
from shop.selectors.cart import cart_view
from shop.services import cart as carts
from tenants.errors import ErrorCode, InvalidInput, NotFound


def test_adding_twice_adds_up_and_the_view_prices_the_ticked_lines(shop):
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=2)
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=1)
    line = carts.add_to_cart(buyer=shop.buyer, sku_id=shop.tea_sku.pk, quantity=1)
    cart = carts.cart_for(buyer=shop.buyer)
    carts.select_cart_lines(cart=cart, selected=False, line_ids=[line.pk])

    view = cart_view(cart)
    assert view.count == 4 and [v.line.quantity for v in view.lines] == [1, 3]
    assert view.quote.items_total == Decimal("89.70")  # 3 × 29.90, the tea is not ticked
    assert view.can_check_out


def test_a_changed_price_is_shown_until_confirmed(shop):
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=1)
    SKU.objects.filter(pk=shop.small.pk).update(price="35.00")
    cart = carts.cart_for(buyer=shop.buyer)
    view = cart_view(cart)
    assert view.price_changes and view.lines[0].price_seen == Decimal("29.90")
    assert view.quote.items_total == Decimal("35.00")
    carts.confirm_cart_prices(cart=cart)
    assert not cart_view(cart).price_changes


def test_sold_out_lines_say_so_and_block_checkout(shop):
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.tea_sku.pk, quantity=2)
    SKU.objects.filter(pk=shop.tea_sku.pk).update(stock=1)
    view = cart_view(carts.cart_for(buyer=shop.buyer))
    assert view.lines[0].priced.problem == "Only 1 left" and not view.can_check_out
    assert view.quote.items_total == 0


@pytest.mark.parametrize("quantity", [0, -1, "1e3", "²", 1000, "x"])
def test_odd_quantities_are_refused(shop, quantity):
    with pytest.raises(InvalidInput):
        carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=quantity)
    assert not CartLine.objects.exists()


def test_more_than_is_left_is_refused(shop):
    with pytest.raises(InvalidInput, match="Only 3 left"):
        carts.add_to_cart(buyer=shop.buyer, sku_id=shop.tea_sku.pk, quantity=4)


def test_switching_the_sku_keeps_the_line_and_merges_with_an_existing_one(shop):
    small = carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=1)
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.large.pk, quantity=2)
    cart = carts.cart_for(buyer=shop.buyer)
    line = carts.update_cart_line(cart=cart, line_id=small.pk, sku_id=shop.large.pk)
    assert (line.sku_id, line.quantity) == (shop.large.pk, 3) and CartLine.objects.count() == 1
    with pytest.raises(InvalidInput, match="same product"):
        carts.update_cart_line(cart=cart, line_id=line.pk, sku_id=shop.tea_sku.pk)


def test_a_buyer_reaches_only_lines_of_their_own_cart(shop):
    other = shop.new_buyer("+8613800138002", "买家二")
    theirs = carts.add_to_cart(buyer=other, sku_id=shop.small.pk, quantity=1)
    mine = carts.cart_for(buyer=shop.buyer, create=True)
    with pytest.raises(NotFound):
        carts.update_cart_line(cart=mine, line_id=theirs.pk, quantity=5)
    assert carts.remove_cart_lines(cart=mine, line_ids=[theirs.pk]) == 0
    assert CartLine.objects.get(pk=theirs.pk).quantity == 1


def test_a_guest_cart_is_merged_into_the_buyers_on_sign_in(shop):
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=2)
    carts.add_to_cart(session_key="guest-session", sku_id=shop.small.pk, quantity=3)
    carts.add_to_cart(session_key="guest-session", sku_id=shop.tea_sku.pk, quantity=1)

    assert carts.merge_guest_cart(session_key="guest-session", buyer=shop.buyer) == 2

    lines = {line.sku_id: line.quantity for line in CartLine.objects.filter(cart__buyer=shop.buyer)}
    assert lines == {shop.small.pk: 5, shop.tea_sku.pk: 1}
    assert not Cart.objects.filter(session_key="guest-session").exists()


def test_ordering_from_the_cart_takes_the_ordered_lines_out(shop):
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=1)
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.tea_sku.pk, quantity=1)
    shop.place([(shop.small, 1)], from_cart=True)
    assert list(CartLine.objects.values_list("sku_id", flat=True)) == [shop.tea_sku.pk]


def test_an_item_not_for_sale_is_refused_with_its_code(shop):
    shop.tea.status = "off_sale"
    shop.tea.save()
    with pytest.raises(InvalidInput) as refused:
        carts.add_to_cart(buyer=shop.buyer, sku_id=shop.tea_sku.pk, quantity=1)
    assert refused.value.code == ErrorCode.NOT_FOR_SALE and list(refused.value.errors) == ["quantity"]
    SKU.objects.filter(pk=shop.small.pk).update(stock=0)
    with pytest.raises(InvalidInput) as sold_out:
        carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=1)
    assert sold_out.value.code == ErrorCode.OUT_OF_STOCK


def test_merging_two_lines_past_the_most_of_one_item_is_refused_not_cut_down(shop):
    SKU.objects.filter(pk__in=[shop.small.pk, shop.large.pk]).update(stock=5000)
    small = carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=600)
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.large.pk, quantity=600)
    cart = carts.cart_for(buyer=shop.buyer)

    with pytest.raises(InvalidInput) as refused:
        carts.update_cart_line(cart=cart, line_id=small.pk, sku_id=shop.large.pk)

    assert refused.value.errors == {"quantity": ["At most 999 of one item."]}
    assert sorted(CartLine.objects.filter(cart=cart).values_list("quantity", flat=True)) == [600, 600]
