"""The buyer hears of their order (paid, shipped, a refund decided) from a Celery worker, queued once the
change committed — never inside the request or the provider's notification that made the change."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django_tenants.utils import schema_context

from config.celery import app
from shop import tasks
from shop.models import BuyerNotification
from tenants import sms
from tests.conftest import owner_of


@pytest.fixture
def celery_worker(committed_db):
    app.conf.update(result_expires=60)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    connection.set_schema_to_public()


def wait_for(check, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    return check()


def test_paying_queues_the_buyers_notice_instead_of_sending_it(
    shop, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(tasks.tell_buyer_order_paid, "delay", lambda *args: queued.append(args))
    order = shop.place([(shop.small, 1)])
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        shop.pay(order)
    assert queued == [(order.pk,)]
    assert not BuyerNotification.objects.exists() and not sms.outbox


def test_shipping_and_a_refund_decision_are_told_from_tasks_too(
    shop, django_capture_on_commit_callbacks, monkeypatch
):
    from shop.services import aftersales, orders
    from shop.services.aftersales import AfterSaleInput

    queued = []
    for task in (tasks.tell_buyer_order_shipped, tasks.tell_buyer_after_sale_changed):
        monkeypatch.setattr(task, "delay", lambda *args, name=task.name: queued.append((name, args)))
    order = shop.place([(shop.small, 1)])
    shop.pay(order)
    with django_capture_on_commit_callbacks(execute=True):
        orders.ship_order(
            order=order, actor=owner_of(shop.store), carrier="sf", tracking_number="SF1234567890123"
        )
    request = aftersales.request_after_sale(
        buyer=shop.buyer,
        data=AfterSaleInput(
            order_line_id=order.lines.get().pk, kind="refund_only", amount="5", reason="破损"
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        aftersales.reject_after_sale(actor=owner_of(shop.store), after_sale=request, reason="已发货")
    assert ("shop.tasks.tell_buyer_order_shipped", (order.pk, "shunfeng", "SF1234567890123")) in queued
    assert ("shop.tasks.tell_buyer_after_sale_changed", (request.pk, "rejected")) in queued
    assert not BuyerNotification.objects.exists()


def test_a_worker_tells_the_buyer_their_order_is_paid(committed_shop, celery_worker):
    shop = committed_shop
    sms.outbox.clear()
    with schema_context(shop.store.schema_name):
        order = shop.place([(shop.small, 1)])
        shop.pay(order)

        notice = wait_for(
            lambda: BuyerNotification.objects.filter(buyer=shop.buyer, kind="order_paid").first()
        )
    assert notice is not None and notice.link == f"/orders/{order.number}/"
    texts = wait_for(lambda: [m.text for m in sms.outbox if m.phone == shop.buyer.phone])
    assert len(texts) == 1 and order.number in texts[0]
