"""Test fixtures for a schema-per-store system.

The test database is created once per session: public migrated by pytest-django, then the platform,
the base schema, the shipped plans and templates, a small warm pool and two stores (A and B) are made
through the same services production uses, and committed. Each test then runs inside a transaction
that is rolled back (pytest-django's `db`), so schemas are never re-created or migrated per test.

Tests that need real commits (races, browser tests) use `committed_db` and clean up what they make.
"""

import threading

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants import sms
from tenants.models import Store
from tests.factories import PASSWORD, OperatorFactory, StaffFactory

STORE_A = {
    "store_name": "Store A",
    "subdomain": "store-a",
    "owner_name": "Alice",
    "email": "alice@a.example",
    "template_code": "fresh",
    "plan_code": "trial",
}
STORE_B = {
    "store_name": "Store B",
    "subdomain": "store-b",
    "owner_name": "Bob",
    "email": "bob@b.example",
    "template_code": "urban",
    "plan_code": "basic",
}
TEST_POOL_SIZE = 2


def _flush_test_redis():
    caches["platform"].client.get_client(write=True).flushdb()


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """Replaces pytest-django's: the test database is always created (tests that only use
    `committed_db` would otherwise not ask for it) and then provisioned once."""
    from django.test.utils import setup_databases, teardown_databases

    from billing.catalogue import seed_plans
    from tenants.catalogue import seed_templates
    from tenants.services import provisioning
    from tenants.services.signup import open_store

    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        _flush_test_redis()
        provisioning.ensure_platform()
        provisioning.ensure_base_schema()
        seed_plans()
        seed_templates()
        for data in (STORE_A, STORE_B):
            open_store(**data, password=PASSWORD)
        provisioning.refill_pool(TEST_POOL_SIZE)
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        # Threads of live servers, workers and races may still hold connections to the test database.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        teardown_databases(db_cfg, verbosity=0)


@pytest.fixture(autouse=True)
def _clean_slate():
    """Every test starts in public, in the default language, with an empty test Redis and SMS outbox, and
    leaves the same way (a request that switched the language must not leak it into the next test)."""
    from django.utils import translation

    connection.set_schema_to_public()
    translation.activate(settings.LANGUAGE_CODE)
    _flush_test_redis()
    sms.outbox.clear()
    yield
    connection.set_schema_to_public()
    translation.deactivate()
    _flush_test_redis()
    sms.outbox.clear()


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """Database access without the per-test transaction: what a test writes is really committed, so
    other connections (threads, a live server) see it. The test must clean up after itself."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def run_in_threads(schema_name, jobs):
    """Run each job (a callable) in its own thread and connection inside the store's schema, all released
    at once (committed data: use with `committed_db`). Returns what each job returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        try:
            with schema_context(schema_name):
                barrier.wait()
                results[index] = job()
        except Exception as exc:  # collected and asserted on by the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def committed_store(committed_db):
    """Store A, outside any test transaction (the `store_a` fixture would open one, and other
    connections would not see what the test writes)."""
    from tenants.models import Store

    connection.set_schema_to_public()
    return Store.objects.get(slug=STORE_A["subdomain"])


def _store(slug):
    from tenants.models import Store

    connection.set_schema_to_public()
    return Store.objects.select_related("template").get(slug=slug)


@pytest.fixture
def store_a(db):
    return _store(STORE_A["subdomain"])


@pytest.fixture
def store_b(db):
    return _store(STORE_B["subdomain"])


@pytest.fixture
def in_store_a(store_a):
    """Run the test body inside store A's schema."""
    with schema_context(store_a.schema_name):
        yield store_a


def _forget_cached_media_root():
    # TenantFileSystemStorage caches its root and django-tenants does not clear it on MEDIA_ROOT changes.
    storages["default"].__dict__.pop("relative_media_root", None)


@pytest.fixture
def media_root(tmp_path, settings):
    """Uploaded files go to a temporary folder for this test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    _forget_cached_media_root()
    yield settings.MEDIA_ROOT
    _forget_cached_media_root()


def owner_of(store):
    from django.contrib.auth import get_user_model

    with schema_context(store.schema_name):
        return get_user_model().objects.get(role="owner")


def fresh_store(store) -> Store:
    """`store` as the database has it now (public schema), its template with it."""
    connection.set_schema_to_public()
    return Store.objects.select_related("template").get(pk=store.pk)


def user_in(store, email):
    """The user of `store` with this email, or None."""
    from django.contrib.auth import get_user_model

    with schema_context(store.schema_name):
        return get_user_model().objects.filter(email=email).first()


def make_staff(store, **kwargs):
    with schema_context(store.schema_name):
        return StaffFactory(**kwargs)


@pytest.fixture
def operator(db):
    connection.set_schema_to_public()
    return OperatorFactory(email="op@platform.example")


def host_client(host: str) -> Client:
    return Client(HTTP_HOST=host)


@pytest.fixture
def platform_client(db):
    return host_client("localhost")


@pytest.fixture
def client_a(store_a):
    return host_client(store_a.host)


@pytest.fixture
def client_b(store_b):
    return host_client(store_b.host)


def login_client(client: Client, store, user) -> Client:
    """Log `user` into `store` through the real login page."""
    response = client.post("/console/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    connection.set_schema_to_public()
    return client


def console_client(store, user) -> Client:
    """A fresh client on `store`'s host with `user` logged in to its console."""
    return login_client(host_client(store.host), store, user)


@pytest.fixture
def owner_client_a(store_a, client_a):
    return login_client(client_a, store_a, owner_of(store_a))


@pytest.fixture
def operator_client(operator, platform_client):
    response = platform_client.post("/operator/login/", {"username": operator.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return platform_client


def text(response) -> str:
    """A page's HTML as text."""
    return response.content.decode()


def api_client(store, user=None):
    """A DRF test client on the store's host, with `user`'s API token when given."""
    from rest_framework.test import APIClient

    from tenants.accounts.services import api_token_for

    client = APIClient(HTTP_HOST=store.host)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=user, store=store)}")
    connection.set_schema_to_public()
    return client


@pytest.fixture
def owner_api_a(store_a):
    """Store A's owner over the store API (token auth)."""
    return api_client(store_a, owner_of(store_a))


@pytest.fixture
def eager_tasks(django_capture_on_commit_callbacks):
    """Queued Celery tasks run at once, in this process and schema, when the transaction that queued
    them commits (as a worker would run them just after): for journeys that go through a task, such as
    a refund sent to its provider. Yields the on-commit capture, to run callbacks of a block."""
    from config.celery import app

    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    try:
        yield django_capture_on_commit_callbacks
    finally:
        app.conf.update(task_always_eager=False, task_eager_propagates=False)


def make_buyer(store, phone: str, **fields):
    """A buyer of `store`, as the first SMS sign-in makes one (no email, no password)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    with schema_context(store.schema_name):
        buyer = User(role=User.Role.CUSTOMER, phone=phone, email=None, **fields)
        buyer.set_unusable_password()
        buyer.save()
    return buyer


def signed_in_client(store, buyer) -> Client:
    """A storefront client of `store` with `buyer` signed in."""
    client = host_client(store.host)
    with schema_context(store.schema_name):
        client.force_login(buyer, backend="tenants.accounts.backends.AccountBackend")
    connection.set_schema_to_public()
    return client
