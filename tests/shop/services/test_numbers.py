"""Order, payment, refund and after-sales numbers are random: two draws alike (rare, but a busy store
makes millions) draw again, with more digits after a few tries, instead of failing the buyer's order."""

import pytest

from shop.models import AfterSale, Order, Payment, Refund
from shop.services import aftersales, numbers, refunds
from shop.services.aftersales import AfterSaleInput
from tests.conftest import owner_of


@pytest.fixture
def same_draw(monkeypatch):
    """Every random draw gives the same digits, so each new number clashes with the last one made."""
    monkeypatch.setattr(numbers.secrets, "randbelow", lambda limit: 42)


def test_a_second_order_drawing_a_taken_number_gets_a_longer_one(shop, same_draw):
    first = shop.place([(shop.small, 1)])
    second = shop.place([(shop.small, 1)])
    third = shop.place([(shop.small, 1)])

    assert len(first.number) == 8 + 10 and first.number.endswith("0000000042")
    assert len(second.number) == 8 + 12 and len(third.number) == 8 + 14
    assert Order.objects.count() == 3


def test_payments_refunds_and_after_sales_draw_again_too(shop, same_draw):
    first, second = shop.place([(shop.small, 1)]), shop.place([(shop.tea_sku, 1)])
    shop.pay(first)
    shop.pay(second)
    trade_numbers = sorted(Payment.objects.values_list("out_trade_no", flat=True), key=len)
    assert [len(n) for n in trade_numbers] == [1 + 8 + 12, 1 + 8 + 14]

    requests = [
        aftersales.request_after_sale(
            buyer=shop.buyer,
            data=AfterSaleInput(
                order_line_id=order.lines.get().pk, kind="refund_only", amount="1.00", reason="坏了"
            ),
        )
        for order in (first, second)
    ]
    assert sorted(len(r.number) for r in requests) == [2 + 8 + 8, 2 + 8 + 10]
    for request in requests:
        aftersales.approve_after_sale(actor=owner_of(shop.store), after_sale=request)
    assert sorted(len(n) for n in Refund.objects.values_list("out_refund_no", flat=True)) == [21, 23]
    assert AfterSale.objects.count() == 2


def test_numbers_never_grow_past_what_the_column_and_the_provider_take(shop, same_draw):
    for _ in range(4):
        shop.place([(shop.small, 1)])
    with pytest.raises(RuntimeError):
        # 10, 12, 14 and 16 digits are taken: an order number holds no more (24 characters).
        shop.place([(shop.small, 1)])
    assert max(len(n) for n in Order.objects.values_list("number", flat=True)) == 24


def test_a_refund_number_fits_the_providers_rule(shop):
    from shop.payments.base import TRADE_NO_RE

    order = shop.place([(shop.small, 1)])
    payment, _ack, _outcome = shop.pay(order)
    refund = refunds.create_refund(payment=payment, amount=payment.amount, reason="测试")
    assert TRADE_NO_RE.fullmatch(refund.out_refund_no) and TRADE_NO_RE.fullmatch(payment.out_trade_no)
