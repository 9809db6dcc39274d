"""The distributor program's tests work in store A through the shop's own order helper (`Shop`, from the
order tests): orders are placed, paid, completed and refunded through the shop's services, and the
shop's events reach referral's receivers when their transaction commits (captured and run here, as
they run after a real commit)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.models import Plan, Subscription
from referral.models import (
    Binding,
    ChainLevel,
    CommissionChain,
    CommissionEntry,
    Distributor,
    Grade,
    Withdrawal,
)
from referral.models import ProgramSettings as Settings
from referral.selectors import balances
from referral.services import ledger, program, withdrawals
from shop.models import OrderLine
from shop.services import aftersales, orders
from shop.services.aftersales import AfterSaleInput
from tests.conftest import owner_of
from tests.shop.services import conftest as order_fixtures
from tests.shop.services.conftest import Shop

shop = order_fixtures.shop
committed_shop = order_fixtures.committed_shop
# After the freeze days (7 by default): when the settlement job finds completed orders' commission due.
LATER = timedelta(days=8)


def put_on_plan(store, code: str) -> None:
    """Move the store to another plan (store A starts on the trial, which pays two levels)."""
    Subscription.objects.filter(store_id=store.pk).update(plan=Plan.objects.get(code=code))


class Program:
    """Store A's distributor program driven through the shop's and the program's services."""

    def __init__(self, shop: Shop, capture):
        self.shop, self.store, self.capture = shop, shop.store, capture
        self.owner = owner_of(shop.store)
        self._phones = iter(range(13900000000, 13999999999))
        self._addresses: dict[int, object] = {}

    # people
    def distributor(self, name: str, *, upline: Distributor | None = None) -> Distributor:
        user = self.shop.new_buyer(f"+86{next(self._phones)}", name)
        applied = program.apply_as_distributor(user=user, referrer_code=upline.code if upline else "")
        return program.approve_distributor(actor=self.owner, store=self.store, distributor=applied)

    def team(self, depth: int = 3) -> list[Distributor]:
        """A line of `depth` distributors, each the upline of the next; returned nearest the buyer first
        (level 1, level 2, level 3)."""
        made: list[Distributor] = []
        for n in range(depth):
            made.append(self.distributor(f"分销员{n + 1}", upline=made[-1] if made else None))
        return list(reversed(made))

    def customer_of(self, distributor: Distributor, name: str = "顾客"):
        buyer = self.shop.new_buyer(f"+86{next(self._phones)}", name)
        program.bind_buyer(buyer=buyer, distributor=distributor)
        return buyer

    def settings(self, **fields) -> Settings:
        Settings.load()
        Settings.objects.filter(pk=1).update(**fields)
        return Settings.load()

    # orders, as the shop runs them; its events delivered on commit
    def place(self, lines, *, buyer=None):
        buyer = buyer or self.shop.buyer
        if buyer.pk not in self._addresses:  # one address per buyer (an address book holds 20)
            self._addresses[buyer.pk] = (
                self.shop.address if buyer == self.shop.buyer else self.shop.address_of(buyer)
            )
        with self.capture(execute=True):
            return self.shop.place(lines, buyer=buyer, address=self._addresses[buyer.pk])

    def pay(self, order):
        with self.capture(execute=True):
            self.shop.pay(order)
        return order

    def placed_and_paid(self, lines, *, buyer=None):
        return self.pay(self.place(lines, buyer=buyer))

    def complete(self, order):
        orders.ship_order(
            order=order, actor=self.owner, carrier="sf", tracking_number=f"SF{1400000000000 + order.pk}"
        )
        with self.capture(execute=True):
            orders.confirm_receipt(order=order, buyer=order.buyer)
        order.refresh_from_db()
        return order

    def ask_refund(self, line: OrderLine, amount: str):
        return aftersales.request_after_sale(
            buyer=line.order.buyer,
            data=AfterSaleInput(order_line_id=line.pk, kind="refund_only", amount=amount, reason="不想要了"),
        )

    def refund(self, line: OrderLine, amount: str):
        """The buyer asks for `amount` back on the line, the merchant agrees: refunded at once (sandbox)."""
        request = self.ask_refund(line, amount)
        with self.capture(execute=True):
            aftersales.approve_after_sale(actor=self.owner, after_sale=request)
        line.refresh_from_db()
        return request

    def settle(self, *, later: timedelta = LATER):
        return ledger.settle_due_commissions(now=timezone.now() + later)

    # money
    def withdraw(self, distributor, amount):
        return withdrawals.request_withdrawal(distributor=distributor, amount=amount)

    def paid_out(self, distributor, amount):
        return withdrawals.approve_withdrawal(actor=self.owner, withdrawal=self.withdraw(distributor, amount))


def entries_of(distributor, **filters) -> list[tuple[str, str, Decimal]]:
    """(kind, state, amount) of the distributor's entries, oldest first."""
    return list(
        CommissionEntry.objects.filter(distributor=distributor, **filters)
        .order_by("id")
        .values_list("kind", "state", "amount")
    )


def commission_by_level(order) -> dict[int, Decimal]:
    """The order's net commission per level (commission less reversals and clawbacks)."""
    totals: dict[int, Decimal] = {}
    for level, amount in CommissionEntry.objects.filter(chain__order=order).values_list("level", "amount"):
        totals[level] = totals.get(level, Decimal("0.00")) + amount
    return totals


def balance(distributor):
    return balances(distributor)


@pytest.fixture
def program_a(shop, eager_tasks):
    """Store A's program, on the top plan (three levels) unless a test moves it."""
    put_on_plan(shop.store, "flagship")
    return Program(shop, eager_tasks)


def wipe_program(store) -> None:
    """What a committed test made in the program (before the order wipe removes orders and buyers)."""
    from tenants.activity.models import ActivityEntry

    with schema_context(store.schema_name):
        Distributor.objects.update(parent=None)  # a distributor protects its upline
        for model in (
            ActivityEntry,
            CommissionEntry,
            Withdrawal,
            ChainLevel,
            CommissionChain,
            Binding,
            Distributor,
            Grade,
            Settings,
        ):
            model.objects.all().delete()
