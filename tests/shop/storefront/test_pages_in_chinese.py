"""A Chinese browser gets the buyer's pages — and what the order services say on them — in Chinese."""

import pytest
from django.utils import translation

from shop.services import cart as carts
from tests.shop.storefront.conftest import text_of

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}


@pytest.fixture(autouse=True)
def _back_to_english():
    yield
    translation.deactivate()


def test_the_cart_and_checkout_speak_chinese(shop, me):
    carts.add_to_cart(buyer=shop.buyer, sku_id=shop.small.pk, quantity=2)
    cart = text_of(me.html("/cart/", **ZH))
    assert "购物车" in cart and "合计" in cart and "结算（1）" in cart and "不含运费" in cart
    checkout = text_of(me.html("/checkout/", **ZH))
    assert (
        "确认订单" in checkout and "商品金额" in checkout and "提交订单" in checkout and "上海市" in checkout
    )


def test_an_order_and_what_its_services_refuse_speak_chinese(shop, me):
    order = shop.place([(shop.small, 1)])
    page = text_of(me.html(f"/orders/{order.number}/", **ZH))
    assert "待付款" in page and "剩余支付时间" in page and "取消订单" in page and "立即付款" in page
    # Its history says the order was placed, not the stock movement's "taken by an order".
    assert "下单" in page and "下单扣减" not in page
    shop.pay(order)
    refused = me.post(f"/orders/{order.number}/cancel/", {}, **ZH)
    assert "该订单已付款，不能取消。" in text_of(me.html(refused["Location"], **ZH))
    assert "已付款，待发货" in text_of(me.html("/orders/", **ZH))


def test_the_sandbox_cashier_speaks_chinese(shop, me):
    order = shop.place([(shop.tea_sku, 1)])
    payment = shop.start(order)
    cashier = text_of(me.html(f"/pay/sandbox/{payment.out_trade_no}/", **ZH))
    assert "沙箱：测试支付，不会产生真实扣款。" in cashier and "收银台" in cashier
