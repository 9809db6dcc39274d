"""A refused refund sent again over the staff API: the order shows why it failed and whether it can be
tried again; the roles that handle money or after-sales send it, others get a 403, another order's or
another store's id a 404, and a second try of the same refund a 409."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from shop.models import Refund
from shop.services import aftersales, refunds
from tests.conftest import owner_of
from tests.shop.api.conftest import Api, staff_api
from tests.shop.console.conftest import ask_refund, paid_order


@pytest.fixture
def failed(shop):
    """A refund only of 8.80, agreed, that the provider refused."""
    with schema_context(shop.store.schema_name):
        request = ask_refund(shop, paid_order(shop), amount="8.80")
        aftersales.approve_after_sale(actor=owner_of(shop.store), after_sale=request)
        refund = Refund.objects.get(after_sale=request)
        refunds.fail_refund(refund=refund, message="NOT_ENOUGH")
        other = paid_order(shop)
    connection.set_schema_to_public()
    return refund, other


def url(order_id, refund_id) -> str:
    return f"/api/v1/orders/{order_id}/refunds/{refund_id}/retry/"


def test_the_order_says_why_a_refund_failed_and_it_is_sent_again(shop, owner_api, failed, eager_tasks):
    refund, _other = failed
    shown = owner_api.get(f"/api/v1/orders/{refund.order_id}/").json()["refunds"]
    assert shown == [
        {
            **shown[0],
            "id": refund.pk,
            "status": "failed",
            "failure": "NOT_ENOUGH",
            "amount": "8.80",
            "can_retry": True,
            "retry_of": None,
        }
    ]
    with schema_context(shop.store.schema_name), eager_tasks(execute=True):
        response = owner_api.client.post(url(refund.order_id, refund.pk))
    connection.set_schema_to_public()
    assert response.status_code == 200, response.content
    first, again = response.json()["refunds"]
    assert (first["can_retry"], again["retry_of"], again["amount"]) == (False, refund.out_refund_no, "8.80")
    with schema_context(shop.store.schema_name):
        assert Refund.objects.get(retry_of=refund).status == Refund.Status.SUCCEEDED

    twice = owner_api.post(url(refund.order_id, refund.pk))
    assert twice.status_code == 409 and twice.json()["code"] == "illegal_transition"


@pytest.mark.parametrize("role", ["finance", "customer_service"])
def test_money_and_after_sales_roles_send_it(shop, failed, role):
    refund, _other = failed
    assert staff_api(shop.store, role).post(url(refund.order_id, refund.pk)).status_code == 200


def test_others_cannot(shop, failed, buyer_api, store_b):
    refund, other = failed
    refused = staff_api(shop.store, "operations").post(url(refund.order_id, refund.pk))
    assert refused.status_code == 403
    assert buyer_api.post(url(refund.order_id, refund.pk)).status_code in (401, 403)
    assert Api(shop.store).post(url(refund.order_id, refund.pk)).status_code == 401
    # Another order's path, an unknown refund, and store B's owner with store A's ids.
    assert Api(shop.store, owner_of(shop.store)).post(url(other.pk, refund.pk)).status_code == 404
    assert Api(shop.store, owner_of(shop.store)).post(url(refund.order_id, 987654321)).status_code == 404
    stranger = Api(shop.store)
    stranger.client.defaults["HTTP_AUTHORIZATION"] = Api(store_b, owner_of(store_b)).client.defaults[
        "HTTP_AUTHORIZATION"
    ]
    assert stranger.post(url(refund.order_id, refund.pk)).status_code in (401, 403)
    with schema_context(shop.store.schema_name):
        assert not Refund.objects.filter(retry_of=refund).exists()
