"""The console's dashboard: the store at a glance, its plan and usage, first-run hints."""

import re

from django.db import connection
from django.utils.timezone import localtime
from django_tenants.utils import schema_context

from tests.conftest import login_client, make_staff, owner_of, text


def test_dashboard_shows_the_store_at_a_glance(owner_client_a, store_a):
    page = text(owner_client_a.get("/console/"))
    assert "store-a." in page  # the storefront link
    assert "免费试用 Trial" in page
    assert "days left in your trial" in page
    assert "鲜果 Fresh" in page  # template
    assert localtime(store_a.claimed_at).strftime("%Y-%m-%d") in page  # opened
    assert "Active" in page
    # What the trial plan allows: limits and features.
    assert "Staff accounts: <strong>3</strong>" in page
    assert "Products: <strong>50</strong>" in page
    assert "Distribution levels: <strong>2</strong>" in page
    assert "Coupons" in page and "Live-stream selling" in page
    # Usage against the plan: the owner alone so far.
    assert "1 / 3" in page
    # First-run hints and quick links.
    assert "Add your first product" in page
    assert "Invite your team" in page
    assert "Upload your logo" in page
    assert 'href="/console/settings/"' in page and 'href="/console/staff/"' in page


def test_dashboard_of_a_paid_plan_shows_no_trial(client_b, store_b):
    from billing.models import Subscription

    Subscription.objects.filter(store=store_b).update(status="active", trial_ends_at=None)
    login_client(client_b, store_b, owner_of(store_b))
    page = text(client_b.get("/console/"))
    assert "基础版 Basic" in page
    assert "days left in your trial" not in page
    assert "Staff accounts: <strong>3</strong>" in page


def test_invite_hint_disappears_once_the_team_grows(owner_client_a, store_a):
    make_staff(store_a, email="ops@a.example")
    page = text(owner_client_a.get("/console/"))
    assert "Invite your team" not in page
    assert "2 / 3" in page


def test_staff_without_management_rights_see_no_settings_or_staff_links(client_a, store_a):
    ops = make_staff(store_a, email="ops@a.example")
    login_client(client_a, store_a, ops)
    page = text(client_a.get("/console/"))
    assert 'href="/console/settings/"' not in page
    assert 'href="/console/staff/"' not in page
    assert "Add your first product" in page


def test_dashboard_needs_a_login(client_a):
    response = client_a.get("/console/")
    assert response.status_code == 302
    assert response["Location"] == "/console/login/?next=/console/"


def test_dashboard_counts_products_against_the_plan_and_drops_the_first_product_hint(store_a, owner_client_a):
    from shop.models import Product

    page = owner_client_a.get("/console/").content.decode()
    assert "Add your first product" in page
    with schema_context(store_a.schema_name):
        Product.objects.create(title="Counted")
    connection.set_schema_to_public()
    page = owner_client_a.get("/console/").content.decode()
    assert "Add your first product" not in page
    assert re.search(r"products.{0,200}1 / 50", page, re.S | re.I), "trial plan: 1 of 50 products"
