"""What the shop does with tracking answers: a shipment takes the newest news once (a repeated or older
answer changes nothing), a parcel signed for writes the order's "delivered" event and announces it once,
and parcels are subscribed and asked about through the provider the platform has."""

import datetime
import json
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from shop.events import shipment_delivered
from shop.models import OrderEvent, Shipment
from shop.services.tracking_updates import (
    MAX_EVENT_TEXT,
    MAX_EVENTS,
    record_tracking,
    record_tracking_push,
    refresh_tracking,
    start_tracking,
)
from shop.tracking.base import TrackingEvent, TrackingNotConfigured, TrackingPush, TrackingResult
from shop.tracking.kuaidi100 import QUERY_URL, SUBSCRIBE_URL, read_result
from tenants.activity.models import ActivityEntry
from tenants.links import store_url
from tests.shop.tracking.fakes import (
    ARRIVED,
    COLLECTED,
    DEPARTED,
    OUT_FOR_DELIVERY,
    SIGNED,
    make_order,
    make_shipment,
    query_answer,
)

State = Shipment.State


def kuaidi100_result(state: str, *events) -> TrackingResult:
    return read_result(query_answer("zhongtong", "-", state, *events))


@pytest.fixture
def delivered_announcements():
    seen = []

    def listener(sender, **kwargs):
        seen.append(kwargs)

    shipment_delivered.connect(listener)
    yield seen
    shipment_delivered.disconnect(listener)


def test_the_first_news_of_a_parcel_is_recorded(in_store_a):
    shipment = make_shipment()
    stored = record_tracking(shipment=shipment, result=kuaidi100_result("0", COLLECTED, DEPARTED))

    stored.refresh_from_db()
    assert stored.state == State.IN_TRANSIT
    assert [event["text"] for event in stored.tracking] == [DEPARTED[1], COLLECTED[1]]
    assert datetime.datetime.fromisoformat(stored.tracking[0]["time"]) == datetime.datetime.fromisoformat(
        "2026-11-28T21:03:05+08:00"
    )
    assert stored.tracked_at is not None
    # in transit it was, in transit it is: no state change to log
    assert not ActivityEntry.objects.filter(action="shipment.state_changed").exists()


def test_the_same_news_twice_changes_nothing_the_second_time(in_store_a):
    shipment = make_shipment()
    result = kuaidi100_result("5", COLLECTED, DEPARTED, ARRIVED, OUT_FOR_DELIVERY)
    first = record_tracking(shipment=shipment, result=result)
    again = record_tracking(shipment=shipment, result=result)

    assert again.tracked_at == first.tracked_at
    assert again.tracking == first.tracking
    entries = ActivityEntry.objects.filter(action="shipment.state_changed")
    assert [entry.changes for entry in entries] == [{"state": ["in_transit", "out_for_delivery"]}]
    assert entries[0].actor is None and entries[0].note == OUT_FOR_DELIVERY[1]


def test_older_news_arriving_late_never_overwrites_newer(in_store_a):
    shipment = make_shipment()
    record_tracking(
        shipment=shipment, result=kuaidi100_result("5", COLLECTED, DEPARTED, ARRIVED, OUT_FOR_DELIVERY)
    )
    record_tracking(shipment=shipment, result=kuaidi100_result("0", COLLECTED, DEPARTED))

    shipment.refresh_from_db()
    assert shipment.state == State.OUT_FOR_DELIVERY
    assert len(shipment.tracking) == 4


def test_an_answer_with_no_events_changes_nothing(in_store_a):
    shipment = make_shipment()
    record_tracking(shipment=shipment, result=kuaidi100_result("0", COLLECTED))
    record_tracking(shipment=shipment, result=TrackingResult(state=State.PROBLEM, events=()))
    shipment.refresh_from_db()
    assert shipment.state == State.IN_TRANSIT and len(shipment.tracking) == 1


def test_a_new_event_in_the_same_second_as_the_last_is_still_news(in_store_a):
    shipment = make_shipment()
    record_tracking(shipment=shipment, result=kuaidi100_result("0", COLLECTED))
    same_second = (COLLECTED[0], "【杭州市】快件已到达 杭州余杭区仓前网点")
    record_tracking(shipment=shipment, result=kuaidi100_result("0", COLLECTED, same_second))
    shipment.refresh_from_db()
    assert len(shipment.tracking) == 2


def test_a_parcel_signed_for_writes_the_delivered_event_and_announces_it_once(
    in_store_a, delivered_announcements, django_capture_on_commit_callbacks
):
    order = make_order()
    shipment = make_shipment(order=order)
    result = kuaidi100_result("3", COLLECTED, DEPARTED, ARRIVED, OUT_FOR_DELIVERY, SIGNED)
    with django_capture_on_commit_callbacks(execute=True):
        record_tracking(shipment=shipment, result=result)
        record_tracking(shipment=shipment, result=result)
        # even newer news of the same parcel does not deliver it twice
        later = ("2026-11-30 12:00:00", "【北京市】快件已签收，签收照片已上传")
        record_tracking(shipment=shipment, result=kuaidi100_result("3", COLLECTED, SIGNED, later))

    [delivered] = OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.DELIVERED)
    assert delivered.message == SIGNED[1]
    assert delivered.actor is None and delivered.actor_role == "system"
    assert delivered.data == {
        "shipment_id": shipment.pk,
        "carrier": "zhongtong",
        "tracking_number": shipment.tracking_number,
        "delivered_at": "2026-11-30T11:26:53+08:00",
    }
    assert delivered_announcements == [
        {
            "signal": shipment_delivered,
            "order_id": order.pk,
            "buyer_id": order.buyer_id,
            "shipment_id": shipment.pk,
            "delivered_at": result.delivered_at,
        }
    ]


def test_the_delivery_is_announced_only_once_the_change_commits(in_store_a, delivered_announcements):
    shipment = make_shipment()
    record_tracking(shipment=shipment, result=kuaidi100_result("3", COLLECTED, SIGNED))
    assert delivered_announcements == []  # the test's transaction never commits


def test_each_parcel_of_an_order_is_delivered_on_its_own(in_store_a):
    order = make_order()
    first, second = make_shipment(order=order), make_shipment(order=order)
    record_tracking(shipment=first, result=kuaidi100_result("3", COLLECTED, SIGNED))
    record_tracking(shipment=second, result=kuaidi100_result("5", COLLECTED, OUT_FOR_DELIVERY))
    record_tracking(shipment=second, result=kuaidi100_result("3", COLLECTED, OUT_FOR_DELIVERY, SIGNED))
    events = OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.DELIVERED)
    assert sorted(e.data["shipment_id"] for e in events) == sorted([first.pk, second.pk])


def test_event_texts_are_stored_clean_and_the_timeline_bounded(in_store_a):
    shipment = make_shipment()
    start = timezone.now() - datetime.timedelta(days=2)
    events = [
        TrackingEvent(start + datetime.timedelta(minutes=n), f"第{n}站\x00\x07 \ud800" + "长" * 400)
        for n in range(MAX_EVENTS + 20)
    ]
    stored = record_tracking(shipment=shipment, result=TrackingResult(State.IN_TRANSIT, tuple(events)))
    stored.refresh_from_db()
    assert len(stored.tracking) == MAX_EVENTS
    newest = stored.tracking[0]["text"]
    assert newest.startswith(f"第{MAX_EVENTS + 19}站") and "\x00" not in newest and "\ud800" not in newest
    assert len(newest) == MAX_EVENT_TEXT


def test_a_push_is_matched_to_the_stores_parcel_by_carrier_and_number(in_store_a):
    shipment = make_shipment()
    push = TrackingPush("zhongtong", shipment.tracking_number, kuaidi100_result("0", COLLECTED))
    assert record_tracking_push(push=push).pk == shipment.pk
    unknown = TrackingPush("zhongtong", "78999999999999", kuaidi100_result("3", SIGNED))
    wrong_carrier = TrackingPush("yunda", shipment.tracking_number, kuaidi100_result("3", SIGNED))
    assert record_tracking_push(push=unknown) is None
    assert record_tracking_push(push=wrong_carrier) is None
    shipment.refresh_from_db()
    assert shipment.state == State.IN_TRANSIT


# --- asking the provider -----------------------------------------------------------------------------------


def test_refreshing_asks_the_sandbox_and_records_its_timeline(in_store_a, sandbox):
    shipment = make_shipment(shipped_at=timezone.now() - datetime.timedelta(days=3))
    refreshed = refresh_tracking(shipment=shipment)
    assert refreshed.state == State.DELIVERED
    assert "已签收" in refreshed.tracking[0]["text"]
    assert OrderEvent.objects.filter(order=shipment.order, kind=OrderEvent.Kind.DELIVERED).count() == 1


def test_refreshing_through_kuaidi100_sends_the_phone_only_for_sf_express(in_store_a, kuaidi100, rsps):
    rsps.post(QUERY_URL, json=query_answer("shunfeng", "SF1401234567890", "0", COLLECTED))
    order = make_order(contact_phone="+86 138-1234-5678")
    sf = make_shipment(order=order, carrier="shunfeng", number="SF1401234567890")
    zto = make_shipment(order=order)
    refresh_tracking(shipment=sf)
    refresh_tracking(shipment=zto)

    sent = [json.loads(parse_qs(call.request.body)["param"][0]) for call in rsps.calls]
    assert sent == [
        {"com": "shunfeng", "num": "SF1401234567890", "phone": "8613812345678"},
        {"com": "zhongtong", "num": zto.tracking_number},
    ]


def test_a_shipped_parcel_is_subscribed_with_the_push_endpoint_of_its_own_store(
    in_store_a, kuaidi100, rsps, settings
):
    settings.PUBLIC_URL_SCHEME, settings.PUBLIC_PORT = "https", ""
    rsps.post(SUBSCRIBE_URL, json={"result": True, "returnCode": "200", "message": "提交成功"})
    shipment = make_shipment()
    start_tracking(shipment=shipment, store=in_store_a)

    param = json.loads(parse_qs(rsps.calls[0].request.body)["param"][0])
    callback = param["parameters"]["callbackurl"]
    assert callback == store_url(in_store_a, "/api/v1/webhooks/tracking/kuaidi100/")
    assert callback.startswith(f"https://{in_store_a.host}/")
    assert (param["company"], param["number"]) == ("zhongtong", shipment.tracking_number)


def test_a_parcel_shipped_with_the_sandbox_shows_its_first_event_at_once(in_store_a, sandbox):
    shipment = make_shipment()
    start_tracking(shipment=shipment, store=in_store_a)
    shipment.refresh_from_db()
    assert len(shipment.tracking) == 1 and "已揽收" in shipment.tracking[0]["text"]


def test_without_a_tracking_provider_nothing_is_asked(in_store_a, no_tracking):
    shipment = make_shipment()
    with pytest.raises(TrackingNotConfigured):
        refresh_tracking(shipment=shipment)
    with pytest.raises(TrackingNotConfigured):
        start_tracking(shipment=shipment, store=in_store_a)
