"""The operator's billing: MRR and subscriptions by plan (paying stores only: a trial or a plan granted by
hand earns nothing; a yearly plan counts a twelfth), a store's invoices, and extending a trial or granting a
plan by hand with a reason in the audit log. Store staff never reach any of it."""

from datetime import timedelta

from django.utils import timezone

from billing.models import Invoice, Subscription
from tenants.models import OperatorAction
from tests.conftest import host_client, login_client, owner_of, text


def paying(store, plan_code, interval="month"):
    from billing.models import Plan

    Subscription.objects.filter(store=store).update(
        plan=Plan.objects.get(code=plan_code),
        status="active",
        provider="sandbox",
        interval=interval,
        stripe_subscription_id=f"sub_{store.slug}",
    )


def test_mrr_counts_paying_stores_and_a_twelfth_of_yearly_plans(operator_client, store_a, store_b):
    page = text(operator_client.get("/operator/billing/"))
    assert 'id="fig-mrr"' in page and "¥0.00" in page
    paying(store_a, "basic")  # ¥99 a month
    paying(store_b, "pro", interval="year")  # ¥2990 a year: ¥249.17 a month
    Invoice.objects.create(
        store=store_a,
        provider="sandbox",
        provider_invoice_id="in_1",
        amount="99.00",
        currency="CNY",
        status="paid",
    )
    page = text(operator_client.get("/operator/billing/"))
    assert "¥348.17" in page  # 99.00 + 249.17
    assert 'data-plan="basic"' in page and 'data-plan="pro"' in page
    assert "¥99.00" in page  # paid in the last 30 days, and the invoice row


def test_extending_a_trial_and_granting_a_plan_are_audited(operator_client, store_a):
    sub = Subscription.objects.get(store=store_a)
    before = sub.trial_ends_at
    refused = operator_client.post(
        f"/operator/stores/{store_a.pk}/extend-trial/", {"days": "7", "reason": ""}
    )
    assert refused.status_code == 400 and "Say why" in text(refused)
    assert Subscription.objects.get(store=store_a).trial_ends_at == before

    done = operator_client.post(
        f"/operator/stores/{store_a.pk}/extend-trial/", {"days": "7", "reason": "展会客户"}
    )
    assert done.status_code == 302
    assert Subscription.objects.get(store=store_a).trial_ends_at - before > timedelta(days=6, hours=23)
    assert OperatorAction.objects.filter(action="billing.extend_trial", reason="展会客户").exists()

    until = (timezone.now() + timedelta(days=90)).date().isoformat()
    granted = operator_client.post(
        f"/operator/stores/{store_a.pk}/grant-plan/", {"plan": "pro", "until": until, "reason": "合作伙伴"}
    )
    assert granted.status_code == 302
    sub = Subscription.objects.select_related("plan").get(store=store_a)
    assert (sub.plan.code, sub.status, sub.provider) == ("pro", "active", "manual")
    assert OperatorAction.objects.filter(action="billing.grant_plan").exists()
    # a plan granted by hand earns nothing
    assert "¥0.00" in text(operator_client.get("/operator/billing/"))


def test_a_past_date_or_an_unknown_plan_is_refused(operator_client, store_a):
    past = (timezone.now() - timedelta(days=1)).date().isoformat()
    for data in (
        {"plan": "pro", "until": past, "reason": "x"},
        {"plan": "nosuch", "until": "2030-01-01", "reason": "x"},
    ):
        response = operator_client.post(f"/operator/stores/{store_a.pk}/grant-plan/", data)
        assert response.status_code == 400
    assert Subscription.objects.get(store=store_a).status == "trialing"


def test_store_staff_never_reach_the_operators_billing(store_a):
    owner = login_client(host_client(store_a.host), store_a, owner_of(store_a))
    assert owner.get("/operator/billing/").status_code == 404
    response = owner.post(f"/operator/stores/{store_a.pk}/extend-trial/", {"days": "30", "reason": "me"})
    assert response.status_code == 404
    # and a visitor of the platform is sent to the operator's login
    anonymous = host_client("localhost").post(f"/operator/stores/{store_a.pk}/extend-trial/", {"days": "30"})
    assert anonymous.status_code == 302 and "/operator/login/" in anonymous["Location"]
    assert Subscription.objects.get(store=store_a).trial_ends_at < timezone.now() + timedelta(days=8)


def test_month_by_month_counts_trials_conversions_endings_and_money(operator_client, store_a, store_b):
    from billing.selectors import monthly_series

    now = timezone.now()
    paying(store_a, "basic")
    sub_a = Subscription.objects.get(store=store_a)
    sub_a.save()  # the first paying save records the conversion
    assert sub_a.converted_at is not None
    Invoice.objects.create(
        store=store_a,
        provider="sandbox",
        provider_invoice_id="in_m",
        amount="99.00",
        currency="CNY",
        status="paid",
    )
    sub_b = Subscription.objects.get(store=store_b)
    sub_b.status = "expired"
    sub_b.save()
    this_month = monthly_series(now=now)[-1]
    assert (
        this_month["conversions"],
        this_month["ended"],
        str(this_month["revenue"]),
        str(this_month["mrr"]),
    ) == (
        1,
        1,
        "99.00",
        "99.00",
    )
    assert this_month["trials"] >= 2  # both test stores started their trial this session
    assert len(monthly_series(now=now)) == 12
    page = text(operator_client.get("/operator/billing/"))
    assert f'data-month="{timezone.localtime(now):%Y-%m}"' in page and "<svg" in page


def test_a_trial_is_never_extended_past_ninety_days_from_today(operator_client, store_a):
    for _ in range(2):
        operator_client.post(f"/operator/stores/{store_a.pk}/extend-trial/", {"days": "40", "reason": "展会"})
    ends = Subscription.objects.get(store=store_a).trial_ends_at
    refused = operator_client.post(
        f"/operator/stores/{store_a.pk}/extend-trial/", {"days": "40", "reason": "再延"}
    )
    assert refused.status_code == 400 and "at most 90 days from today" in text(refused)
    assert Subscription.objects.get(store=store_a).trial_ends_at == ends
