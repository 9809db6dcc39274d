"""Release the commission that is due, now: in every active store, or in one (`--store SUBDOMAIN`).
The same work as the periodic job; safe to run while it runs."""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from referral.services.ledger import settle_due_commissions
from tenants.models import Store
from tenants.tasks import active_stores


class Command(BaseCommand):
    help = "Release due commission in every active store, or in the one named by --store."

    def add_arguments(self, parser):
        parser.add_argument("--store", metavar="SUBDOMAIN", help="only this store (its subdomain)")

    def handle(self, *args, store=None, **options):
        if store:
            stores = list(Store.objects.filter(slug=store.strip().lower()))
            if not stores:
                raise CommandError(f"No store with the subdomain {store!r}.")
        else:
            stores = list(active_stores().order_by("slug"))
        for each in stores:
            with tenant_context(each):
                result = settle_due_commissions()
            self.stdout.write(f"{each.slug}: {result.count} entries released, {result.total}")
