"""`make bench`: provisioning, request overhead, stock contention, a flash sale through HTTP and commission
settlement, printed as tables with ratios.

Runs against its own database (fenxiao_bench), set up with the platform and the demo store. Targets are
printed as met / MISSED; nothing here is a test assertion.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument(
        "--only", choices=["provisioning", "http", "stock", "flash", "settlement"], action="append"
    )
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args(argv)
    wanted = set(args.only or ["provisioning", "http", "stock", "flash", "settlement"])

    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)  # production-like static files
    call_command("setup_platform", pool=0, verbosity=0)
    call_command("seed_demo", verbosity=0)
    started = time.monotonic()
    print(f"Fenxiao Cloud benchmarks — {os.cpu_count()} cores, db {os.environ.get('DATABASE_URL', '')[:60]}")
    if "provisioning" in wanted:
        from tests.benchmarks import provisioning

        provisioning.run(runs=args.runs)
    if "http" in wanted:
        from tests.benchmarks import http_overhead

        http_overhead.run(seconds=args.seconds)
    if "stock" in wanted:
        from tests.benchmarks import stock

        stock.run(seconds=args.seconds, clients=args.clients)
    if "flash" in wanted:
        from tests.benchmarks import flash_sale

        flash_sale.run()
    if "settlement" in wanted:
        from tests.benchmarks import settlement

        settlement.run()
    print(f"\n(benchmarks took {time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
