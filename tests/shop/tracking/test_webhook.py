"""The Kuaidi100 push endpoint, end to end on a store's host: csrf-exempt and unauthenticated (the
signature is the authentication), answering in Kuaidi100's own format, recording a push once, and finding
nothing for a parcel of another store."""

import json

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from drf_spectacular.generators import SchemaGenerator

from shop.models import OrderEvent, Shipment
from tenants.hosts import forget_store_hosts
from tenants.models import Store
from tests.shop.tracking.fakes import (
    ARRIVED,
    COLLECTED,
    DEPARTED,
    OUT_FOR_DELIVERY,
    SIGNED,
    make_shipment,
    md5_upper,
    push_form,
)

URL = "/api/v1/webhooks/tracking/kuaidi100/"
State = Shipment.State
OK = {"result": True, "returnCode": "200", "message": "成功"}


def kuaidi100_client(store) -> Client:
    # As Kuaidi100 calls: no session, no token, no CSRF token, and CSRF checks on.
    return Client(HTTP_HOST=store.host, enforce_csrf_checks=True)


def post(store, form):
    response = kuaidi100_client(store).post(URL, form)
    connection.set_schema_to_public()
    return response


def shipment_in(store, **fields) -> Shipment:
    with schema_context(store.schema_name):
        return make_shipment(**fields)


def reload(store, shipment) -> Shipment:
    with schema_context(store.schema_name):
        return Shipment.objects.get(pk=shipment.pk)


def test_a_signed_push_is_recorded_on_the_stores_parcel(store_a, kuaidi100):
    shipment = shipment_in(store_a)
    response = post(
        store_a, push_form("zhongtong", shipment.tracking_number, "5", COLLECTED, DEPARTED, OUT_FOR_DELIVERY)
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == OK
    stored = reload(store_a, shipment)
    assert stored.state == State.OUT_FOR_DELIVERY
    assert stored.tracking[0]["text"] == OUT_FOR_DELIVERY[1]


def test_the_same_push_twice_is_acknowledged_twice_and_changes_the_parcel_once(store_a, kuaidi100):
    shipment = shipment_in(store_a)
    form = push_form("zhongtong", shipment.tracking_number, "3", COLLECTED, ARRIVED, SIGNED)
    assert json.loads(post(store_a, form).content) == OK
    first = reload(store_a, shipment)
    assert json.loads(post(store_a, form).content) == OK

    again = reload(store_a, shipment)
    assert again.state == State.DELIVERED and again.tracked_at == first.tracked_at
    with schema_context(store_a.schema_name):
        assert (
            OrderEvent.objects.filter(order_id=shipment.order_id, kind=OrderEvent.Kind.DELIVERED).count() == 1
        )


def test_an_older_push_arriving_after_a_newer_one_is_acknowledged_and_ignored(store_a, kuaidi100):
    shipment = shipment_in(store_a)
    newer = push_form(
        "zhongtong", shipment.tracking_number, "5", COLLECTED, DEPARTED, ARRIVED, OUT_FOR_DELIVERY
    )
    older = push_form("zhongtong", shipment.tracking_number, "0", COLLECTED, DEPARTED)
    post(store_a, newer)
    assert post(store_a, older).status_code == 200
    assert reload(store_a, shipment).state == State.OUT_FOR_DELIVERY


@pytest.mark.parametrize("tamper", ["param", "sign", "salt"])
def test_a_push_that_does_not_verify_is_refused_with_a_4xx_in_kuaidi100s_format(store_a, kuaidi100, tamper):
    shipment = shipment_in(store_a)
    form = push_form("zhongtong", shipment.tracking_number, "3", COLLECTED, SIGNED)
    if tamper == "param":
        form["param"] = form["param"].replace(shipment.tracking_number, shipment.tracking_number[:-1] + "9")
    elif tamper == "sign":
        form["sign"] = md5_upper("forged")
    else:
        form = push_form("zhongtong", shipment.tracking_number, "3", COLLECTED, SIGNED, salt="guessed-salt")
    response = post(store_a, form)

    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["result"] is False and body["returnCode"] == "400"
    assert "signature" in body["message"]
    assert reload(store_a, shipment).tracking == []


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"param": "x"},
        {"param": "{}", "sign": md5_upper("{}" + "wrong")},
        {"param": "\x00", "sign": "\x00"},
    ],
)
def test_a_push_without_a_valid_body_is_refused_never_a_500(store_a, kuaidi100, form):
    assert post(store_a, form).status_code == 400


def test_a_push_for_a_parcel_the_store_does_not_have_is_acknowledged_and_ignored(store_a, kuaidi100):
    response = post(store_a, push_form("zhongtong", "78999999999999", "3", SIGNED))
    assert response.status_code == 200 and json.loads(response.content) == OK


def test_a_push_for_store_as_parcel_on_store_bs_host_finds_nothing(store_a, store_b, kuaidi100):
    shipment = shipment_in(store_a)
    response = post(store_b, push_form("zhongtong", shipment.tracking_number, "3", COLLECTED, SIGNED))

    assert response.status_code == 200 and json.loads(response.content) == OK
    assert reload(store_a, shipment).tracking == []
    with schema_context(store_b.schema_name):
        assert not Shipment.objects.filter(tracking_number=shipment.tracking_number).exists()


def test_a_suspended_store_still_records_the_news_of_its_parcels(store_a, kuaidi100):
    shipment = shipment_in(store_a)
    Store.objects.filter(pk=store_a.pk).update(status=Store.Status.SUSPENDED, status_reason="欠费")
    forget_store_hosts(store_a)
    response = post(store_a, push_form("zhongtong", shipment.tracking_number, "0", COLLECTED))
    assert response.status_code == 200
    assert len(reload(store_a, shipment).tracking) == 1


def test_the_endpoint_takes_posts_only(store_a, kuaidi100):
    response = kuaidi100_client(store_a).get(URL)
    connection.set_schema_to_public()
    assert response.status_code == 405


def test_the_endpoint_is_on_store_hosts_only(kuaidi100, platform_client):
    assert (
        platform_client.post(URL, push_form("zhongtong", "78123456789012", "0", COLLECTED)).status_code == 404
    )


def test_with_the_sandbox_a_push_is_refused(store_a, sandbox):
    shipment = shipment_in(store_a)
    response = post(store_a, push_form("zhongtong", shipment.tracking_number, "3", COLLECTED, SIGNED))
    assert response.status_code == 400 and json.loads(response.content)["result"] is False
    assert reload(store_a, shipment).tracking == []


def test_without_a_tracking_provider_the_endpoint_is_not_there(store_a, no_tracking):
    response = post(store_a, push_form("zhongtong", "78123456789012", "3", SIGNED))
    assert response.status_code == 404 and json.loads(response.content)["result"] is False


def test_the_push_endpoint_stays_out_of_the_api_docs(db):
    schema = SchemaGenerator(urlconf="config.urls_tenant").get_schema(request=None, public=True)
    assert schema["paths"] and not any("webhooks" in path for path in schema["paths"])
