"""A merchant opens a store from the landing page and lands in its console; the storefront wears the
template they chose."""

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from tenants.models import Store
from tenants.services import provisioning
from tests.browser.conftest import host_url

pytestmark = pytest.mark.browser


@pytest.fixture
def cleanup_store():
    slugs = []
    yield slugs
    connection.set_schema_to_public()
    for store in Store.objects.filter(slug__in=slugs):
        provisioning.drop_store(store)


def test_signup_wizard_from_landing_to_console_and_themed_storefront(page, live_server_url, cleanup_store):
    cleanup_store.append("lychee-lane")
    page.goto(live_server_url + "/")
    page.get_by_role("link", name="Start the 7-day free trial").click()
    expect(page).to_have_url(re.compile(r"/signup/$"))

    # step 1: the store, with the live availability check
    page.get_by_label("Store name").fill("Lychee Lane")
    page.get_by_label("Subdomain").fill("store-a")
    expect(page.locator("#subdomain-check")).to_contain_text("taken")
    page.get_by_label("Subdomain").fill("lychee-lane")
    expect(page.locator("#subdomain-check")).to_contain_text("lychee-lane.localhost is available")
    page.get_by_role("button", name="Next →").first.click()

    # step 2: the owner
    page.get_by_label("Your name").fill("Li Na")
    page.get_by_label("Email").fill("lina@lychee.example")
    page.get_by_label("Password").fill("lychees-are-sweet-7")
    page.locator('fieldset[data-step="1"]').get_by_role("button", name="Next →").click()

    # step 3: template and plan (the trial is preselected)
    expect(page.locator('input[name="plan"][value="trial"]')).to_be_checked()
    page.locator("label.choice", has_text="国风 Classic").click()
    page.get_by_role("button", name="Open my store").click()

    # the owner lands logged in, on the store's own host
    expect(page).to_have_url(host_url(live_server_url, "lychee-lane.localhost", "/console/"))
    expect(page.locator("body")).to_contain_text("Welcome! Your store is open")
    expect(page.locator("h1")).to_contain_text("Lychee Lane")

    # the storefront renders with the chosen template (国风 Classic: primary #b7282e)
    page.goto(host_url(live_server_url, "lychee-lane.localhost", "/"))
    header = page.locator(".shop-header")
    expect(header).to_contain_text("Lychee Lane")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(183, 40, 46)"

    connection.set_schema_to_public()
    store = Store.objects.get(slug="lychee-lane")
    assert store.template.code == "classic" and store.subscription.plan.code == "trial"


def test_signup_wizard_shows_server_errors_on_the_right_step(page, live_server_url):
    page.goto(live_server_url + "/signup/")
    page.get_by_label("Store name").fill("Bad Shop")
    page.get_by_label("Subdomain").fill("admin")
    # the live check already says so (and its answer has settled before the button moves on)
    expect(page.locator("#subdomain-check")).to_contain_text("reserved")
    page.get_by_role("button", name="Next →").first.click()
    expect(page.locator('fieldset[data-step="1"]')).to_be_visible()
    page.get_by_label("Your name").fill("X")
    page.get_by_label("Email").fill("x@example.com")
    page.get_by_label("Password").fill("12345678")
    page.locator('fieldset[data-step="1"]').get_by_role("button", name="Next →").click()
    page.get_by_role("button", name="Open my store").click()
    # back on step 1, where the first error is
    expect(page.locator('fieldset[data-step="0"]')).to_be_visible()
    expect(page.locator("#field-subdomain")).to_contain_text("reserved")
    connection.set_schema_to_public()
    assert not Store.objects.filter(name="Bad Shop").exists()
