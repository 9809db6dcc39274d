"""A merchant on the free trial upgrades from the console: opens "Plan & billing", picks Basic monthly, pays
on the billing sandbox's checkout (its events go through the one webhook path, and a worker — run at once
here — applies them) and sees the new plan and its invoice; the operator's billing page shows the MRR go up
by the plan's price."""

from decimal import Decimal

import pytest
from django.db import connection
from playwright.sync_api import expect

from billing.models import BillingEvent, Invoice, Plan, Subscription
from billing.selectors import revenue_summary
from tenants.models import OperatorAction, Store
from tests.browser.conftest import ARTIFACTS, host_url, log_in_as_owner
from tests.conftest import STORE_A
from tests.factories import PASSWORD, OperatorFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def trial_store(committed_db):
    connection.set_schema_to_public()
    store = Store.objects.get(slug=STORE_A["subdomain"])
    kept = Subscription.objects.filter(store=store).values().get()
    operator = OperatorFactory(email="billing-op@platform.example")
    yield store, operator
    connection.set_schema_to_public()
    Invoice.objects.filter(store=store).delete()
    BillingEvent.objects.filter(store=store).delete()
    Subscription.objects.filter(store=store).update(**{k: v for k, v in kept.items() if k not in ("id",)})
    Store.objects.filter(pk=store.pk).update(billing_lock="")
    OperatorAction.objects.filter(actor=operator).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_user WHERE id = %s", [operator.pk])


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"billing_{name}.png"), full_page=True)


def test_a_merchant_on_trial_upgrades_in_the_sandbox_and_the_operator_sees_the_mrr(
    browser, live_server_url, trial_store, eager_tasks
):
    store, operator = trial_store
    mrr_before = revenue_summary()["mrr"]
    basic = Plan.objects.get(code="basic")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    console = lambda path: host_url(live_server_url, store.host, path)  # noqa: E731

    log_in_as_owner(page, console)
    page.get_by_role("link", name="Plan & billing").click()
    expect(page.locator("#subscription-status")).to_have_text("Trial")
    expect(page.locator("#trial-left")).to_contain_text("days left in your free trial")
    shot(page, "1_trial")

    page.locator("#plan-basic").get_by_role("button", name="Subscribe to 基础版 Basic").click()
    expect(page.locator("#checkout-amount")).to_have_text("¥99.00")
    shot(page, "2_checkout")
    page.get_by_role("button", name="Pay ¥99.00").click()

    expect(page.locator(".messages")).to_contain_text("Thank you: you are on 基础版 Basic now.")
    expect(page.locator("#current-plan h2")).to_contain_text("You are on 基础版 Basic")
    expect(page.locator("#subscription-status")).to_have_text("Active")
    expect(page.locator("#paid-until")).to_contain_text("Renews on")
    expect(page.locator("#invoices tbody tr")).to_have_count(1)
    expect(page.locator("#invoices")).to_contain_text("¥99.00")
    shot(page, "3_subscribed")
    context.close()

    operator_page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
    operator_page.goto(live_server_url + "/operator/login/?next=/operator/billing/")
    operator_page.get_by_label("Email").fill(operator.email)
    operator_page.get_by_label("Password").fill(PASSWORD)
    operator_page.get_by_role("button", name="Log in").click()
    expect(operator_page.locator("#fig-mrr .value")).to_have_text(f"¥{mrr_before + basic.price_monthly}")
    expect(operator_page.locator("#latest-invoices")).to_contain_text("Store A")
    shot(operator_page, "4_operator")
    operator_page.context.close()

    connection.set_schema_to_public()
    sub = Subscription.objects.select_related("plan").get(store=store)
    assert (sub.plan.code, sub.status, sub.provider) == ("basic", "active", "sandbox")
    assert revenue_summary()["mrr"] - mrr_before == Decimal("99.00")
