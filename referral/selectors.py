"""Reads of the distributor program that services and (later) pages share: a distributor's balances,
always summed from the ledger, never read from a stored total."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from referral.models import CommissionEntry, Distributor, Withdrawal
from tenants.money import ZERO

State = CommissionEntry.State
_MONEY_ZERO = Coalesce(Sum("amount"), Decimal("0.00"))


@dataclass(frozen=True)
class Balances:
    pending: Decimal  # booked, not released yet (order not completed, freeze days, an open after-sale)
    settled: Decimal  # released commission less clawbacks and payouts; below zero when a clawback is owed
    held: Decimal  # withdrawals requested and not decided yet

    @property
    def withdrawable(self) -> Decimal:
        return self.settled - self.held

    @property
    def negative(self) -> bool:
        """Owes the store money (a clawback larger than what was left): withdrawals wait until repaid."""
        return self.withdrawable < ZERO


def balances(distributor: Distributor | int) -> Balances:
    pk = getattr(distributor, "pk", distributor)
    sums = CommissionEntry.objects.filter(distributor_id=pk).aggregate(
        pending=Coalesce(Sum("amount", filter=Q(state=State.PENDING)), Decimal("0.00")),
        settled=Coalesce(Sum("amount", filter=Q(state=State.SETTLED)), Decimal("0.00")),
    )
    held = Withdrawal.objects.filter(distributor_id=pk, status__in=Withdrawal.HOLDING).aggregate(
        held=_MONEY_ZERO
    )["held"]
    return Balances(pending=sums["pending"], settled=sums["settled"], held=held)


def ledger_of(distributor: Distributor | int):
    """A distributor's entries, newest first, with what they are for."""
    return (
        CommissionEntry.objects.filter(distributor_id=getattr(distributor, "pk", distributor))
        .select_related("order_line__order", "withdrawal")
        .order_by("-created_at", "-id")
    )
