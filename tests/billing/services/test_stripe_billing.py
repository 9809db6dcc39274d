"""Subscribing through Stripe (the platform's own account), faked at the HTTP layer with answers shaped as
Stripe's: a Checkout Session in subscription mode for the plan's price, the Customer Portal, a prorated plan
change on the subscription's item; Stripe out of reach or refusing is a clear error, nothing changed."""

from urllib.parse import parse_qs

import pytest
import responses

from billing import checkout
from billing.models import Plan, Subscription
from tenants.errors import InvalidInput, ProviderError, ProviderUnavailable
from tests.billing.conftest import PRICES

API = "https://api.stripe.com/v1"


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def form(call) -> dict:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


def start(store, plan="basic", interval="month"):
    return checkout.start_checkout(
        store=store,
        actor=None,
        plan_code=plan,
        interval=interval,
        success_url="http://store-a.localhost/console/billing/?checkout=done",
        cancel_url="http://store-a.localhost/console/billing/",
    )


@pytest.mark.usefixtures("stripe_billing")
def test_subscribing_opens_a_stripe_checkout_for_the_plans_price(in_store_a, rsps):
    rsps.add(
        "POST",
        f"{API}/checkout/sessions",
        json={
            "id": "cs_test_a1",
            "object": "checkout.session",
            "url": "https://checkout.stripe.com/c/pay/cs_test_a1",
        },
    )
    started = start(in_store_a, interval="year")
    assert started.redirect_url == "https://checkout.stripe.com/c/pay/cs_test_a1"
    call = rsps.calls[0]
    assert call.request.headers["Authorization"] == "Bearer sk_test_51Platform000000000000000000"
    sent = form(call)
    assert sent["mode"] == "subscription"
    assert sent["line_items[0][price]"] == PRICES["basic"][1] and sent["line_items[0][quantity]"] == "1"
    assert sent["client_reference_id"] == in_store_a.schema_name
    assert sent["subscription_data[metadata][store]"] == in_store_a.schema_name
    assert sent["customer_email"] == "alice@a.example"
    assert Subscription.objects.get(store=in_store_a).status == "trialing"  # until Stripe says otherwise


@pytest.mark.usefixtures("stripe_billing")
def test_a_plan_without_a_stripe_price_cannot_be_bought_online(in_store_a, rsps):
    Plan.objects.filter(code="pro").update(stripe_price_id="")
    with pytest.raises(InvalidInput) as refused:
        start(in_store_a, plan="pro")
    assert "cannot be bought online yet" in refused.value.message
    assert len(rsps.calls) == 0


@pytest.mark.usefixtures("stripe_billing")
@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (500, {"error": {"type": "api_error", "message": "Something went wrong"}}, ProviderUnavailable),
        (400, {"error": {"type": "invalid_request_error", "message": "No such price"}}, ProviderError),
    ],
)
def test_stripe_out_of_reach_or_refusing_is_a_clear_error(in_store_a, rsps, status, body, error):
    rsps.add("POST", f"{API}/checkout/sessions", json=body, status=status)
    with pytest.raises(error):
        start(in_store_a)
    assert Subscription.objects.get(store=in_store_a).status == "trialing"


@pytest.mark.usefixtures("stripe_billing")
def test_a_paying_store_changes_plan_at_once_with_proration(in_store_a, rsps):
    Subscription.objects.filter(store=in_store_a).update(
        plan=Plan.objects.get(code="basic"),
        status="active",
        provider="stripe",
        stripe_customer_id="cus_QStoreA00000000",
        stripe_subscription_id="sub_1QStoreA000000000000000",
    )
    rsps.add(
        "GET",
        f"{API}/subscriptions/sub_1QStoreA000000000000000",
        json={
            "id": "sub_1QStoreA000000000000000",
            "object": "subscription",
            "items": {"object": "list", "data": [{"id": "si_QStoreA0000000", "object": "subscription_item"}]},
        },
    )
    rsps.add(
        "POST",
        f"{API}/subscriptions/sub_1QStoreA000000000000000",
        json={"id": "sub_1QStoreA000000000000000", "object": "subscription"},
    )
    started = start(in_store_a, plan="pro")
    assert started.changed_at_once and not started.redirect_url
    sent = form(rsps.calls[1])
    assert sent["items[0][id]"] == "si_QStoreA0000000" and sent["items[0][price]"] == PRICES["pro"][0]
    assert sent["proration_behavior"] == "create_prorations"
    # the plan itself changes when Stripe's webhook says so
    assert Subscription.objects.get(store=in_store_a).plan.code == "basic"

    rsps.add(
        "POST",
        f"{API}/billing_portal/sessions",
        json={
            "id": "bps_1",
            "object": "billing_portal.session",
            "url": "https://billing.stripe.com/p/session/bps_1",
        },
    )
    url = checkout.portal_url(store=in_store_a, return_url="http://store-a.localhost/console/billing/")
    assert url == "https://billing.stripe.com/p/session/bps_1"
    assert form(rsps.calls[2])["customer"] == "cus_QStoreA00000000"


def test_the_same_plan_again_is_refused(in_store_a):
    Subscription.objects.filter(store=in_store_a).update(
        plan=Plan.objects.get(code="basic"),
        status="active",
        provider="sandbox",
        stripe_subscription_id="sub_x",
    )
    with pytest.raises(InvalidInput) as refused:
        start(in_store_a, plan="basic")
    assert "already" in refused.value.message


def test_a_change_of_plan_is_prorated_to_the_fen(in_store_a):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    now = timezone.now()
    basic, pro = Plan.objects.get(code="basic"), Plan.objects.get(code="pro")
    sub = Subscription(
        store=in_store_a, plan=basic, interval="month", current_period_end=now + timedelta(days=15)
    )
    # half of the month left: ¥299 × ½ − ¥99 × ½ = ¥100.00, and the period's end stays
    assert checkout.prorated_change(sub, pro, "month", now=now) == (
        Decimal("100.00"),
        now + timedelta(days=15),
    )
    # a smaller plan for the rest of the month costs nothing now (the credit is larger)
    assert checkout.prorated_change(sub, basic, "month", now=now)[0] == Decimal("0.00")
    # to yearly: a new year from now, ¥2990 less the unused half month of Basic (¥49.50)
    charge, end = checkout.prorated_change(sub, pro, "year", now=now)
    assert (charge, end) == (Decimal("2940.50"), now + timedelta(days=365))
