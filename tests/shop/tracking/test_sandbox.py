"""The sandbox: with no credentials, every parcel has a believable Chinese timeline that grows from the
moment it shipped — collected, through transfer centres, out for delivery, signed for in two to three
days. Time is moved by moving `shipped_at` back."""

import datetime

import pytest
from django.utils import timezone

from shop.models import Shipment
from shop.tracking.base import InvalidTrackingPush
from shop.tracking.sandbox import SandboxTracking

State = Shipment.State
NUMBER = "SF1401234567890"


def ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def test_a_parcel_just_shipped_is_collected():
    result = SandboxTracking().query("shunfeng", NUMBER, shipped_at=ago(seconds=1))
    assert result.state == State.IN_TRANSIT
    assert result.delivered_at is None
    [collected] = result.events
    assert "顺丰速运" in collected.text and "已揽收" in collected.text


def test_the_timeline_moves_on_step_by_step_as_time_passes():
    sandbox = SandboxTracking()
    base = timezone.now()
    steps = sandbox.timeline("shunfeng", NUMBER, base)
    assert [state for _time, state, _text in steps][-2:] == [State.OUT_FOR_DELIVERY, State.DELIVERED]
    for count, (when, state, text) in enumerate(steps, start=1):
        # shipped just long enough ago for this step to have happened
        result = sandbox.query(
            "shunfeng", NUMBER, shipped_at=timezone.now() - (when - base) - datetime.timedelta(seconds=1)
        )
        assert len(result.events) == count
        assert result.state == state
        assert result.events[0].text == text
        times = [event.time for event in result.events]
        assert times == sorted(times, reverse=True)  # newest first


def test_a_parcel_passes_through_hubs_is_out_for_delivery_then_signed_for_within_three_days():
    sandbox = SandboxTracking()
    texts = [text for _time, _state, text in sandbox.timeline("zhongtong", "78123456789012", timezone.now())]
    assert "已揽收" in texts[0]
    assert sum("转运中心" in text for text in texts) >= 4
    assert "正在为您派件" in texts[-2]
    assert "已签收" in texts[-1] and "中通快递" in texts[-1]

    assert sandbox.query("zhongtong", "78123456789012", shipped_at=ago(hours=45)).state != State.DELIVERED
    delivered = sandbox.query("zhongtong", "78123456789012", shipped_at=ago(days=3))
    assert delivered.state == State.DELIVERED
    assert delivered.delivered_at == delivered.events[0].time
    assert ago(days=3) + datetime.timedelta(hours=46) <= delivered.delivered_at <= timezone.now()


def test_the_same_parcel_reads_the_same_every_time_and_parcels_differ():
    sandbox = SandboxTracking()
    shipped = ago(hours=20)
    assert sandbox.query("yunda", "4312345678901", shipped_at=shipped) == sandbox.query(
        "yunda", "4312345678901", shipped_at=shipped
    )
    first_events = {sandbox.timeline("yunda", f"43123456789{n:02d}", shipped)[0][2] for n in range(20)}
    assert len(first_events) > 1  # not every parcel leaves from the same place


def test_subscribing_does_nothing_and_a_push_is_refused():
    sandbox = SandboxTracking()
    assert sandbox.pushes is False
    assert (
        sandbox.subscribe("shunfeng", NUMBER, "https://store-a.localhost/api/v1/webhooks/tracking/kuaidi100/")
        is None
    )
    with pytest.raises(InvalidTrackingPush):
        sandbox.parse_callback(headers={}, form={"param": "{}", "sign": "X"})
    answer = sandbox.acknowledge(False, message="no")
    assert answer.status == 400 and b'"result": false' in answer.body
