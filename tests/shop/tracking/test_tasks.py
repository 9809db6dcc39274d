"""The periodic refresh: beat fans it out to every live store; in a store it asks about the parcels in
transit that have been quiet too long (with the sandbox, every run; with Kuaidi100, only as the safety net
for a lost push, each parcel at most once in six hours); and a parcel that ships is subscribed."""

import datetime
import json
from urllib.parse import parse_qs

import pytest
import requests
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from config.celery import app
from shop import events, tasks
from shop.models import Order, Shipment
from shop.tracking.kuaidi100 import QUERY_URL, SUBSCRIBE_URL
from tenants.activity.models import ActivityEntry
from tenants.models import Store
from tenants.tasks import active_stores
from tests.conftest import STORE_A, STORE_B
from tests.shop.tracking.fakes import COLLECTED, SIGNED, make_shipment, query_answer

State = Shipment.State


def ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def test_beat_refreshes_parcel_tracking_every_half_hour():
    entry = django_settings.CELERY_BEAT_SCHEDULE["refresh-parcel-tracking"]
    assert entry == {"task": "shop.tasks.refresh_parcel_tracking", "schedule": 1800.0}
    assert entry["task"] in app.tasks


def test_the_beat_job_queues_one_refresh_per_live_store(db, sandbox):
    assert tasks.refresh_parcel_tracking() == active_stores().count() >= 2


def test_without_a_tracking_provider_the_beat_job_queues_nothing(db, no_tracking):
    assert tasks.refresh_parcel_tracking() == 0


def test_in_a_store_the_sandbox_is_asked_about_every_parcel_in_transit(in_store_a, sandbox):
    arriving = make_shipment(shipped_at=ago(days=3))
    on_its_way = make_shipment(shipped_at=ago(hours=10))
    delivered = make_shipment(shipped_at=ago(days=4), state=State.DELIVERED)
    forgotten = make_shipment(shipped_at=ago(days=40))

    assert tasks.refresh_store_tracking() == 2
    assert Shipment.objects.get(pk=arriving.pk).state == State.DELIVERED
    assert len(Shipment.objects.get(pk=on_its_way.pk).tracking) >= 2
    assert Shipment.objects.get(pk=delivered.pk).tracking == []
    assert Shipment.objects.get(pk=forgotten.pk).tracking == []
    # the next run asks again about what is still on its way: the sandbox never pushes
    assert tasks.refresh_store_tracking() == 1


def test_with_kuaidi100_only_parcels_quiet_for_six_hours_are_asked_about_once_in_six_hours(
    in_store_a, kuaidi100, rsps
):
    quiet = make_shipment(shipped_at=ago(days=2), tracked_at=ago(hours=7))
    no_news_yet = make_shipment(shipped_at=ago(hours=8))
    make_shipment(shipped_at=ago(days=2), tracked_at=ago(hours=1))  # pushed lately
    make_shipment(shipped_at=ago(hours=1))  # just shipped: its first push is still to come

    def kuaidi100_answers(request):
        number = json.loads(parse_qs(request.body)["param"][0])["num"]
        if number == quiet.tracking_number:
            return 200, {}, json.dumps(query_answer("zhongtong", number, "3", COLLECTED, SIGNED))
        return (
            200,
            {},
            json.dumps({"result": False, "returnCode": "500", "message": "查询无结果，请隔段时间再查"}),
        )

    rsps.add_callback("POST", QUERY_URL, callback=kuaidi100_answers)

    assert tasks.refresh_store_tracking() == 2
    asked = {json.loads(parse_qs(call.request.body)["param"][0])["num"] for call in rsps.calls}
    assert asked == {quiet.tracking_number, no_news_yet.tracking_number}
    assert Shipment.objects.get(pk=quiet.pk).state == State.DELIVERED
    assert Shipment.objects.get(pk=no_news_yet.pk).tracking == []
    # still no news of the second one, but it was asked about: not again before six hours
    assert tasks.refresh_store_tracking() == 0
    assert len(rsps.calls) == 2


def test_kuaidi100_being_down_ends_the_run(in_store_a, kuaidi100, rsps):
    for _ in range(3):
        make_shipment(shipped_at=ago(days=1))
    rsps.post(QUERY_URL, body=requests.exceptions.ConnectTimeout("timed out"))
    assert tasks.refresh_store_tracking() == 1
    assert len(rsps.calls) == 1


def test_a_parcel_that_ships_is_queued_for_subscription(in_store_a, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.start_parcel_tracking, "delay", lambda *args: queued.append(args))
    events.order_shipped.send(
        sender=None, order_id=1, buyer_id=2, carrier="zhongtong", tracking_number="78123456789012"
    )
    assert queued == [("zhongtong", "78123456789012")]


def test_the_subscription_task_subscribes_the_parcel_at_kuaidi100(in_store_a, kuaidi100, rsps):
    rsps.post(SUBSCRIBE_URL, json={"result": True, "returnCode": "200", "message": "提交成功"})
    shipment = make_shipment()
    assert tasks.start_parcel_tracking(shipment.carrier, shipment.tracking_number) is True
    assert len(rsps.calls) == 1


def test_a_refused_subscription_is_logged_and_left_to_the_refresh(in_store_a, kuaidi100, rsps):
    rsps.post(SUBSCRIBE_URL, json={"result": False, "returnCode": "700", "message": "不支持的快递公司"})
    shipment = make_shipment()
    assert tasks.start_parcel_tracking(shipment.carrier, shipment.tracking_number) is False


def test_the_subscription_task_skips_what_it_cannot_track(in_store_a, no_tracking):
    shipment = make_shipment()
    assert tasks.start_parcel_tracking(shipment.carrier, shipment.tracking_number) is False


@pytest.fixture
def celery_worker(committed_db):
    app.conf.update(result_expires=60)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    connection.set_schema_to_public()


def test_a_worker_runs_the_refresh_inside_the_store_that_queued_it(celery_worker, sandbox):
    # Committed data, so the worker's connection sees it (the store fixtures run in a test transaction).
    store_a = Store.objects.get(slug=STORE_A["subdomain"])
    store_b = Store.objects.get(slug=STORE_B["subdomain"])
    with schema_context(store_a.schema_name):
        shipment = make_shipment(shipped_at=ago(days=3))
    try:
        with schema_context(store_b.schema_name):
            assert tasks.refresh_store_tracking.delay().get(timeout=20) == 0
        with schema_context(store_a.schema_name):
            assert tasks.refresh_store_tracking.delay().get(timeout=20) == 1
            assert Shipment.objects.get(pk=shipment.pk).state == State.DELIVERED
    finally:
        with schema_context(store_a.schema_name):
            order = Order.objects.get(pk=shipment.order_id)
            buyer = order.buyer
            ActivityEntry.objects.filter(target_type="shipment", target_id=str(shipment.pk)).delete()
            order.delete()
            get_user_model().objects.filter(pk=buyer.pk).delete()
        connection.set_schema_to_public()
