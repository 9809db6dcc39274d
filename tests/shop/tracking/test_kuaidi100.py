"""The Kuaidi100 client against a fake Kuaidi100 at the HTTP layer: the signed query and subscription it
sends, how it reads answers and pushes, its signature checks, and every failure as a clear domain error."""

import datetime
import json
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
import requests

from shop.models import Shipment
from shop.tracking.base import (
    InvalidTrackingPush,
    TrackingProviderError,
    TrackingUnavailable,
    state_from_kuaidi100,
)
from shop.tracking.kuaidi100 import QUERY_URL, SUBSCRIBE_URL
from tests.shop.tracking.fakes import (
    ARRIVED,
    COLLECTED,
    CUSTOMER,
    DEPARTED,
    KEY,
    OUT_FOR_DELIVERY,
    SALT,
    SIGNED,
    md5_upper,
    push_form,
    push_param,
    query_answer,
)

State = Shipment.State
CHINA = ZoneInfo("Asia/Shanghai")
NUMBER = "78123456789012"
CALLBACK = "https://store-a.fenxiao.example/api/v1/webhooks/tracking/kuaidi100/"


def sent_form(rsps, index=-1) -> dict:
    request = rsps.calls[index].request
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    return {name: values[0] for name, values in parse_qs(request.body, strict_parsing=True).items()}


# --- query -------------------------------------------------------------------------------------------------


def test_a_query_posts_customer_param_and_the_upper_case_md5_of_param_key_customer(kuaidi100, rsps):
    rsps.post(QUERY_URL, json=query_answer("zhongtong", NUMBER, "0", COLLECTED, DEPARTED))
    kuaidi100.query("zhongtong", NUMBER)

    param = '{"com":"zhongtong","num":"78123456789012"}'
    assert sent_form(rsps) == {
        "customer": CUSTOMER,
        "param": param,
        "sign": md5_upper(param + KEY + CUSTOMER),
    }
    assert len(md5_upper(param)) == 32 and md5_upper(param).isupper()


def test_a_query_for_sf_express_carries_the_recipients_phone(kuaidi100, rsps):
    rsps.post(QUERY_URL, json=query_answer("shunfeng", "SF1401234567890", "0", COLLECTED))
    kuaidi100.query("shunfeng", "SF1401234567890", phone="13812345678")

    form = sent_form(rsps)
    assert json.loads(form["param"]) == {"com": "shunfeng", "num": "SF1401234567890", "phone": "13812345678"}
    assert form["sign"] == md5_upper(form["param"] + KEY + CUSTOMER)


def test_a_query_answer_reads_as_the_state_and_the_events_newest_first_in_china_time(kuaidi100, rsps):
    answer = query_answer("zhongtong", NUMBER, "3", COLLECTED, DEPARTED, ARRIVED, OUT_FOR_DELIVERY, SIGNED)
    answer["data"].reverse()  # whatever order Kuaidi100 sends them in
    rsps.post(QUERY_URL, json=answer)
    result = kuaidi100.query("zhongtong", NUMBER)

    assert result.state == State.DELIVERED
    assert [event.text for event in result.events] == [
        SIGNED[1],
        OUT_FOR_DELIVERY[1],
        ARRIVED[1],
        DEPARTED[1],
        COLLECTED[1],
    ]
    signed_at = datetime.datetime(2026, 11, 30, 11, 26, 53, tzinfo=CHINA)
    assert result.events[0].time == signed_at
    assert result.delivered_at == signed_at
    assert result.delivered_at.astimezone(datetime.UTC).hour == 3


def test_an_event_with_an_unreadable_time_is_left_out_not_the_whole_timeline(kuaidi100, rsps):
    answer = query_answer("zhongtong", NUMBER, "0", COLLECTED, DEPARTED)
    answer["data"].append({"context": "?", "time": "yesterday", "ftime": "yesterday"})
    answer["data"].append("not an event")
    rsps.post(QUERY_URL, json=answer)
    assert [e.text for e in kuaidi100.query("zhongtong", NUMBER).events] == [DEPARTED[1], COLLECTED[1]]


def test_kuaidi100_having_no_records_yet_is_a_clear_error(kuaidi100, rsps):
    rsps.post(QUERY_URL, json={"result": False, "returnCode": "500", "message": "查询无结果，请隔段时间再查"})
    with pytest.raises(TrackingProviderError) as caught:
        kuaidi100.query("zhongtong", NUMBER)
    error = caught.value
    assert not isinstance(error, TrackingUnavailable)
    assert error.provider_code == "500" and "查询无结果" in error.message
    assert error.details() == {"provider": "kuaidi100", "provider_code": "500"}


@pytest.mark.parametrize(
    "answer, error_class, provider_code",
    [
        ({"body": requests.exceptions.ConnectTimeout("timed out")}, TrackingUnavailable, "NETWORK"),
        ({"body": requests.exceptions.ConnectionError("refused")}, TrackingUnavailable, "NETWORK"),
        ({"status": 502, "body": "<html>Bad Gateway</html>"}, TrackingUnavailable, "HTTP_502"),
        ({"status": 404, "body": "not found"}, TrackingProviderError, "HTTP_404"),
        ({"status": 200, "body": "<html>维护中</html>"}, TrackingProviderError, "UNEXPECTED"),
        ({"status": 200, "json": ["not", "an", "object"]}, TrackingProviderError, "UNEXPECTED"),
        (
            {"json": {"result": False, "returnCode": "601", "message": "POLL:KEY已过期"}},
            TrackingProviderError,
            "601",
        ),
    ],
)
def test_a_failed_query_is_a_domain_error_never_a_crash(kuaidi100, rsps, answer, error_class, provider_code):
    rsps.post(QUERY_URL, **answer)
    with pytest.raises(error_class) as caught:
        kuaidi100.query("zhongtong", NUMBER)
    assert caught.value.provider_code == provider_code
    assert caught.value.message


def test_requests_to_kuaidi100_have_a_timeout(kuaidi100, monkeypatch):
    seen = {}

    def post(url, **kwargs):
        seen.update(kwargs)
        raise requests.exceptions.ReadTimeout("slow")

    monkeypatch.setattr(requests, "post", post)
    with pytest.raises(TrackingUnavailable):
        kuaidi100.query("zhongtong", NUMBER)
    assert seen["timeout"]


# --- subscription ------------------------------------------------------------------------------------------


def test_a_subscription_posts_schema_json_and_the_param_with_key_callback_url_and_salt(kuaidi100, rsps):
    rsps.post(SUBSCRIBE_URL, json={"result": True, "returnCode": "200", "message": "提交成功"})
    kuaidi100.subscribe("shunfeng", "SF1401234567890", CALLBACK, phone="13812345678")

    form = sent_form(rsps)
    assert set(form) == {"schema", "param"}
    assert form["schema"] == "json"
    assert json.loads(form["param"]) == {
        "company": "shunfeng",
        "number": "SF1401234567890",
        "key": KEY,
        "parameters": {"callbackurl": CALLBACK, "salt": SALT, "phone": "13812345678"},
    }


def test_subscribing_a_parcel_kuaidi100_already_watches_is_fine(kuaidi100, rsps):
    rsps.post(SUBSCRIBE_URL, json={"result": False, "returnCode": "501", "message": "重复订阅"})
    kuaidi100.subscribe("zhongtong", NUMBER, CALLBACK)
    assert "phone" not in json.loads(sent_form(rsps)["param"])["parameters"]


@pytest.mark.parametrize(
    "answer, error_class, provider_code",
    [
        (
            {"json": {"result": False, "returnCode": "600", "message": "您不是合法的订阅者"}},
            TrackingProviderError,
            "600",
        ),
        (
            {"json": {"result": False, "returnCode": "700", "message": "不支持的快递公司"}},
            TrackingProviderError,
            "700",
        ),
        ({"status": 503, "body": ""}, TrackingUnavailable, "HTTP_503"),
        ({"body": requests.exceptions.ReadTimeout("slow")}, TrackingUnavailable, "NETWORK"),
    ],
)
def test_a_refused_subscription_is_a_domain_error(kuaidi100, rsps, answer, error_class, provider_code):
    rsps.post(SUBSCRIBE_URL, **answer)
    with pytest.raises(error_class) as caught:
        kuaidi100.subscribe("zhongtong", NUMBER, CALLBACK)
    assert caught.value.provider_code == provider_code


# --- pushes ------------------------------------------------------------------------------------------------


def test_a_push_signed_with_our_salt_reads_as_the_parcel_and_its_news(kuaidi100):
    form = push_form("zhongtong", NUMBER, "5", COLLECTED, DEPARTED, ARRIVED, OUT_FOR_DELIVERY)
    carrier, number, result = kuaidi100.parse_callback(headers={}, form=form)
    assert (carrier, number) == ("zhongtong", NUMBER)
    assert result.state == State.OUT_FOR_DELIVERY
    assert result.events[0].text == OUT_FOR_DELIVERY[1] and len(result.events) == 4
    assert result.delivered_at is None


def test_a_push_with_a_tampered_param_is_refused(kuaidi100):
    form = push_form("zhongtong", NUMBER, "0", COLLECTED)
    form["param"] = form["param"].replace('"state": "0"', '"state": "3"')
    assert '"state": "3"' in form["param"]
    with pytest.raises(InvalidTrackingPush, match="signature"):
        kuaidi100.parse_callback(headers={}, form=form)


@pytest.mark.parametrize(
    "sign",
    [
        md5_upper(push_param("zhongtong", NUMBER, "3", SIGNED) + "another-salt"),
        md5_upper(push_param("zhongtong", NUMBER, "3", SIGNED)),  # no salt at all
        "0" * 32,
        "签名",
        "",
    ],
)
def test_a_push_with_a_wrong_or_missing_sign_is_refused(kuaidi100, sign):
    with pytest.raises(InvalidTrackingPush):
        kuaidi100.parse_callback(
            headers={}, form={"param": push_param("zhongtong", NUMBER, "3", SIGNED), "sign": sign}
        )


def test_a_push_without_its_fields_is_refused(kuaidi100):
    for form in ({}, {"param": "{}"}, {"sign": "A" * 32}):
        with pytest.raises(InvalidTrackingPush, match="missing"):
            kuaidi100.parse_callback(headers={}, form=form)


@pytest.mark.parametrize(
    "param",
    [
        "not json",
        "[]",
        json.dumps({"status": "polling"}),
        json.dumps({"lastResult": {"com": "zhongtong", "nu": ["78123456789012"]}}),
        json.dumps({"lastResult": {"com": "zhong tong", "nu": NUMBER}}),
        json.dumps({"lastResult": {"com": "zhongtong", "nu": "7" * 41}}),
        json.dumps({"lastResult": {"com": "zhongtong", "nu": "7812\u0000345"}}),
    ],
)
def test_a_correctly_signed_but_malformed_push_is_refused(kuaidi100, param):
    with pytest.raises(InvalidTrackingPush, match="malformed"):
        kuaidi100.parse_callback(headers={}, form={"param": param, "sign": md5_upper(param + SALT)})


def test_a_push_under_a_carrier_code_kuaidi100_corrected_names_the_parcel_as_we_subscribed_it(kuaidi100):
    form = push_form("yunda", NUMBER, "0", COLLECTED, autoCheck="1", comOld="zhongtong", comNew="yunda")
    carrier, number, _result = kuaidi100.parse_callback(headers={}, form=form)
    assert (carrier, number) == ("zhongtong", NUMBER)


def test_a_push_that_kuaidi100_gave_up_on_carries_no_news(kuaidi100):
    form = push_form("zhongtong", NUMBER, "0", status="abort", message="3天查询无记录")
    _carrier, _number, result = kuaidi100.parse_callback(headers={}, form=form)
    assert result.events == ()


def test_the_push_answers_are_what_kuaidi100_expects(kuaidi100):
    ok = kuaidi100.acknowledge(True)
    assert (ok.status, ok.content_type) == (200, "application/json")
    assert json.loads(ok.body) == {"result": True, "returnCode": "200", "message": "成功"}
    refused = kuaidi100.acknowledge(False, message="the signature does not match")
    assert refused.status == 400
    assert json.loads(refused.body) == {
        "result": False,
        "returnCode": "400",
        "message": "the signature does not match",
    }


# --- states ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, state",
    [
        ("0", State.IN_TRANSIT),
        ("1", State.IN_TRANSIT),
        ("2", State.PROBLEM),
        ("3", State.DELIVERED),
        ("4", State.RETURNED),
        ("5", State.OUT_FOR_DELIVERY),
        ("6", State.RETURNED),
        ("7", State.IN_TRANSIT),
        ("14", State.PROBLEM),
        (3, State.DELIVERED),
        ("99", State.IN_TRANSIT),
        (None, State.IN_TRANSIT),
    ],
)
def test_kuaidi100_states_map_onto_the_shipments_states(code, state):
    assert state_from_kuaidi100(code) == state
