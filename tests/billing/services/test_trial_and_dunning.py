"""The clock's part of billing, with time moved: reminders 3 days and 1 day before a trial ends (each once),
the trial's end, a failed renewal's grace period; and what a store whose plan lapsed can still do — look at
everything and choose a plan, but change nothing else, and its storefront takes no orders."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.models import Subscription
from billing.subscriptions import check_all_subscriptions, check_subscription
from shop.models import Order
from tenants.errors import ErrorCode, NotAllowed
from tenants.models import Store
from tests.conftest import STORE_A, host_client, login_client, owner_of, text


def lock_of(store) -> str:
    return Store.objects.get(pk=store.pk).billing_lock


def test_every_signup_starts_a_seven_day_trial_of_the_plan_it_chose(store_b):
    sub = Subscription.objects.select_related("plan").get(store=store_b)
    assert (sub.plan.code, sub.status, sub.trial_days_left) == ("basic", "trialing", 7)


def test_trial_reminders_go_three_days_and_one_day_before_the_end_each_once(
    subscription_a, store_a, eager_tasks
):
    ends = subscription_a.trial_ends_at
    for moment in (ends - timedelta(days=5), ends - timedelta(days=2, hours=12), ends - timedelta(days=2)):
        with time_machine.travel(moment, tick=False), eager_tasks(execute=True):
            check_subscription(store=store_a)
    assert [m.subject for m in mail.outbox] == ["Store A: your free trial ends in 3 days"]
    assert mail.outbox[0].to == [STORE_A["email"]]
    assert "/console/billing/" in mail.outbox[0].body
    for moment in (ends - timedelta(hours=20), ends - timedelta(hours=10)):
        with time_machine.travel(moment, tick=False), eager_tasks(execute=True):
            check_subscription(store=store_a)
    assert [m.subject for m in mail.outbox][1:] == ["Store A: your free trial ends in 1 day"]
    assert lock_of(store_a) == ""


def test_a_trial_that_ends_without_a_plan_locks_the_store_once(subscription_a, store_a, eager_tasks):
    after = subscription_a.trial_ends_at + timedelta(minutes=1)
    with time_machine.travel(after, tick=False), eager_tasks(execute=True):
        assert check_all_subscriptions() >= 1
        check_all_subscriptions()
    sub = Subscription.objects.get(pk=subscription_a.pk)
    assert (sub.status, lock_of(store_a)) == ("expired", "trial_ended")
    # a late trial never sends the reminders it missed
    assert mail.outbox == []


def test_a_failed_renewal_keeps_the_store_open_for_its_grace_period_then_locks_it(subscription_a, store_a):
    now = timezone.now()
    Subscription.objects.filter(pk=subscription_a.pk).update(
        status="past_due", grace_ends_at=now + timedelta(days=7), stripe_subscription_id="sub_1"
    )
    with time_machine.travel(now + timedelta(days=6), tick=False):
        assert check_subscription(store=store_a) == ""
    with time_machine.travel(now + timedelta(days=7, minutes=1), tick=False):
        assert check_subscription(store=store_a) == "past_due"
    assert lock_of(store_a) == "past_due"


@pytest.fixture
def lapsed_a(subscription_a, store_a):
    Subscription.objects.filter(pk=subscription_a.pk).update(
        trial_ends_at=timezone.now() - timedelta(minutes=1)
    )
    check_subscription(store=store_a)
    connection.set_schema_to_public()
    return Store.objects.get(pk=store_a.pk)


def test_a_lapsed_store_is_read_only_but_for_billing_and_says_why(lapsed_a):
    owner = owner_of(lapsed_a)
    client = login_client(host_client(lapsed_a.host), lapsed_a, owner)
    page = text(client.get("/console/"))
    assert "Your free trial has ended." in page and 'href="/console/billing/"' in page

    refused = client.post("/console/settings/", {"name": "Renamed", "template": "fresh"}, follow=True)
    assert "Your free trial has ended." in text(refused)
    assert Store.objects.get(pk=lapsed_a.pk).name == "Store A"

    assert client.get("/console/billing/").status_code == 200
    from rest_framework.test import APIClient

    from tenants.accounts.services import api_token_for

    api = APIClient(HTTP_HOST=lapsed_a.host)
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=owner, store=lapsed_a)}")
    answer = api.patch("/api/v1/store/", {"name": "Renamed"}, format="json")
    assert answer.status_code == 403 and answer.json()["code"] == "store_read_only"
    assert api.get("/api/v1/store/").status_code == 200
    connection.set_schema_to_public()
    assert Store.objects.get(pk=lapsed_a.pk).name == "Store A"


def test_a_lapsed_stores_storefront_shows_but_takes_no_orders(lapsed_a, media_root):
    from tests.shop.services.conftest import Shop

    assert host_client(lapsed_a.host).get("/").status_code == 200
    connection.set_schema_to_public()
    with schema_context(lapsed_a.schema_name):
        connection.tenant = lapsed_a
        shop = Shop(lapsed_a)
        with pytest.raises(NotAllowed) as refused:
            shop.place([(shop.small, 1)])
        assert refused.value.code == ErrorCode.STORE_READ_ONLY
        assert "not taking orders" in refused.value.message
        assert not Order.objects.exists()
