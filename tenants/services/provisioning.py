"""Making store schemas without waiting for migrations.

The base schema (`TENANT_BASE_SCHEMA`) is the only schema ever migrated from scratch. Every store schema
is a copy of it: either copied ahead of time into the warm pool (unclaimed Store rows with opaque schema
names, kept migrated like any store) or, when the pool is empty, copied on the spot. The base holds
nothing but what migrations put there (migration records, content types, permissions), so copying its
data is exactly the state a freshly migrated schema would have — no migrations to fake afterwards.
"""

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.clone import CLONE_SCHEMA_FUNCTION
from django_tenants.utils import schema_exists

from tenants.models import Domain, Store

PUBLIC = settings.PUBLIC_SCHEMA_NAME
BASE = settings.TENANT_BASE_SCHEMA


def new_schema_name() -> str:
    return f"s_{secrets.token_hex(8)}"


def install_clone_function() -> None:
    """Install django-tenants' clone_schema() into public. Call outside a busy moment: concurrent
    CREATE OR REPLACE FUNCTION statements can fail with 'tuple concurrently updated'."""
    db_user = settings.DATABASES["default"].get("USER") or "postgres"
    with connection.cursor() as cursor:
        cursor.execute(CLONE_SCHEMA_FUNCTION.format(db_user=db_user))


def _clone_function_installed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regproc('public.clone_schema') IS NOT NULL")
        return cursor.fetchone()[0]


def clone_base_schema(schema_name: str) -> None:
    """Copy the base schema (structure and its migration-made rows) into a new schema. Transactional:
    inside an atomic block, a rollback leaves no schema behind."""
    connection.set_schema_to_public()
    if not _clone_function_installed():
        install_clone_function()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clone_schema(%s, %s, 'DATA')", [BASE, schema_name])


def ensure_platform() -> Store:
    """The public tenant and the platform's own domain."""
    connection.set_schema_to_public()
    store, _ = Store.objects.get_or_create(
        schema_name=PUBLIC,
        defaults={"name": settings.PLATFORM_NAME, "status": Store.Status.PLATFORM},
    )
    Domain.objects.get_or_create(
        domain=settings.PLATFORM_DOMAIN, defaults={"tenant": store, "is_primary": True}
    )
    return store


def ensure_base_schema(verbosity: int = 0) -> None:
    """Create and migrate the base schema (the one migration run new stores never wait for), and
    install the clone function. Idempotent: `migrate_schemas` keeps it migrated with every store."""
    connection.set_schema_to_public()
    if not schema_exists(BASE):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{BASE}"')
        call_command("migrate_schemas", schema_name=BASE, tenant=True, interactive=False, verbosity=verbosity)
        connection.set_schema_to_public()
    install_clone_function()


def add_pool_store() -> Store:
    """One ready, unclaimed store schema for the warm pool."""
    with transaction.atomic():
        store = Store.objects.create(schema_name=new_schema_name(), status=Store.Status.POOL)
        clone_base_schema(store.schema_name)
    return store


def pool_size() -> int:
    return Store.objects.filter(status=Store.Status.POOL).count()


def refill_pool(target: int | None = None) -> int:
    """Top the pool up to `target` schemas. Returns how many were added."""
    target = settings.STORE_POOL_SIZE if target is None else target
    added = 0
    while pool_size() < target:
        add_pool_store()
        added += 1
    return added


def claim_pool_store() -> Store | None:
    """Lock one unclaimed pool store for the current transaction; concurrent signups skip each
    other's rows instead of queueing behind them."""
    return (
        Store.objects.select_for_update(skip_locked=True)
        .filter(status=Store.Status.POOL)
        .order_by("id")
        .first()
    )


@dataclass
class ReadyStore:
    store: Store
    source: str  # "pool" or "clone"


def take_ready_store() -> ReadyStore:
    """A store row with a ready schema, locked for the caller's transaction: a pool claim when the pool
    has one, else a clone made on the spot. Must run inside transaction.atomic()."""
    store = claim_pool_store()
    if store is not None:
        return ReadyStore(store, "pool")
    store = Store.objects.create(schema_name=new_schema_name(), status=Store.Status.POOL)
    clone_base_schema(store.schema_name)
    return ReadyStore(store, "clone")


def migrate_fresh_schema(schema_name: str) -> float:
    """Create a schema by running every migration (the slow path; used only to measure against)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    call_command("migrate_schemas", schema_name=schema_name, tenant=True, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    return time.perf_counter() - started


def drop_store(store: Store) -> None:
    """Delete a store row, its domains and its schema."""
    connection.set_schema_to_public()
    store.delete(force_drop=True)
