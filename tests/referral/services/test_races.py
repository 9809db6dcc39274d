"""Races between connections on committed data: settlement run twice at the same moment releases each
entry once; two withdrawals asked for at the same moment never overdraw."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from referral.models import CommissionEntry, Withdrawal
from referral.selectors import balances
from referral.services import ledger, program, withdrawals
from shop.models import OrderLine
from shop.services import orders
from tenants.activity.models import ActivityEntry
from tenants.errors import InvalidInput
from tests.conftest import owner_of, run_in_threads
from tests.referral.conftest import LATER, wipe_program

D = Decimal


@pytest.fixture
def earning(committed_shop):
    """Store A, committed: a distributor whose customer bought and completed two orders (8.80 + 5.98 at
    level 1, three levels on the trial plan's two), with the program's rows wiped afterwards."""
    shop = committed_shop
    store = shop.store
    try:
        with schema_context(store.schema_name):
            owner = owner_of(store)
            upline = program.approve_distributor(
                actor=owner,
                store=store,
                distributor=program.apply_as_distributor(user=shop.new_buyer("+8613900000001", "上级")),
            )
            distributor = program.approve_distributor(
                actor=owner,
                store=store,
                distributor=program.apply_as_distributor(
                    user=shop.new_buyer("+8613900000002", "分销员"), referrer_code=upline.code
                ),
            )
            customer = shop.new_buyer("+8613900000003", "顾客")
            program.bind_buyer(buyer=customer, distributor=distributor)
            for lines in ([(shop.tea_sku, 1)], [(shop.small, 2)]):
                order = shop.place(lines, buyer=customer)
                shop.pay(order)
                orders.ship_order(
                    order=order, actor=owner, carrier="sf", tracking_number=f"SF{1400000000000 + order.pk}"
                )
                orders.confirm_receipt(order=order, buyer=customer)
            assert CommissionEntry.objects.filter(state="pending").count() == 4
        yield store, distributor
    finally:
        wipe_program(store)
        connection.set_schema_to_public()


def test_settlement_twice_at_once_releases_each_entry_once(earning):
    store, distributor = earning
    now = timezone.now() + LATER
    results = run_in_threads(store.schema_name, [lambda: ledger.settle_due_commissions(now=now)] * 2)

    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(r.count for r in results) == [0, 4]
    with schema_context(store.schema_name):
        assert balances(distributor).withdrawable == D("14.78")
        assert not CommissionEntry.objects.filter(state="pending").exists()
        assert ActivityEntry.objects.filter(action="referral.commission_settled").count() == 1
        assert ledger.settle_due_commissions(now=now).count == 0


def test_two_withdrawals_at_once_never_overdraw(earning):
    store, distributor = earning
    with schema_context(store.schema_name):
        ledger.settle_due_commissions(now=timezone.now() + LATER)

    results = run_in_threads(
        store.schema_name,
        [lambda: withdrawals.request_withdrawal(distributor=distributor.pk, amount="10.00")] * 2,
    )

    made = [r for r in results if isinstance(r, Withdrawal)]
    refused = [r for r in results if isinstance(r, InvalidInput)]
    assert (len(made), len(refused)) == (1, 1), results
    with schema_context(store.schema_name):
        assert balances(distributor).withdrawable == D("4.78") and balances(distributor).held == D("10.00")


def test_a_refund_booked_while_settlement_runs_is_reversed_or_clawed_back_never_lost(earning):
    store, distributor = earning
    now = timezone.now() + LATER
    with schema_context(store.schema_name):
        line = OrderLine.objects.get(order__buyer__name="顾客", quantity=2)  # 59.80 paid for two apples
        # the shop completed a refund of 19.93 on it (its event is what the second job handles)
        OrderLine.objects.filter(pk=line.pk).update(refunded_amount=D("19.93"))

    results = run_in_threads(
        store.schema_name,
        [
            lambda: ledger.settle_due_commissions(now=now),
            lambda: ledger.book_refund(order_id=line.order_id, order_line_id=line.pk),
        ],
    )

    assert not any(isinstance(r, Exception) for r in results), results
    with schema_context(store.schema_name):
        ledger.settle_due_commissions(now=now)
        assert not CommissionEntry.objects.filter(state="pending").exists()
        # 10 % of the 39.87 left, and 10 % of the tea's 88.00: whichever ran first
        assert balances(distributor).withdrawable == D("3.99") + D("8.80")
