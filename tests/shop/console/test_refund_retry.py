"""A refund the provider refused is sent again from the console — from the request it was for, or from
the order for a payment sent back in full — by the owner, an administrator, finance or customer service;
never by another role, another store, or twice."""

from django.db import connection

from shop.models import Refund
from shop.services import aftersales, refunds
from tests.conftest import host_client, signed_in_client
from tests.shop.console.conftest import ask_refund, paid_order, text


def failed_refund(shop, owner, amount="8.80"):
    request = ask_refund(shop, paid_order(shop), amount=amount)
    aftersales.approve_after_sale(actor=owner, after_sale=request)  # the refund waits for the worker
    refund = Refund.objects.get(after_sale=request)
    refunds.fail_refund(refund=refund, message="NOT_ENOUGH 商户可用退款余额不足")
    return request, refund


def retry_url(refund) -> str:
    return f"/console/orders/{refund.order_id}/refunds/{refund.pk}/retry/"


def test_the_owner_sends_a_refused_refund_again_from_its_request(shop, owner_client, owner, eager_tasks):
    request, refund = failed_refund(shop, owner)
    page = text(owner_client.get(f"/console/after-sales/{request.pk}/"))
    assert retry_url(refund) in page.split('id="refund-failed"')[1]

    with eager_tasks(execute=True):
        response = owner_client.post(retry_url(refund))
    assert response.status_code == 302 and response["Location"] == f"/console/after-sales/{request.pk}/"
    again = Refund.objects.get(retry_of=refund)
    request.refresh_from_db()
    assert again.status == Refund.Status.SUCCEEDED and request.status == "refunded"

    page = text(owner_client.get(response["Location"]))
    assert f"sent again as {again.out_refund_no}" in page
    assert 'id="refund-failed"' not in page and retry_url(refund) not in page
    # Once tried again it is not sent a third time.
    assert owner_client.post(retry_url(refund)).status_code == 302
    assert Refund.objects.filter(after_sale=request).count() == 2


def test_finance_and_customer_service_may_operations_may_not(
    shop, owner, finance_client, service_client, operations_client
):
    _request, refund = failed_refund(shop, owner)
    refused = operations_client.post(retry_url(refund))
    assert refused.status_code == 403 and "finance or customer service" in text(refused)
    assert not Refund.objects.filter(retry_of=refund).exists()
    assert finance_client.post(retry_url(refund)).status_code == 302
    again = Refund.objects.get(retry_of=refund)
    refunds.fail_refund(refund=again, message="still short")
    assert service_client.post(retry_url(again)).status_code == 302
    assert Refund.objects.filter(retry_of=again).exists()


def test_a_refund_is_reached_only_through_its_own_order_and_store(shop, owner, owner_client, owner_client_b):
    _request, refund = failed_refund(shop, owner)
    other = paid_order(shop)
    assert owner_client.post(f"/console/orders/{other.pk}/refunds/{refund.pk}/retry/").status_code == 404
    assert owner_client_b.post(retry_url(refund)).status_code == 404
    assert owner_client.get(retry_url(refund)).status_code == 405
    assert not Refund.objects.filter(retry_of=refund).exists()


def test_the_order_page_offers_a_failed_refund_again(shop, owner_client, owner):
    _request, refund = failed_refund(shop, owner)
    page = text(owner_client.get(f"/console/orders/{refund.order_id}/"))
    assert retry_url(refund) in page.split('id="order-money"')[1]


def test_a_buyer_or_a_stranger_cannot_send_refunds(shop, owner):
    _request, refund = failed_refund(shop, owner)
    anonymous = host_client(shop.store.host).post(retry_url(refund))
    assert anonymous.status_code == 302 and "/console/login/" in anonymous["Location"]
    buyer = signed_in_client(shop.store, shop.buyer).post(retry_url(refund))
    assert buyer.status_code == 302 and "/console/login/" in buyer["Location"]
    connection.set_tenant(shop.store)
    assert not Refund.objects.filter(retry_of=refund).exists()
