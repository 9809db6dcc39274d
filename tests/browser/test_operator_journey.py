"""An operator finds a store in the console and suspends it with a reason: buyers meet a "store closed"
page and the merchant a read-only console that says why; reactivating opens it again, and the audit log
keeps both actions."""

import pytest
from django.db import connection
from playwright.sync_api import expect

from tenants.models import OperatorAction, Store
from tenants.services import operator as operator_service
from tests.browser.conftest import host_url
from tests.conftest import STORE_B
from tests.factories import PASSWORD, OperatorFactory

pytestmark = pytest.mark.browser

REASON = "Unpaid invoice 2026-11 (未付款)"


@pytest.fixture
def operator_and_store_b(committed_db):
    connection.set_schema_to_public()
    operator = OperatorFactory(email="browser-op@platform.example")
    store = Store.objects.get(slug=STORE_B["subdomain"])
    yield operator, store
    connection.set_schema_to_public()
    store.refresh_from_db()
    if store.is_suspended:  # a failed run must not leave store B closed for the other tests
        operator_service.reactivate_store(store=store, actor=operator, reason="test cleanup")
    OperatorAction.objects.filter(actor=operator).delete()
    # Not operator.delete(): the user model also lives in store schemas, and Django's delete collector
    # would look for the store tables' references (stock movements...) in public.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_user WHERE id = %s", [operator.pk])


def test_operator_suspends_and_reactivates_a_store(page, browser, live_server_url, operator_and_store_b):
    operator, store = operator_and_store_b
    storefront = host_url(live_server_url, store.host, "/")

    page.goto(live_server_url + "/operator/")
    expect(page).to_have_url(live_server_url + "/operator/login/?next=/operator/")
    page.get_by_label("Email").fill(operator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # find store B by its name and open it
    page.get_by_label("Search").fill("Store B")
    page.get_by_role("button", name="Filter").click()
    row = page.locator("#stores tr[data-store='store-b']")
    expect(row).to_be_visible()
    expect(page.locator("#stores tbody tr")).to_have_count(1)
    row.get_by_role("link", name="Store B").click()
    expect(page.locator("h1")).to_contain_text("Store B")

    # suspend it with a reason
    action = page.locator("#status-action")
    action.get_by_label("Reason").fill(REASON)
    action.get_by_role("button", name="Suspend store").click()
    expect(page.locator(".alert.error")).to_contain_text(REASON)

    # buyers see the store closed; the merchant sees why, read-only
    visitor = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US").new_page()
    try:
        response = visitor.goto(storefront)
        assert response.status == 503
        expect(visitor.locator("h1")).to_contain_text("Store B is closed")
        visitor.goto(host_url(live_server_url, store.host, "/console/login/"))
        visitor.get_by_label("Email").fill(STORE_B["email"])
        visitor.get_by_label("Password").fill(PASSWORD)
        visitor.get_by_role("button", name="Log in").click()
        expect(visitor.locator(".banner-suspended")).to_contain_text(REASON)

        # reactivated: the storefront opens again
        page.locator("#status-action").get_by_label("Reason").fill("Invoice paid")
        page.get_by_role("button", name="Reactivate store").click()
        expect(page.locator("#status-action h2")).to_contain_text("Suspend this store")
        response = visitor.goto(storefront)
        assert response.status == 200
        expect(visitor.locator(".shop-header")).to_contain_text("Store B")
    finally:
        visitor.context.close()

    # the audit log has both actions, newest first, with who and why
    page.goto(live_server_url + "/operator/audit/")
    body = page.locator("main")
    expect(body).to_contain_text(REASON)
    expect(body).to_contain_text("Invoice paid")
    connection.set_schema_to_public()
    actions = list(
        OperatorAction.objects.filter(actor=operator).order_by("created_at").values_list("action", "reason")
    )
    assert [reason for _action, reason in actions] == [REASON, "Invoice paid"]
