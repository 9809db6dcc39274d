"""The owner runs their team from the console: adds a staff member, changes their role in place and
deactivates them, which ends the staff member's open session at once."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tenants.models import Store
from tests.browser.conftest import host_url
from tests.conftest import STORE_A
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

STAFF_EMAIL = "browser-staff@a.example"
STAFF_PASSWORD = "kefu-password-2026"


@pytest.fixture
def store_a_team(committed_db):
    store = Store.objects.get(slug=STORE_A["subdomain"])
    yield store
    from tenants.accounts.models import User

    with schema_context(store.schema_name):
        User.objects.filter(email=STAFF_EMAIL).delete()
    connection.set_schema_to_public()


def _log_in(page, url, email, password) -> None:
    page.goto(url("/console/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_owner_adds_changes_and_deactivates_a_staff_member(page, browser, live_server_url, store_a_team):
    console = lambda path: host_url(live_server_url, store_a_team.host, path)  # noqa: E731
    _log_in(page, console, STORE_A["email"], PASSWORD)
    expect(page).to_have_url(console("/console/"))
    page.goto(console("/console/staff/"))

    # add a customer-service member
    page.get_by_label("Email").fill(STAFF_EMAIL)
    page.get_by_label("Name").fill("小王")
    page.get_by_label("Role", exact=True).select_option("customer_service")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Add staff member").click()
    row = page.locator("tr", has_text=STAFF_EMAIL)
    expect(row.get_by_label("Role of 小王")).to_have_value("customer_service")

    # they log in on their own browser
    staff = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US").new_page()
    try:
        _log_in(staff, console, STAFF_EMAIL, STAFF_PASSWORD)
        expect(staff).to_have_url(console("/console/"))

        # the owner changes the role in place (the row is swapped, the page stays)
        row.get_by_label("Role of 小王").select_option("finance")
        expect(row.get_by_role("status")).to_contain_text("小王 is now Finance.")
        expect(page).to_have_url(console("/console/staff/"))

        # and deactivates them: their open session ends with it
        row.get_by_role("button", name="Deactivate").click()
        expect(row.get_by_role("status")).to_contain_text("can no longer log in")
        expect(row).to_contain_text("Deactivated")
        staff.goto(console("/console/"))
        expect(staff).to_have_url(console("/console/login/?next=/console/"))
        _log_in(staff, console, STAFF_EMAIL, STAFF_PASSWORD)
        expect(staff.locator("form[action='/console/login/']")).to_contain_text(
            "This account has been deactivated"
        )
        expect(staff).to_have_url(console("/console/login/"))
    finally:
        staff.context.close()

    with schema_context(store_a_team.schema_name):
        from tenants.accounts.models import User

        member = User.objects.get(email=STAFF_EMAIL)
        assert (member.role, member.is_active) == ("finance", False)
    connection.set_schema_to_public()
