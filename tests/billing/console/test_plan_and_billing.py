"""The console's "Plan & billing" page with the billing sandbox (no Stripe keys): a merchant on trial
subscribes, pays on the sandbox checkout (its events go through the one webhook path and a worker, run at
once here), sees the plan and the invoice; switches plan at once; cancels at the period's end in the sandbox
portal. Only the owner, an administrator or finance may; another store's checkout link is refused; a retired
or unknown plan cannot be bought; a declined card changes nothing; a lapsed store gets back in by paying."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from billing.models import BillingEvent, Invoice, Plan, Subscription
from tenants.activity.models import ActivityEntry
from tenants.models import Store
from tests.conftest import host_client, login_client, make_staff, owner_of, text


@pytest.fixture
def owner_a(store_a):
    return login_client(host_client(store_a.host), store_a, owner_of(store_a))


def subscribe(client, plan="basic", interval="month") -> str:
    response = client.post("/console/billing/checkout/", {"plan": plan, "interval": interval})
    connection.set_schema_to_public()
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def pay(client, checkout_url, eager_tasks, outcome="pay"):
    with eager_tasks(execute=True):
        response = client.post(checkout_url, {"outcome": outcome}, follow=True)
    connection.set_schema_to_public()
    return response


def state(store) -> tuple:
    sub = Subscription.objects.select_related("plan").get(store=store)
    return sub.plan.code, sub.status, Store.objects.get(pk=store.pk).billing_lock


def test_a_merchant_on_trial_subscribes_switches_and_cancels_in_the_sandbox(owner_a, store_a, eager_tasks):
    page = text(owner_a.get("/console/billing/"))
    assert "days left in your free trial" in page and "Sandbox: no real payment" in page
    assert 'id="plan-basic"' in page and 'id="plan-trial"' not in page  # the trial is not for sale

    checkout_url = subscribe(owner_a)
    assert re.fullmatch(r"/console/billing/sandbox/checkout/[^/]+/", checkout_url)
    checkout_page = text(owner_a.get(checkout_url))
    assert "¥99.00" in checkout_page and "Pay ¥99.00" in checkout_page

    done = pay(owner_a, checkout_url, eager_tasks)
    assert "Thank you: you are on 基础版 Basic now." in text(done)
    assert state(store_a) == ("basic", "active", "")
    sub = Subscription.objects.get(store=store_a)
    assert sub.provider == "sandbox" and sub.stripe_subscription_id.startswith("sub_sandbox_")
    assert timedelta(days=29) < sub.current_period_end - timezone.now() <= timedelta(days=30)
    [invoice] = Invoice.objects.filter(store=store_a)
    assert (str(invoice.amount), invoice.status, invoice.plan.code) == ("99.00", "paid", "basic")
    assert {e.type for e in BillingEvent.objects.all()} == {
        "checkout.session.completed",
        "customer.subscription.created",
        "invoice.paid",
    }
    billing = text(owner_a.get("/console/billing/"))
    assert "You are on 基础版 Basic" in billing and invoice.number in billing and "Renews on" in billing

    # yearly Pro, at once
    with eager_tasks(execute=True):
        switched = owner_a.post(
            "/console/billing/checkout/", {"plan": "pro", "interval": "year"}, follow=True
        )
    connection.set_schema_to_public()
    assert "Your plan is changed." in text(switched)
    assert state(store_a) == ("pro", "active", "")
    assert Subscription.objects.get(store=store_a).interval == "year"
    # ¥2990 for the year, less the unused month of Basic just paid (¥99): a new billing period from now
    assert sorted(str(i.amount) for i in Invoice.objects.filter(store=store_a)) == ["2891.00", "99.00"]

    # the portal: cancel at the end of the period, then change one's mind
    portal = owner_a.post("/console/billing/portal/")
    assert portal["Location"] == "/console/billing/sandbox/portal/"
    with eager_tasks(execute=True):
        owner_a.post("/console/billing/sandbox/portal/", {"action": "cancel"})
    connection.set_schema_to_public()
    assert Subscription.objects.get(store=store_a).cancel_at_period_end is True
    assert "it will not renew" in text(owner_a.get("/console/billing/"))
    with eager_tasks(execute=True):
        owner_a.post("/console/billing/sandbox/portal/", {"action": "resume"})
    connection.set_schema_to_public()
    assert Subscription.objects.get(store=store_a).cancel_at_period_end is False
    connection.set_schema_to_public()
    from django_tenants.utils import schema_context

    with schema_context(store_a.schema_name):
        logged = list(
            ActivityEntry.objects.filter(action__startswith="billing.").values_list("action", flat=True)
        )
    assert set(logged) >= {"billing.plan_chosen", "billing.sandbox_paid", "billing.sandbox_cancel"}


def test_a_failed_renewal_then_a_paid_one_in_the_sandbox_portal(owner_a, store_a, eager_tasks):
    pay(owner_a, subscribe(owner_a), eager_tasks)
    with eager_tasks(execute=True):
        failed = owner_a.post("/console/billing/sandbox/portal/", {"action": "fail_renewal"}, follow=True)
    connection.set_schema_to_public()
    assert "grace period" in text(failed)
    assert state(store_a) == ("basic", "past_due", "")
    assert "The last payment failed." in text(owner_a.get("/console/billing/"))
    with eager_tasks(execute=True):
        owner_a.post("/console/billing/sandbox/portal/", {"action": "renew"})
    connection.set_schema_to_public()
    assert state(store_a) == ("basic", "active", "")


def test_a_declined_card_changes_nothing(owner_a, store_a, eager_tasks):
    declined = pay(owner_a, subscribe(owner_a), eager_tasks, outcome="decline")
    assert "The card was declined." in text(declined)
    assert state(store_a) == ("trial", "trialing", "")
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    ("plan", "said"),
    [
        ("nosuch", "Choose one of the plans."),
        ("trial", "Choose one of the plans."),
        ("retired", "This plan is no longer offered."),
        ("x" * 5000, "Choose one of the plans."),
    ],
)
def test_a_plan_that_cannot_be_bought_is_refused_clearly(owner_a, store_a, plan, said):
    if plan == "retired":
        Plan.objects.filter(code="pro").update(is_retired=True)
        plan = "pro"
    response = owner_a.post("/console/billing/checkout/", {"plan": plan, "interval": "month"}, follow=True)
    assert response.status_code == 200 and said in text(response)
    assert state(store_a) == ("trial", "trialing", "")


def test_an_interval_that_is_not_monthly_or_yearly_is_refused(owner_a, store_a):
    response = owner_a.post(
        "/console/billing/checkout/", {"plan": "basic", "interval": "weekly"}, follow=True
    )
    assert "Choose monthly or yearly billing." in text(response)


def test_only_the_owner_an_administrator_or_finance_manage_the_plan(store_a):
    for role, allowed in (
        ("operations", False),
        ("customer_service", False),
        ("finance", True),
        ("admin", True),
    ):
        member = make_staff(store_a, role=role, email=f"{role}@a.example")
        client = login_client(host_client(store_a.host), store_a, member)
        assert client.get("/console/billing/").status_code == (200 if allowed else 403)
        posted = client.post("/console/billing/checkout/", {"plan": "basic", "interval": "month"})
        assert posted.status_code == (302 if allowed else 403)
        connection.set_schema_to_public()
    assert state(store_a) == ("trial", "trialing", "")


def test_another_stores_checkout_link_is_refused(store_a, store_b, eager_tasks):
    client_b = login_client(host_client(store_b.host), store_b, owner_of(store_b))
    link_b = subscribe(client_b)
    owner_a = login_client(host_client(store_a.host), store_a, owner_of(store_a))
    refused = pay(owner_a, link_b, eager_tasks)
    assert "This checkout link is not valid any more." in text(refused)
    assert state(store_a) == ("trial", "trialing", "") and state(store_b) == ("basic", "trialing", "")
    assert not BillingEvent.objects.exists()
    tampered = owner_a.get("/console/billing/sandbox/checkout/not-a-token/", follow=True)
    assert "This checkout link is not valid any more." in text(tampered)


def test_a_lapsed_store_gets_back_in_by_paying(owner_a, store_a, eager_tasks):
    from billing.subscriptions import check_subscription

    Subscription.objects.filter(store=store_a).update(trial_ends_at=timezone.now() - timedelta(hours=1))
    check_subscription(store=store_a)
    assert state(store_a) == ("trial", "expired", "trial_ended")
    pay(owner_a, subscribe(owner_a), eager_tasks)
    assert state(store_a) == ("basic", "active", "")
    assert "Your free trial has ended." not in text(owner_a.get("/console/"))


def test_the_last_three_days_of_a_trial_show_on_every_console_page(owner_a, store_a):
    assert 'id="trial-notice"' not in text(owner_a.get("/console/orders/"))  # 7 days left
    Subscription.objects.filter(store=store_a).update(
        trial_ends_at=timezone.now() + timedelta(days=2, hours=3)
    )
    page = text(owner_a.get("/console/orders/"))
    assert "Your free trial ends in 3 days. Choose a plan to keep taking orders." in page
    assert 'href="/console/billing/"' in page
    member = make_staff(store_a, role="operations", email="ops@a.example")
    ops = login_client(host_client(store_a.host), store_a, member)
    assert 'id="trial-notice"' not in text(ops.get("/console/orders/"))  # not theirs to decide


def test_a_plan_smaller_than_what_the_store_has_says_so_and_keeps_everything(owner_a, store_a):
    from billing.models import Plan
    from tests.conftest import make_staff as staff

    Plan.objects.filter(code="basic").update(limits={"products": 200, "staff": 1, "distribution_levels": 1})
    staff(store_a, role="operations", email="one-more@a.example")
    page = text(owner_a.get("/console/billing/"))
    basic = page[page.index('id="plan-basic"') : page.index('id="plan-pro"')]
    assert "Staff accounts: only 1." in basic and "You keep what you have, but cannot add more." in basic
    pro = page[page.index('id="plan-pro"') :]
    assert "only" not in pro[: pro.index("</form>")]
    Subscription.objects.filter(store=store_a).update(plan=Plan.objects.get(code="basic"))
    page = text(owner_a.get("/console/billing/"))
    assert "Staff accounts: you have 2, 基础版 Basic allows 1." in page


def test_a_paid_checkout_link_pays_once(owner_a, store_a, eager_tasks):
    link = subscribe(owner_a)
    pay(owner_a, link, eager_tasks)
    again = pay(owner_a, link, eager_tasks)
    assert "This checkout is paid already." in text(again)
    assert Invoice.objects.filter(store=store_a).count() == 1
    assert BillingEvent.objects.filter(type="invoice.paid").count() == 1


def test_a_declined_card_leaves_the_link_usable_and_a_plan_granted_by_hand_as_it_was(
    owner_a, store_a, eager_tasks
):
    Subscription.objects.filter(store=store_a).update(
        plan=Plan.objects.get(code="flagship"),
        status="active",
        provider="manual",
        current_period_end=timezone.now() + timedelta(days=1),
    )
    assert "Granted by the platform until" in text(owner_a.get("/console/billing/"))  # no "renews on"
    link = subscribe(owner_a)
    pay(owner_a, link, eager_tasks, outcome="decline")
    sub = Subscription.objects.select_related("plan").get(store=store_a)
    assert (sub.plan.code, sub.provider, sub.stripe_subscription_id) == ("flagship", "manual", "")
    pay(owner_a, link, eager_tasks)  # then paid with another card
    assert state(store_a) == ("basic", "active", "")


def test_a_signed_checkout_token_that_is_not_ours_is_refused(owner_a, store_a):
    from django.core import signing

    from billing.checkout import CHECKOUT_SALT

    for payload in (["x"], {"store": store_a.schema_name, "plan": "basic", "interval": "month"}, "text"):
        token = signing.dumps(payload, salt=CHECKOUT_SALT)
        response = owner_a.get(f"/console/billing/sandbox/checkout/{token}/", follow=True)
        assert response.status_code == 200 and "This checkout link is not valid any more." in text(response)


def test_without_stripe_keys_or_the_sandbox_there_is_no_online_subscription(owner_a, store_a, settings):
    settings.BILLING_SANDBOX = False
    refused = owner_a.post("/console/billing/checkout/", {"plan": "basic", "interval": "month"}, follow=True)
    assert "Online subscription is not set up on this platform yet." in text(refused)
    assert state(store_a) == ("trial", "trialing", "")
