"""Seed the demo platform: an operator, and the demo store `demo` with its owner and whatever each store
app adds to a demo (products, distributors). Idempotent: running it again changes nothing."""

import importlib

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import schema_context

from billing.subscriptions import keep_demo_paid
from tenants.models import Store
from tenants.services.signup import open_store

OPERATOR = ("operator@fenxiao.local", "fenxiao-operator")
OWNER = ("owner@demo.local", "fenxiao-demo")
# Store apps that know how to fill a demo store: each has seed(store, owner). The demo orders come last:
# an order snapshots its buyer's referral chain when it is placed, so the distributors are there first.
DEMO_SEEDERS = ("shop.demo", "referral.demo", "shop.demo_orders")


class Command(BaseCommand):
    help = "Create the demo operator and the demo store (idempotent)."

    def handle(self, *args, verbosity=1, **options):
        connection.set_schema_to_public()
        if not get_user_model().objects.filter(email=OPERATOR[0]).exists():
            call_command(
                "create_operator", OPERATOR[0], password=OPERATOR[1], name="Platform Operator", verbosity=0
            )
        store = Store.objects.filter(slug="demo").first()
        if store is None:
            result = open_store(
                store_name="鲜果小铺 Demo Fresh",
                subdomain="demo",
                owner_name="王小鲜",
                email=OWNER[0],
                password=OWNER[1],
                template_code="fresh",
                plan_code="flagship",
                phone="13800138000",
            )
            store = result.store
        keep_demo_paid(store=store, plan_code="flagship")
        with schema_context(store.schema_name):
            owner = get_user_model().objects.get(email=OWNER[0])
            for module_name in DEMO_SEEDERS:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError:
                    continue
                module.seed(store, owner)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Demo store ready: {store.host}"))
