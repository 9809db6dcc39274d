"""Commission on real orders of store A, with the exact numbers a distributor sees: the chain snapshotted
at placement, one entry per line and level at payment (rounded once per entry, half-up), never on
shipping; released after completion + freeze days; the plan's level cap; self-purchase; frozen
distributors; store B sees nothing of it."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django_tenants.utils import schema_context

from referral.models import ChainLevel, CommissionChain, CommissionEntry, Distributor
from referral.services import chain, ledger, program
from shop.models import ShopSettings
from tenants.activity.models import ActivityEntry
from tests.referral.conftest import balance, commission_by_level, entries_of, put_on_plan

D = Decimal


def test_three_levels_earn_their_rate_of_each_line_never_of_shipping(program_a):
    ShopSettings.objects.update_or_create(pk=1, defaults={"shipping_flat_fee": D("12.00")})
    level_1, level_2, level_3 = program_a.team(3)
    shop = program_a.shop
    buyer = program_a.customer_of(level_1)

    order = program_a.placed_and_paid([(shop.small, 2), (shop.tea_sku, 1)], buyer=buyer)

    assert order.shipping_fee == D("12.00") and order.paid_amount == D("159.80")
    snapshot = list(ChainLevel.objects.filter(chain__order=order).values_list("level", "distributor", "rate"))
    assert snapshot == [(1, level_1.pk, D("10.00")), (2, level_2.pk, D("5.00")), (3, level_3.pk, D("2.00"))]
    # 59.80 and 88.00 paid for the lines: 10 % → 5.98 + 8.80; 5 % → 2.99 + 4.40; 2 % → 1.196 → 1.20 + 1.76
    assert commission_by_level(order) == {1: D("14.78"), 2: D("7.39"), 3: D("2.96")}
    assert [entry[2] for entry in entries_of(level_3)] == [D("1.20"), D("1.76")]
    assert balance(level_1).pending == D("14.78") and balance(level_1).withdrawable == D("0.00")
    booked = ActivityEntry.objects.get(action="referral.commission_booked")
    assert booked.changes == {"commission": [None, "25.13"]} and booked.target_id == str(order.pk)


def test_each_entry_is_rounded_once_half_up_on_its_own_line(program_a):
    put_on_plan(program_a.store, "trial")  # store A's own plan: two levels
    level_1, level_2 = program_a.team(2)
    shop = program_a.shop
    order = program_a.placed_and_paid(
        [(shop.small, 1), (shop.large, 1)], buyer=program_a.customer_of(level_1)
    )

    # 5 % of 29.90 is 1.495 → 1.50 and of 49.90 is 2.495 → 2.50: 4.00, not 5 % of the 79.80 total (3.99)
    assert [entry[2] for entry in entries_of(level_2)] == [D("1.50"), D("2.50")]
    assert commission_by_level(order) == {1: D("7.98"), 2: D("4.00")}


def test_one_level_pays_only_the_bound_distributor(program_a):
    program_a.settings(levels=1)
    level_1, level_2, _level_3 = program_a.team(3)
    order = program_a.placed_and_paid([(program_a.shop.tea_sku, 2)], buyer=program_a.customer_of(level_1))

    assert commission_by_level(order) == {1: D("17.60")}
    assert entries_of(level_2) == []


def test_the_plan_caps_the_levels_the_store_enabled(program_a):
    put_on_plan(program_a.store, "trial")  # distribution_levels 2, though the program asks for 3
    assert program_a.settings().levels == 3
    level_1, level_2, level_3 = program_a.team(3)
    order = program_a.placed_and_paid([(program_a.shop.tea_sku, 1)], buyer=program_a.customer_of(level_1))

    assert commission_by_level(order) == {1: D("8.80"), 2: D("4.40")}
    assert entries_of(level_3) == []


def test_a_buyer_who_came_through_nobody_earns_nobody_anything(program_a):
    program_a.team(3)
    order = program_a.placed_and_paid([(program_a.shop.tea_sku, 1)])
    assert not CommissionChain.objects.filter(order=order).exists()
    assert not CommissionEntry.objects.exists()


def test_self_purchase_off_a_distributor_buying_for_themselves_pays_their_binding_only(program_a):
    level_1, level_2, _level_3 = program_a.team(3)
    order = program_a.placed_and_paid([(program_a.shop.tea_sku, 1)], buyer=level_1.user)
    # level_1 joined under level_2, so as a buyer they came through nobody: no commission at all
    assert commission_by_level(order) == {}

    outsider = program_a.distributor("外部分销员")
    program.bind_buyer(buyer=outsider.user, distributor=level_1)
    order = program_a.placed_and_paid([(program_a.shop.tea_sku, 1)], buyer=outsider.user)
    assert commission_by_level(order) == {1: D("8.80"), 2: D("4.40"), 3: D("1.76")}
    assert entries_of(outsider) == []


def test_self_purchase_on_the_buyer_earns_level_one_and_their_uplines_the_rest(program_a):
    program_a.settings(self_purchase=True)
    level_1, level_2, level_3 = program_a.team(3)
    order = program_a.placed_and_paid([(program_a.shop.tea_sku, 1)], buyer=level_1.user)

    levels = ChainLevel.objects.filter(chain__order=order)
    assert list(levels.values_list("level", "distributor")) == [
        (1, level_1.pk),
        (2, level_2.pk),
        (3, level_3.pk),
    ]
    assert commission_by_level(order) == {1: D("8.80"), 2: D("4.40"), 3: D("1.76")}


def test_the_rates_are_those_of_the_moment_the_order_was_placed(program_a):
    level_1, _level_2, _level_3 = program_a.team(3)
    order = program_a.place([(program_a.shop.tea_sku, 1)], buyer=program_a.customer_of(level_1))
    level_1.grade.__class__.objects.filter(pk=level_1.grade_id).update(rate_1=D("50.00"))
    program_a.pay(order)
    assert commission_by_level(order)[1] == D("8.80")


def test_a_distributor_frozen_before_payment_earns_nothing_and_their_uplines_still_do(program_a):
    level_1, _level_2, _level_3 = program_a.team(3)
    first, second = program_a.customer_of(level_1), program_a.customer_of(level_1, "顾客二")
    order = program_a.place([(program_a.shop.tea_sku, 1)], buyer=first)
    program.change_distributor_status(
        actor=program_a.owner, distributor=level_1, status=Distributor.Status.FROZEN
    )
    program_a.pay(order)

    assert commission_by_level(order) == {2: D("4.40"), 3: D("1.76")}
    # and on an order placed while frozen, level 2 stays level 2: 5 % and 2 % of 29.90
    order = program_a.placed_and_paid([(program_a.shop.small, 1)], buyer=second)
    assert commission_by_level(order) == {2: D("1.50"), 3: D("0.60")}


def test_the_program_switched_off_snapshots_nothing(program_a):
    program_a.settings(enabled=False)
    level_1, _level_2, _level_3 = program_a.team(3)
    order = program_a.placed_and_paid([(program_a.shop.tea_sku, 1)], buyer=program_a.customer_of(level_1))
    assert not CommissionChain.objects.filter(order=order).exists()


def test_commission_is_released_after_completion_and_the_freeze_days(program_a):
    level_1, level_2, _level_3 = program_a.team(3)
    order = program_a.placed_and_paid([(program_a.shop.tea_sku, 1)], buyer=program_a.customer_of(level_1))

    assert program_a.settle().count == 0  # paid, not completed: nothing is due however late
    program_a.complete(order)
    chain_row = CommissionChain.objects.get(order=order)
    assert chain_row.due_at == order.completed_at + timedelta(days=7)
    assert program_a.settle(later=timedelta(days=6)).count == 0

    result = program_a.settle()
    assert (result.count, result.total) == (3, D("14.96"))
    assert balance(level_1).withdrawable == D("8.80") and balance(level_1).pending == D("0.00")
    assert balance(level_2).withdrawable == D("4.40")
    assert ActivityEntry.objects.get(action="referral.commission_settled").changes == {
        "settled": [None, "14.96"]
    }
    assert program_a.settle().count == 0  # run again: nothing left, nothing twice


def test_an_open_after_sales_request_holds_back_that_line_only(program_a):
    level_1, _level_2, _level_3 = program_a.team(3)
    shop = program_a.shop
    order = program_a.placed_and_paid(
        [(shop.small, 1), (shop.tea_sku, 1)], buyer=program_a.customer_of(level_1)
    )
    program_a.complete(order)
    small_line = order.lines.get(sku=shop.small)
    request = program_a.ask_refund(small_line, "5.00")

    program_a.settle()
    assert balance(level_1).withdrawable == D("8.80") and balance(level_1).pending == D("2.99")

    from shop.services import aftersales

    aftersales.reject_after_sale(actor=program_a.owner, after_sale=request, reason="已发货")
    program_a.settle()
    assert balance(level_1).withdrawable == D("11.79") and balance(level_1).pending == D("0.00")


def test_events_delivered_twice_change_nothing(program_a):
    level_1, _level_2, _level_3 = program_a.team(3)
    shop = program_a.shop
    order = program_a.placed_and_paid([(shop.small, 2)], buyer=program_a.customer_of(level_1))
    program_a.refund(order.lines.get(), "19.93")
    program_a.complete(order)
    before = list(CommissionEntry.objects.order_by("id").values_list("id", "amount", "state"))
    due = CommissionChain.objects.get(order=order).due_at

    line = order.lines.get()
    for _twice in range(2):
        assert chain.snapshot_chain(order_id=order.pk).order_id == order.pk
        assert ledger.book_commission(order_id=order.pk) == []
        assert ledger.schedule_release(order_id=order.pk, completed_at=timezone.now()).due_at == due
        assert ledger.book_refund(order_id=order.pk, order_line_id=line.pk, refund_id=1) == []
    assert list(CommissionEntry.objects.order_by("id").values_list("id", "amount", "state")) == before


def test_store_b_sees_none_of_store_as_program(program_a, store_b):
    level_1, _level_2, _level_3 = program_a.team(3)
    program_a.placed_and_paid([(program_a.shop.tea_sku, 1)], buyer=program_a.customer_of(level_1))
    assert CommissionEntry.objects.count() == 3
    with schema_context(store_b.schema_name):
        assert CommissionEntry.objects.count() == 0
        assert Distributor.objects.count() == 0
        assert CommissionChain.objects.count() == 0


def test_booking_and_settlement_take_as_many_queries_for_many_lines_and_orders_as_for_one(program_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    level_1, _level_2, _level_3 = program_a.team(3)
    shop = program_a.shop
    buyer = program_a.customer_of(level_1)

    def booking_queries(lines):
        order = program_a.placed_and_paid(lines, buyer=buyer)
        CommissionEntry.objects.filter(chain__order=order).delete()
        with CaptureQueriesContext(connection) as queries:
            ledger.book_commission(order_id=order.pk)
        return len(queries), order

    one, first = booking_queries([(shop.tea_sku, 1)])
    three, second = booking_queries([(shop.small, 1), (shop.large, 1), (shop.tea_sku, 1)])
    assert one == three

    def settlement_queries():
        with CaptureQueriesContext(connection) as queries:
            assert program_a.settle().count > 0
        return len(queries)

    CommissionChain.objects.filter(order=first).update(due_at=timezone.now())
    few = settlement_queries()
    CommissionChain.objects.filter(order=second).update(due_at=timezone.now())
    assert settlement_queries() == few


def test_an_unpaid_order_earns_nothing_whatever_is_announced(program_a):
    level_1, _level_2, _level_3 = program_a.team(3)
    order = program_a.place([(program_a.shop.tea_sku, 1)], buyer=program_a.customer_of(level_1))
    assert CommissionChain.objects.filter(order=order).exists()
    assert ledger.book_commission(order_id=order.pk) == []
    assert not CommissionEntry.objects.exists()
