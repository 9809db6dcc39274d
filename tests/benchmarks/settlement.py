"""Commission settlement: the periodic job's one set-based statement (referral.services.ledger
.settle_due_commissions) releasing 10k and then 100k due entries in the demo store, timed, with entries/s and
the ratio of the two times (linear work gives 10; the target is at most 11).

The entries are made in bulk by SQL (order lines copied from one demo line, three levels each, all on one
chain whose release date has passed) and removed afterwards; the settlement itself is the job's own code."""

from __future__ import annotations

import time
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.models import Store

from .common import table

SIZES = (10_000, 100_000)
LEVELS = 3


def _fixture(schema: str):
    """A distributor, a demo order line to copy and a chain due for release, in the demo store."""
    from django.contrib.auth import get_user_model

    from referral.models import CommissionChain, Distributor
    from referral.services.program import default_grade
    from shop.models import Order, OrderLine

    User = get_user_model()
    with schema_context(schema):
        user, _ = User.objects.get_or_create(
            phone="+8613900999999", defaults={"role": User.Role.CUSTOMER, "email": None, "name": "结算压测"}
        )
        distributor, _ = Distributor.objects.get_or_create(
            user=user,
            defaults={"code": "BENCH1", "status": Distributor.Status.ACTIVE, "grade": default_grade()},
        )
        line = OrderLine.objects.filter(order__status=Order.Status.COMPLETED).order_by("id").first()
        order = Order.objects.filter(commission_chain__isnull=True).order_by("id").first()
        chain = CommissionChain.objects.create(
            order=order, completed_at=timezone.now(), due_at=timezone.now() - timedelta(days=1)
        )
        return distributor.pk, line.pk, chain.pk


def _make_entries(schema: str, count: int, distributor_id: int, line_id: int, chain_id: int) -> list[int]:
    """`count` pending commission entries: count/3 copies of the line, one entry per level each."""
    from referral.models import CommissionEntry
    from shop.models import OrderLine

    lines = -(-count // LEVELS)
    line_table, entry_table = OrderLine._meta.db_table, CommissionEntry._meta.db_table
    columns = [f.column for f in OrderLine._meta.concrete_fields if f.column != "id"]
    listed = ", ".join(columns)
    with schema_context(schema), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {line_table} ({listed}) SELECT {listed} FROM {line_table}, generate_series(1, %s) "
            f"WHERE id = %s RETURNING id",
            [lines, line_id],
        )
        new_lines = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"INSERT INTO {entry_table} (distributor_id, kind, state, amount, chain_id, order_line_id, level,"
            " rate, created_at) SELECT %s, 'commission', 'pending', 1.00, %s, l, lvl, 1.00, now()"
            " FROM unnest(%s::bigint[]) AS l, generate_series(1, %s) AS lvl LIMIT %s",
            [distributor_id, chain_id, new_lines, LEVELS, count],
        )
        cursor.execute(f"ANALYZE {entry_table}")
    return new_lines


def _clean(schema: str, chain_id: int, lines: list[int]) -> None:
    from referral.models import CommissionEntry
    from shop.models import OrderLine

    with schema_context(schema), transaction.atomic():
        CommissionEntry.objects.filter(chain_id=chain_id).delete()
        OrderLine.objects.filter(pk__in=lines).delete()


def run() -> dict:
    from referral.services.ledger import settle_due_commissions

    connection.set_schema_to_public()
    schema = Store.objects.get(slug="demo").schema_name
    distributor_id, line_id, chain_id = _fixture(schema)
    rows, seconds = [], {}
    try:
        for size in SIZES:
            lines = _make_entries(schema, size, distributor_id, line_id, chain_id)
            try:
                with schema_context(schema):
                    started = time.perf_counter()
                    result = settle_due_commissions()
                    elapsed = time.perf_counter() - started
                    again = settle_due_commissions()  # a second run finds nothing left
            finally:
                _clean(schema, chain_id, lines)
            seconds[size] = elapsed
            rows.append(
                [
                    f"{size:,}",
                    f"{result.count:,}",
                    f"{elapsed * 1000:.0f}",
                    f"{size / elapsed:,.0f}",
                    again.count,
                ]
            )
    finally:
        from referral.models import CommissionChain

        with schema_context(schema):
            CommissionChain.objects.filter(pk=chain_id).delete()
        connection.set_schema_to_public()
    print(
        table(
            "Commission settlement (one set-based statement)",
            ["due entries", "settled", "ms", "entries/s", "second run settled"],
            rows,
        )
    )
    growth = seconds[SIZES[1]] / seconds[SIZES[0]]
    verdict = "met" if growth <= 11 else "MISSED"
    print(f"  100k / 10k time: {growth:.1f} (linear is 10): target <= 11 {verdict}")
    return {"seconds": seconds, "ratio": growth}
