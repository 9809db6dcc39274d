"""The ledger under any sequence of what happens in a store: orders placed, paid, completed and partly
refunded, settlement runs (early and late), withdrawals requested, approved and rejected, and the shop's
events delivered again. After every step:

- each balance is the sum of its entries (pending, settled) and the held withdrawals;
- each paid line's net commission at each level is its snapshotted rate × (paid − refunded), rounded
  once (so within a fen of the exact figure), however many refunds came;
- nothing is booked twice (one commission per line and level, one payout per paid withdrawal), and a
  replayed event books nothing;
- a balance is below zero only after a clawback, never through a withdrawal."""

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.db.models import F
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from referral.models import CommissionEntry, Distributor, Withdrawal
from referral.selectors import balances
from referral.services import chain, ledger, withdrawals
from shop.models import Order, OrderLine
from tenants.errors import Conflict, InvalidInput
from tests.shop.factories import make_product

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
PICK = st.integers(min_value=0, max_value=10**6)
MACHINE = settings(
    max_examples=8,
    stateful_step_count=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


class LedgerMachine(RuleBasedStateMachine):
    """Each run has a team and customers of its own, so what one run does never changes what another
    draws (settlement is store-wide: it may release an earlier run's entries, which only helps)."""

    program = None  # set by the test: a tests.referral.conftest.Program
    skus: list = []

    def __init__(self):
        super().__init__()
        self.orders: list[int] = []
        self.withdrawals: list[int] = []

    def _orders(self, *statuses) -> list[Order]:
        return list(Order.objects.filter(pk__in=self.orders, status__in=statuses).order_by("pk"))

    def _pick(self, items, index):
        return items[index % len(items)]

    @initialize()
    def a_team_with_a_released_sale(self):
        """Three levels, customers of level 1 and 2, level 1 buying for themselves (self-purchase), and
        commission already withdrawable so withdrawals have something to take."""
        program = self.program
        self.distributors = program.team(3)
        level_1, level_2, _level_3 = self.distributors
        self.buyers = [
            program.customer_of(level_1, "顾客一"),
            program.customer_of(level_1, "顾客二"),
            program.customer_of(level_2, "顾客三"),
            level_1.user,
        ]
        order = program.placed_and_paid([(self.skus[2], 2)], buyer=self.buyers[0])
        self.orders.append(order.pk)
        program.complete(order)
        program.settle()

    # what happens
    @rule(buyer=PICK, lines=st.lists(st.tuples(st.integers(0, 2), st.integers(1, 3)), min_size=1, max_size=3))
    def place(self, buyer, lines):
        quantities = {}
        for sku_index, quantity in lines:
            quantities[sku_index] = quantity
        order = self.program.place(
            [(self.skus[i], q) for i, q in sorted(quantities.items())], buyer=self._pick(self.buyers, buyer)
        )
        self.orders.append(order.pk)

    @precondition(lambda self: self._orders("pending_payment"))
    @rule(index=PICK)
    def pay(self, index):
        self.program.pay(self._pick(self._orders("pending_payment"), index))

    @precondition(lambda self: self._orders("paid"))
    @rule(index=PICK)
    def complete(self, index):
        self.program.complete(self._pick(self._orders("paid"), index))

    def _refundable_lines(self):
        return list(
            OrderLine.objects.filter(order_id__in=[o.pk for o in self._orders("paid", "completed")])
            .exclude(refunded_amount=F("paid_amount"))
            .order_by("pk")
        )

    @precondition(lambda self: self._refundable_lines())
    @rule(index=PICK, percent=st.integers(1, 100))
    def refund(self, index, percent):
        line = self._pick(self._refundable_lines(), index)
        left = line.paid_amount - line.refunded_amount
        amount = max(CENT, (left * percent / 100).quantize(CENT, rounding=ROUND_DOWN))
        self.program.refund(line, str(amount))

    @rule(days=st.sampled_from([0, 8]))
    def settle(self, days):
        self.program.settle(later=timedelta(days=days))

    @rule(index=PICK, percent=st.integers(1, 120))
    def withdraw(self, index, percent):
        """Some share of what is withdrawable (past 100 %: more than there is), or a fen when nothing is."""
        distributor = self._pick(self.distributors, index)
        before = balances(distributor)
        amount = max(CENT, (before.withdrawable * percent / 100).quantize(CENT, rounding=ROUND_DOWN))
        try:
            made = self.program.withdraw(distributor, amount)
        except (InvalidInput, Conflict):
            assert before.negative or amount > before.withdrawable
        else:
            assert not before.negative and amount <= before.withdrawable
            self.withdrawals.append(made.pk)

    def _requested(self):
        return list(
            Withdrawal.objects.filter(pk__in=self.withdrawals, status=Withdrawal.Status.REQUESTED).order_by(
                "pk"
            )
        )

    @precondition(lambda self: self._requested())
    @rule(index=PICK, approve=st.booleans())
    def decide(self, index, approve):
        withdrawal = self._pick(self._requested(), index)
        owner = self.program.owner
        if approve:
            try:
                withdrawals.approve_withdrawal(actor=owner, withdrawal=withdrawal)
                return
            except Conflict:
                assert balances(withdrawal.distributor_id).negative
        withdrawals.reject_withdrawal(actor=owner, withdrawal=withdrawal, reason="核对有误")

    @precondition(lambda self: self.orders)
    @rule(index=PICK)
    def replay_events(self, index):
        order = Order.objects.get(pk=self._pick(self.orders, index))
        before = list(CommissionEntry.objects.order_by("pk").values_list("pk", "amount", "state"))
        chain.snapshot_chain(order_id=order.pk)
        if order.paid_at:
            ledger.book_commission(order_id=order.pk)
        if order.completed_at:
            ledger.schedule_release(order_id=order.pk, completed_at=order.completed_at)
        for line in order.lines.all():
            ledger.book_refund(order_id=order.pk, order_line_id=line.pk)
        assert list(CommissionEntry.objects.order_by("pk").values_list("pk", "amount", "state")) == before

    # what always holds
    @invariant()
    def balances_are_the_sums_of_entries(self):
        for distributor in Distributor.objects.all():
            entries = list(
                CommissionEntry.objects.filter(distributor=distributor).values_list("state", "amount")
            )
            held = sum(
                Withdrawal.objects.filter(distributor=distributor, status="requested").values_list(
                    "amount", flat=True
                ),
                ZERO,
            )
            seen = balances(distributor)
            assert seen.pending == sum((a for s, a in entries if s == "pending"), ZERO)
            assert seen.settled == sum((a for s, a in entries if s == "settled"), ZERO)
            assert seen.held == held
            if not CommissionEntry.objects.filter(distributor=distributor, kind="clawback").exists():
                assert seen.withdrawable >= ZERO

    @invariant()
    def each_line_earns_its_rate_of_what_is_left_once(self):
        for commission in CommissionEntry.objects.filter(kind="commission").select_related("order_line"):
            line = commission.order_line
            level_entries = CommissionEntry.objects.filter(order_line=line, level=commission.level)
            assert level_entries.filter(kind="commission").count() == 1
            net = sum(level_entries.values_list("amount", flat=True), ZERO)
            exact = (line.paid_amount - line.refunded_amount) * commission.rate / 100
            assert net == ledger.commission_on(line.paid_amount - line.refunded_amount, commission.rate)
            assert abs(net - exact) <= CENT / 2
            assert net >= ZERO

    @invariant()
    def each_paid_withdrawal_is_paid_out_once(self):
        for withdrawal in Withdrawal.objects.all():
            payouts = list(
                CommissionEntry.objects.filter(withdrawal=withdrawal).values_list("amount", flat=True)
            )
            assert payouts == ([-withdrawal.amount] if withdrawal.status == "paid" else [])


def test_the_ledger_holds_its_invariants_whatever_happens(program_a):
    program_a.settings(self_purchase=True, withdrawal_minimum=CENT)
    product = make_product(
        title="组合装",
        skus=[
            {"spec_values": ["小"], "price": "19.99", "stock": 10000},
            {"spec_values": ["中"], "price": "0.37", "stock": 10000},
            {"spec_values": ["大"], "price": "123.45", "stock": 10000},
        ],
    )
    LedgerMachine.program = program_a
    LedgerMachine.skus = list(product.skus.order_by("id"))
    run_state_machine_as_test(LedgerMachine, settings=MACHINE)
    # the runs reached every kind of entry and decision, not only the easy paths
    kinds = set(CommissionEntry.objects.values_list("kind", flat=True))
    assert kinds == {"commission", "reversal", "clawback", "payout"}, kinds
    assert "paid" in set(Withdrawal.objects.values_list("status", flat=True))
