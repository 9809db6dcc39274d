"""The commission ledger: what the shop's order events do to it.

    order_paid           book_commission: one pending entry per line and level,
                         amount = round_half_up(line.paid_amount × rate / 100), rounded once, to the fen
    order_completed      schedule_release: the order's entries are due at completion + freeze days
    order_item_refunded  book_refund: the line's commission at each level is brought down to
                         round_half_up((paid − refunded) × rate / 100): the difference is a pending
                         reversal while the line's commission is pending, a settled clawback once
                         it was released (which may take the balance below zero)
    (periodic)           settle_due_commissions: one UPDATE releases every pending entry that is due
                         and whose line has no after-sales request open

Refunds are computed from the line's refunded total as the shop has it now, not from the event's
figures, so a repeated or late event books nothing twice and rounding never drifts: after any
sequence of refunds a level's net commission on a line is exactly the rounded rate × what is left.
Every action on one order holds its chain row; entries of a line are locked in id order, the order
settlement locks them in, so the two never deadlock."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referral.models import CommissionChain, CommissionEntry, ProgramSettings
from shop.models import AfterSale, Order, OrderLine
from tenants import activity, locks
from tenants.money import ZERO, to_money

Kind, State = CommissionEntry.Kind, CommissionEntry.State


def commission_on(amount: Decimal, rate: Decimal) -> Decimal:
    """`rate` percent of `amount`, rounded once, half-up, to the fen."""
    return to_money(Decimal(amount) * Decimal(rate) / 100)


def _lock_chain(order_id: int) -> CommissionChain | None:
    return CommissionChain.objects.select_for_update().filter(order_id=order_id).first()


def _order_label(order_id: int) -> str:
    return Order.objects.filter(pk=order_id).values_list("number", flat=True).first() or str(order_id)


@transaction.atomic
def book_commission(*, order_id: int) -> list[CommissionEntry]:
    """The order was paid: book its commission, pending, once (a repeat books nothing). A distributor
    frozen or removed since the order was placed earns nothing on it."""
    chain = _lock_chain(order_id)
    if chain is None or chain.entries.filter(kind=Kind.COMMISSION).exists():
        return []
    if not Order.objects.filter(pk=order_id, paid_at__isnull=False).exists():
        return []  # not paid (an event out of place): nothing is owed yet
    lines = list(OrderLine.objects.filter(order_id=order_id, paid_amount__gt=0).order_by("id"))
    entries = [
        CommissionEntry(
            distributor_id=level.distributor_id,
            kind=Kind.COMMISSION,
            state=State.PENDING,
            amount=amount,
            chain=chain,
            order_line=line,
            level=level.level,
            rate=level.rate,
        )
        for level in chain.levels.select_related("distributor")
        if level.distributor.earns
        for line in lines
        if (amount := commission_on(line.paid_amount, level.rate)) > ZERO
    ]
    CommissionEntry.objects.bulk_create(entries)
    if entries:
        activity.record(
            actor=None,
            action="referral.commission_booked",
            target_type="order",
            target_id=order_id,
            target_label=_order_label(order_id),
            changes={"commission": [None, sum((e.amount for e in entries), ZERO)]},
            note=_by_level(entries),
        )
    return entries


def _by_level(entries) -> str:
    totals: dict[int, Decimal] = {}
    for entry in entries:
        totals[entry.level] = totals.get(entry.level, ZERO) + entry.amount
    return ", ".join(f"L{level} {amount}" for level, amount in sorted(totals.items()))


@transaction.atomic
def schedule_release(*, order_id: int, completed_at=None) -> CommissionChain | None:
    """The order completed: its commission is due after the store's freeze days (counted once, with the
    setting as it is at completion)."""
    chain = _lock_chain(order_id)
    if chain is None or chain.completed_at is not None:
        return chain
    chain.completed_at = completed_at or timezone.now()
    chain.due_at = chain.completed_at + timedelta(days=ProgramSettings.current().freeze_days)
    chain.save(update_fields=["completed_at", "due_at"])
    return chain


@transaction.atomic
def book_refund(*, order_id: int, order_line_id: int, refund_id: int | None = None) -> list[CommissionEntry]:
    """Money went back for a line: reverse the refunded share of its commission at each level, or claw it
    back if it was released already. Returns the entries booked (none on a repeat)."""
    chain = _lock_chain(order_id)
    if chain is None:
        return []
    line = OrderLine.objects.filter(pk=order_line_id, order_id=order_id).first()
    if line is None:
        return []
    entries = list(CommissionEntry.objects.select_for_update().filter(order_line_id=line.pk).order_by("id"))
    remaining = line.paid_amount - line.refunded_amount
    now, booked = timezone.now(), []
    for commission in (e for e in entries if e.kind == Kind.COMMISSION):
        net = sum((e.amount for e in entries if e.level == commission.level), ZERO)
        change = commission_on(remaining, commission.rate) - net
        if change >= ZERO:
            continue
        released = commission.state == State.SETTLED
        booked.append(
            CommissionEntry.objects.create(
                distributor_id=commission.distributor_id,
                kind=Kind.CLAWBACK if released else Kind.REVERSAL,
                state=State.SETTLED if released else State.PENDING,
                settled_at=now if released else None,
                amount=change,
                chain=chain,
                order_line=line,
                level=commission.level,
                rate=commission.rate,
                refund_id=refund_id,
            )
        )
    for kind in (Kind.REVERSAL, Kind.CLAWBACK):
        of_kind = [e for e in booked if e.kind == kind]
        if of_kind:
            activity.record(
                actor=None,
                action=f"referral.commission_{'reversed' if kind == Kind.REVERSAL else 'clawed_back'}",
                target_type="order",
                target_id=order_id,
                target_label=_order_label(order_id),
                changes={"commission": [None, sum((e.amount for e in of_kind), ZERO)]},
                note=f"{line}: {_by_level(of_kind)}",
            )
    return booked


@dataclass(frozen=True)
class Settlement:
    count: int
    total: Decimal


_SETTLE_SQL = """
WITH due AS (
    SELECT e.id FROM {entry} e
    JOIN {chain} c ON c.id = e.chain_id
    WHERE e.state = 'pending' AND c.due_at <= %(now)s
      AND NOT EXISTS (
          SELECT 1 FROM {after_sale} a WHERE a.order_line_id = e.order_line_id AND a.status = ANY(%(open)s)
      )
    ORDER BY e.id
    FOR UPDATE OF e
), settled AS (
    UPDATE {entry} e SET state = 'settled', settled_at = %(now)s
    FROM due WHERE e.id = due.id AND e.state = 'pending'
    RETURNING e.amount
)
SELECT count(*), coalesce(sum(amount), 0) FROM settled
"""


def settle_due_commissions(*, now=None) -> Settlement:
    """Release every pending entry that is due (its order completed, the freeze days passed) and whose
    line has no after-sales request open: one statement, in the store's schema. Runs one at a time per
    store (a second run waits, then finds nothing left): safe to run twice, or twice at once."""
    now = now or timezone.now()
    sql = _SETTLE_SQL.format(
        entry=CommissionEntry._meta.db_table,
        chain=CommissionChain._meta.db_table,
        after_sale=AfterSale._meta.db_table,
    )
    with transaction.atomic():
        locks.hold("referral.settlement")
        with connection.cursor() as cursor:
            cursor.execute(sql, {"now": now, "open": list(AfterSale.OPEN)})
            count, total = cursor.fetchone()  # counted and summed in the database, not row by row here
        result = Settlement(count=count, total=to_money(total))
        if result.count:
            activity.record(
                actor=None,
                action="referral.commission_settled",
                target_type="commission",
                target_label=_("%(n)s commission entries") % {"n": result.count},
                changes={"settled": [None, result.total]},
            )
    return result
