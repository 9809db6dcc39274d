"""The parcels of an order as its pages show them: carrier name and state in the reader's language, the
number, and the carrier's events newest first."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from shop.models import Order, Shipment
from shop.selectors.tracking import shipment_timeline
from shop.services.tracking_updates import record_tracking
from shop.tracking.kuaidi100 import read_result
from tests.shop.tracking.fakes import (
    COLLECTED,
    DEPARTED,
    OUT_FOR_DELIVERY,
    make_order,
    make_shipment,
    query_answer,
)


def test_each_parcel_shows_its_carrier_number_state_and_events(in_store_a):
    order = make_order()
    first = make_shipment(order=order, carrier="shunfeng", number="SF1401234567890")
    record_tracking(
        shipment=first,
        result=read_result(query_answer("shunfeng", "-", "5", COLLECTED, DEPARTED, OUT_FOR_DELIVERY)),
    )
    make_shipment(order=order, shipped_at=first.shipped_at + datetime.timedelta(hours=1))

    with translation.override("zh-hans"):
        sf, zto = shipment_timeline(order)
    assert (sf.carrier, sf.carrier_name, sf.tracking_number) == ("shunfeng", "顺丰速运", "SF1401234567890")
    assert (sf.state, sf.state_label) == (Shipment.State.OUT_FOR_DELIVERY, "派送中")
    assert [event.text for event in sf.events] == [OUT_FOR_DELIVERY[1], DEPARTED[1], COLLECTED[1]]
    assert sf.latest == sf.events[0]
    assert sf.latest.time == datetime.datetime.fromisoformat("2026-11-30T08:05:00+08:00")
    assert sf.tracked_at is not None
    assert (zto.carrier_name, zto.state_label, zto.events, zto.latest, zto.tracked_at) == (
        "中通快递",
        "运输中",
        (),
        None,
        None,
    )

    with translation.override("en"):
        [sf_en, _zto] = shipment_timeline(order)
    assert (sf_en.carrier_name, sf_en.state_label) == ("SF Express", "Out for delivery")


def test_the_timeline_of_an_order_with_its_parcels_prefetched_needs_no_query(in_store_a):
    order = make_order()
    for _ in range(3):
        make_shipment(order=order)
    order = Order.objects.prefetch_related("shipments").get(pk=order.pk)
    with CaptureQueriesContext(connection) as queries:
        assert len(shipment_timeline(order)) == 3
    assert len(queries) == 0
