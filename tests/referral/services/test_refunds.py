"""Refunds and commission: before release the refunded share is reversed at each level, exact to the fen;
after release it is clawed back, which may take the balance below zero — withdrawals wait until later
commission makes it good, and nothing is ever dropped."""

from decimal import Decimal

import pytest

from referral.models import CommissionEntry
from shop.models import Refund
from tenants.activity.models import ActivityEntry
from tenants.errors import Conflict, ErrorCode
from tests.referral.conftest import balance, commission_by_level, entries_of

D = Decimal


def test_a_partial_refund_before_release_reverses_the_refunded_share_at_each_level(program_a):
    level_1, level_2, level_3 = program_a.team(3)
    order = program_a.placed_and_paid([(program_a.shop.small, 2)], buyer=program_a.customer_of(level_1))
    line = order.lines.get()
    assert commission_by_level(order) == {1: D("5.98"), 2: D("2.99"), 3: D("1.20")}

    request = program_a.refund(line, "19.93")

    # 39.87 left of 59.80: 10 % → 3.987 → 3.99, 5 % → 1.9935 → 1.99, 2 % → 0.7974 → 0.80
    assert commission_by_level(order) == {1: D("3.99"), 2: D("1.99"), 3: D("0.80")}
    assert entries_of(level_1) == [("commission", "pending", D("5.98")), ("reversal", "pending", D("-1.99"))]
    assert entries_of(level_2)[-1] == ("reversal", "pending", D("-1.00"))
    assert entries_of(level_3)[-1] == ("reversal", "pending", D("-0.40"))
    refund_ids = set(CommissionEntry.objects.filter(kind="reversal").values_list("refund_id", flat=True))
    assert refund_ids == {Refund.objects.get(after_sale=request).pk}
    assert ActivityEntry.objects.get(action="referral.commission_reversed").changes == {
        "commission": [None, "-3.39"]
    }

    # the rest refunded too: every level's commission on the line is exactly nothing
    program_a.refund(line, "39.87")
    assert commission_by_level(order) == {1: D("0.00"), 2: D("0.00"), 3: D("0.00")}
    program_a.settle()  # a fully refunded order is never shipped nor completed: nothing comes due
    assert balance(level_1).withdrawable == D("0.00") and balance(level_1).pending == D("0.00")


def test_refunds_in_small_steps_never_drift_from_the_rate_of_what_is_left(program_a):
    level_1, _level_2, _level_3 = program_a.team(3)
    order = program_a.placed_and_paid([(program_a.shop.small, 2)], buyer=program_a.customer_of(level_1))
    line = order.lines.get()
    for amount in ("0.05", "0.05", "0.05", "10.01", "0.07"):
        program_a.refund(line, amount)
    left = D("59.80") - D("10.23")  # 49.57: 4.957 → 4.96, 2.4785 → 2.48, 0.9914 → 0.99
    assert line.paid_amount - line.refunded_amount == left
    assert commission_by_level(order) == {1: D("4.96"), 2: D("2.48"), 3: D("0.99")}


def test_a_refund_after_release_books_a_clawback(program_a):
    level_1, level_2, _level_3 = program_a.team(3)
    order = program_a.placed_and_paid([(program_a.shop.small, 2)], buyer=program_a.customer_of(level_1))
    program_a.complete(order)
    program_a.settle()
    assert balance(level_1).withdrawable == D("5.98")

    program_a.refund(order.lines.get(), "19.93")

    assert entries_of(level_1) == [("commission", "settled", D("5.98")), ("clawback", "settled", D("-1.99"))]
    assert balance(level_1).withdrawable == D("3.99") and balance(level_2).withdrawable == D("1.99")
    assert ActivityEntry.objects.filter(action="referral.commission_clawed_back").count() == 1


def test_a_clawback_after_a_payout_leaves_a_debt_that_blocks_withdrawals_until_later_commission_repays_it(
    program_a,
):
    level_1, _level_2, _level_3 = program_a.team(3)
    buyer = program_a.customer_of(level_1)
    order = program_a.placed_and_paid([(program_a.shop.small, 2)], buyer=buyer)
    program_a.complete(order)
    program_a.settle()
    program_a.paid_out(level_1, "5.98")
    assert balance(level_1).withdrawable == D("0.00")

    program_a.refund(order.lines.get(), "19.93")

    assert balance(level_1).withdrawable == D("-1.99") and balance(level_1).negative
    with pytest.raises(Conflict, match="-1.99") as refused:
        program_a.withdraw(level_1, "1.00")
    assert refused.value.code == ErrorCode.COMMISSION_BALANCE_NEGATIVE

    # later commission nets the debt: 8.80 on the tea, less the 1.99 owed
    later = program_a.placed_and_paid([(program_a.shop.tea_sku, 1)], buyer=buyer)
    program_a.complete(later)
    program_a.settle()
    assert balance(level_1).withdrawable == D("6.81")
    assert program_a.paid_out(level_1, "6.81").status == "paid"
    assert balance(level_1).withdrawable == D("0.00")
    assert sum(amount for _kind, _state, amount in entries_of(level_1)) == D("0.00")
