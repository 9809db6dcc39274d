"""Celery against the real Redis broker, with a real worker: tasks run in the store that sent them."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection
from django_tenants.utils import schema_context

from config.celery import app
from tenants import tasks
from tenants.models import Store
from tenants.services import provisioning
from tests.conftest import STORE_A, STORE_B


@pytest.fixture
def celery_worker(committed_db):
    app.conf.update(result_expires=60)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    connection.set_schema_to_public()


def test_a_task_runs_in_the_schema_it_was_sent_from(celery_worker):
    stores = {s.slug: s for s in Store.objects.filter(slug__in=[STORE_A["subdomain"], STORE_B["subdomain"]])}
    for slug, store in stores.items():
        with schema_context(store.schema_name):
            result = tasks.store_heartbeat.delay().get(timeout=20)
        assert result["schema"] == store.schema_name, slug
        assert result["users"] >= 1


def test_fan_out_reaches_every_active_store_once(celery_worker):
    active = set(tasks.active_stores().values_list("schema_name", flat=True))
    assert {STORE_A["subdomain"], STORE_B["subdomain"]} <= set(
        Store.objects.filter(schema_name__in=active).values_list("slug", flat=True)
    )
    results = []
    for schema_name in active:
        results.append(tasks.store_heartbeat.apply_async(headers={"_schema_name": schema_name}))
    seen = {r.get(timeout=20)["schema"] for r in results}
    assert seen == active
    assert tasks.fan_out(tasks.store_heartbeat) == len(active)


def test_signup_sends_the_welcome_email_through_the_worker(celery_worker, settings):
    from tenants.services.signup import open_store

    settings.PUBLIC_URL_SCHEME, settings.PUBLIC_PORT = "http", "8000"  # as `make run` configures it
    mail.outbox.clear()
    pool_before = provisioning.pool_size()
    result = open_store(
        store_name="Welcome Shop",
        subdomain="welcome-shop",
        owner_name="Wu",
        email="wu@welcome.example",
        password="plums-and-pears-42",
        template_code="fresh",
        plan_code="trial",
    )
    try:
        import time

        deadline = time.monotonic() + 20
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["wu@welcome.example"]
        assert "Welcome Shop" in message.subject
        assert "http://welcome-shop.localhost:8000/console/" in message.body
    finally:
        connection.set_schema_to_public()
        provisioning.drop_store(Store.objects.get(pk=result.store.pk))
        # the worker refilled the pool after the claim; trim back to where we were
        deadline = __import__("time").monotonic() + 20
        while provisioning.pool_size() < pool_before and __import__("time").monotonic() < deadline:
            __import__("time").sleep(0.2)
