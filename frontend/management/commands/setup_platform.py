"""Bring a database to a ready platform: migrations, the public tenant, the base schema new stores are
cloned from, the shipped plans and templates, and a filled warm pool. Safe to run again."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from billing.catalogue import seed_plans
from tenants.catalogue import seed_templates
from tenants.services import provisioning


class Command(BaseCommand):
    help = "Migrate and provision the platform (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--pool", type=int, default=None, help="warm pool size to fill (default: setting)"
        )

    def handle(self, *args, pool=None, verbosity=1, **options):
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        provisioning.ensure_platform()
        provisioning.ensure_base_schema()
        # Keeps the base schema and every store (pool included) on the latest migrations.
        call_command(
            "migrate_schemas", schema_name=provisioning.BASE, tenant=True, interactive=False, verbosity=0
        )
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
        seed_plans()
        seed_templates()
        added = provisioning.refill_pool(pool)
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Platform ready: base schema migrated, {provisioning.pool_size()} stores in the pool"
                    f" ({added} added)."
                )
            )
