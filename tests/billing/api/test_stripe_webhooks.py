"""Stripe Billing's webhooks on the platform's host (/api/v1/webhooks/billing/stripe/): verified with
Stripe's library on the raw body, stored once per event id, answered at once and applied by a worker (run at
once here); each event read as the object's state it carries, so replays change nothing and any order ends
in the state of the newest event."""

import itertools
import time

import pytest
from django.db import connection

from billing.models import BillingEvent, Invoice, Plan, Subscription
from tenants.models import Store
from tests.billing.conftest import (
    PRICES,
    checkout_session,
    event,
    signed,
    stripe_invoice,
    stripe_subscription,
)
from tests.conftest import host_client

URL = "/api/v1/webhooks/billing/stripe/"
BASIC, PRO = PRICES["basic"][0], PRICES["pro"][0]


def deliver(payload: dict, eager_tasks, **signing):
    headers, body = signed(payload, **signing)
    with eager_tasks(execute=True):
        response = host_client("localhost").post(URL, body, content_type="application/json", **headers)
    connection.set_schema_to_public()
    return response


def state(store) -> tuple:
    sub = Subscription.objects.select_related("plan").get(store=store)
    store = Store.objects.get(pk=store.pk)
    return sub.plan.code, sub.status, store.billing_lock


@pytest.mark.usefixtures("stripe_billing")
def test_a_subscriptions_life_from_checkout_to_cancellation(store_a, eager_tasks):
    assert state(store_a) == ("trial", "trialing", "")
    t = int(time.time())
    assert (
        deliver(
            event("checkout.session.completed", checkout_session(store_a), id="evt_1", created=t), eager_tasks
        ).status_code
        == 200
    )
    sub = Subscription.objects.get(store=store_a)
    assert (sub.stripe_customer_id, sub.stripe_subscription_id) == (
        "cus_QStoreA00000000",
        "sub_1QStoreA000000000000000",
    )
    assert state(store_a) == ("trial", "trialing", "")  # the state comes with the subscription's events

    deliver(
        event(
            "customer.subscription.created",
            stripe_subscription(store_a, price=BASIC),
            id="evt_2",
            created=t + 1,
        ),
        eager_tasks,
    )
    deliver(
        event("invoice.paid", stripe_invoice(store_a, price=BASIC, id="in_1"), id="evt_3", created=t + 2),
        eager_tasks,
    )
    assert state(store_a) == ("basic", "active", "")
    [invoice] = Invoice.objects.filter(store=store_a)
    assert (str(invoice.amount), invoice.currency, invoice.status, invoice.plan.code) == (
        "99.00",
        "CNY",
        "paid",
        "basic",
    )
    assert invoice.pdf_url.endswith("/pdf")

    # a renewal fails: overdue, but the store works through the grace period
    deliver(
        event(
            "invoice.payment_failed",
            stripe_invoice(store_a, price=BASIC, id="in_2", paid=False),
            id="evt_4",
            created=t + 3,
        ),
        eager_tasks,
    )
    sub = Subscription.objects.get(store=store_a)
    assert state(store_a) == ("basic", "past_due", "")
    assert 6.9 * 86400 < (sub.grace_ends_at - sub.synced_at).total_seconds() <= 7 * 86400
    # paid with another card: restored at once
    deliver(
        event("invoice.paid", stripe_invoice(store_a, price=BASIC, id="in_2"), id="evt_5", created=t + 4),
        eager_tasks,
    )
    assert state(store_a) == ("basic", "active", "")
    assert Subscription.objects.get(store=store_a).grace_ends_at is None
    assert Invoice.objects.get(provider_invoice_id="in_2").status == "paid"

    # an upgrade made in the portal, then the end
    deliver(
        event(
            "customer.subscription.updated",
            stripe_subscription(store_a, price=PRO),
            id="evt_6",
            created=t + 5,
        ),
        eager_tasks,
    )
    assert state(store_a) == ("pro", "active", "")
    deliver(
        event(
            "customer.subscription.deleted",
            stripe_subscription(store_a, price=PRO, status="canceled"),
            id="evt_7",
            created=t + 6,
        ),
        eager_tasks,
    )
    assert state(store_a) == ("pro", "cancelled", "ended")
    assert BillingEvent.objects.filter(processed_at__isnull=False).count() == 7


@pytest.mark.usefixtures("stripe_billing")
def test_the_same_event_twice_has_one_effect(store_a, eager_tasks):
    paid = event("invoice.paid", stripe_invoice(store_a, price=BASIC, id="in_9"), id="evt_dup")
    first, again = deliver(paid, eager_tasks), deliver(paid, eager_tasks)
    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    assert BillingEvent.objects.filter(event_id="evt_dup").count() == 1
    assert Invoice.objects.filter(provider_invoice_id="in_9").count() == 1


@pytest.mark.usefixtures("stripe_billing")
def test_any_order_of_a_subscriptions_events_ends_in_the_newest_state(store_a, eager_tasks):
    t = int(time.time())
    life = [
        event(
            "customer.subscription.created", stripe_subscription(store_a, price=BASIC), id="evt_a", created=t
        ),
        event(
            "customer.subscription.updated",
            stripe_subscription(store_a, price=BASIC, status="past_due"),
            id="evt_b",
            created=t + 60,
        ),
        event("invoice.paid", stripe_invoice(store_a, price=BASIC, id="in_c"), id="evt_c", created=t + 120),
        event(
            "customer.subscription.updated",
            stripe_subscription(store_a, price=PRO, cancel_at_period_end=True),
            id="evt_d",
            created=t + 180,
        ),
    ]
    endings = set()
    trial = Plan.objects.get(code="trial")
    for order in itertools.permutations(life):
        Subscription.objects.filter(store=store_a).update(
            plan=trial,
            status="trialing",
            synced_at=None,
            grace_ends_at=None,
            stripe_subscription_id="",
            cancel_at_period_end=False,
        )
        Store.objects.filter(pk=store_a.pk).update(billing_lock="")
        BillingEvent.objects.all().delete()
        for payload in order:
            assert deliver(payload, eager_tasks).status_code == 200
        sub = Subscription.objects.select_related("plan").get(store=store_a)
        endings.add((sub.plan.code, sub.status, sub.cancel_at_period_end, sub.grace_ends_at))
    assert endings == {("pro", "active", True, None)}


@pytest.mark.usefixtures("stripe_billing")
@pytest.mark.parametrize("spoil", ["other secret", "old", "tampered", "no header"])
def test_a_webhook_that_does_not_verify_is_refused_and_changes_nothing(store_a, eager_tasks, spoil):
    payload = event("customer.subscription.created", stripe_subscription(store_a, price=PRO), id="evt_bad")
    signing = {"secret": "whsec_other"} if spoil == "other secret" else {}
    if spoil == "old":
        signing["timestamp"] = int(time.time()) - 3600
    headers, body = signed(payload, **signing)
    if spoil == "tampered":
        body = body.replace(b'"active"', b'"trialing"')
    if spoil == "no header":
        headers = {}
    with eager_tasks(execute=True):
        response = host_client("localhost").post(URL, body, content_type="application/json", **headers)
    assert response.status_code == 400
    assert not BillingEvent.objects.exists()
    assert state(store_a) == ("trial", "trialing", "")


@pytest.mark.usefixtures("stripe_billing")
@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b'{"id": "evt_x"}', b'{"id": 1, "type": [], "created": "x", "data": {}}'],
)
def test_a_signed_body_that_is_no_event_is_refused(body):
    import stripe

    from tests.billing.conftest import WEBHOOK_SECRET

    header = stripe.WebhookSignature.generate_signature_header(body.decode(), WEBHOOK_SECRET)
    response = host_client("localhost").post(
        URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 400
    assert not BillingEvent.objects.exists()


@pytest.mark.usefixtures("stripe_billing")
def test_an_event_for_no_store_of_ours_or_of_no_interest_is_acknowledged_and_ignored(store_a, eager_tasks):
    stranger = stripe_subscription(store_a, price=PRO)
    stranger["metadata"] = {"store": "someone_else"}
    stranger["customer"], stranger["id"] = "cus_nobody", "sub_nobody"
    assert (
        deliver(event("customer.subscription.updated", stranger, id="evt_s"), eager_tasks).status_code == 200
    )
    assert (
        deliver(
            event("charge.succeeded", {"id": "ch_1", "object": "charge"}, id="evt_c"), eager_tasks
        ).status_code
        == 200
    )
    assert sorted(BillingEvent.objects.values_list("outcome", flat=True)) == [
        "ignored: no store of ours",
        "ignored: not a billing event we use",
    ]
    assert state(store_a) == ("trial", "trialing", "")


def test_only_stripe_posts_billing_webhooks(store_a):
    response = host_client("localhost").post(
        "/api/v1/webhooks/billing/sandbox/", b"{}", content_type="application/json"
    )
    assert response.status_code == 404


@pytest.mark.usefixtures("stripe_billing")
def test_a_first_invoice_and_its_subscription_in_either_order_end_on_the_plan_paid_for(store_a, eager_tasks):
    t = int(time.time())
    created = event(
        "customer.subscription.created", stripe_subscription(store_a, price=BASIC), id="evt_sc", created=t
    )
    paid = event(
        "invoice.paid", stripe_invoice(store_a, price=BASIC, id="in_first"), id="evt_ip", created=t + 1
    )
    endings = set()
    trial = Plan.objects.get(code="trial")
    for order in ((created, paid), (paid, created)):
        Subscription.objects.filter(store=store_a).update(
            plan=trial, status="trialing", synced_at=None, plan_synced_at=None, stripe_subscription_id=""
        )
        BillingEvent.objects.all().delete()
        Invoice.objects.all().delete()
        for payload in order:
            deliver(payload, eager_tasks)
        endings.add(state(store_a))
    assert endings == {("basic", "active", "")}
