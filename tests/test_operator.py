"""The platform operator console (/operator/ on the platform host): who gets in, the store list and its
filters, suspending and reactivating stores, plans, storefront templates and the audit log."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from PIL import Image

from billing.models import Plan, Subscription
from tenants.models import OperatorAction, Store, StoreTemplate
from tests.conftest import make_staff
from tests.factories import PASSWORD, UserFactory

OPERATOR_PAGES = [
    "/operator/",
    "/operator/stores/",
    "/operator/plans/",
    "/operator/plans/new/",
    "/operator/templates/",
    "/operator/templates/new/",
    "/operator/audit/",
]


def listed_stores(response) -> set[str]:
    """The subdomains of the stores in the list's table."""
    return set(re.findall(r'data-store="([^"]+)"', response.content.decode()))


def field_errors(response, field: str) -> str:
    """The HTML of one form field's block (label, input, its errors)."""
    html = response.content.decode()
    assert f'id="field-{field}"' in html, field
    return html.split(f'id="field-{field}"', 1)[1].split('<div class="field', 1)[0]


def png_upload(name="preview.png", size=(40, 30), colour=(26, 163, 90)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def refreshed(store) -> Store:
    connection.set_schema_to_public()
    return Store.objects.get(pk=store.pk)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- who gets in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", OPERATOR_PAGES)
def test_anonymous_visitor_is_sent_to_the_operator_login(platform_client, path):
    response = platform_client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/operator/login/?next={path}"


def test_anonymous_post_cannot_suspend_a_store(platform_client, store_a):
    response = platform_client.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "spam"})
    assert response.status_code == 302
    assert response["Location"].startswith("/operator/login/")
    assert refreshed(store_a).status == Store.Status.ACTIVE
    assert not OperatorAction.objects.exists()


def test_store_host_has_no_operator_console(owner_client_a):
    for path in ("/operator/", "/operator/login/", "/operator/plans/"):
        assert owner_client_a.get(path).status_code == 404
    response = owner_client_a.post("/operator/login/", {"username": "alice@a.example", "password": PASSWORD})
    assert response.status_code == 404


def test_store_owner_session_is_unknown_on_the_platform_host(owner_client_a):
    # The same browser (same cookies) on the platform host: the session lives in store A's schema only.
    response = owner_client_a.get("/operator/", HTTP_HOST="localhost")
    assert response.status_code == 302
    assert response["Location"].startswith("/operator/login/")


def test_store_owner_credentials_fail_at_operator_login(platform_client):
    response = platform_client.post("/operator/login/", {"username": "alice@a.example", "password": PASSWORD})
    assert response.status_code == 200
    assert "Wrong email or password" in response.content.decode()
    assert platform_client.get("/operator/").status_code == 302


def test_store_staff_credentials_fail_at_operator_login(platform_client, store_a):
    staff = make_staff(store_a, email="staff@a.example")
    response = platform_client.post("/operator/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Wrong email or password" in response.content.decode()
    assert platform_client.get("/operator/").status_code == 302


def test_public_user_without_operator_flag_is_refused(platform_client):
    connection.set_schema_to_public()
    user = UserFactory(email="someone@platform.example", is_staff=False)
    response = platform_client.post("/operator/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "not a platform operator" in response.content.decode()
    # Even with a session, the console stays shut.
    platform_client.force_login(user)
    response = platform_client.get("/operator/")
    assert response.status_code == 302
    assert response["Location"].startswith("/operator/login/")


def test_operator_wrong_password_shows_an_error(platform_client, operator):
    response = platform_client.post("/operator/login/", {"username": operator.email, "password": "nope-nope"})
    assert response.status_code == 200
    assert "Wrong email or password" in response.content.decode()
    assert platform_client.get("/operator/").status_code == 302


def test_repeated_wrong_passwords_lock_the_account_out(platform_client, operator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        platform_client.post("/operator/login/", {"username": operator.email, "password": "wrong-guess"})
    response = platform_client.post("/operator/login/", {"username": operator.email, "password": PASSWORD})
    assert response.status_code == 429
    assert platform_client.get("/operator/").status_code == 302


def test_operator_login_follows_a_safe_next_only(platform_client, operator):
    response = platform_client.post(
        "/operator/login/?next=/operator/plans/", {"username": operator.email, "password": PASSWORD}
    )
    assert response["Location"] == "/operator/plans/"
    platform_client.post("/operator/logout/")
    response = platform_client.post(
        "/operator/login/",
        {"username": operator.email, "password": PASSWORD, "next": "https://evil.example/phish"},
    )
    assert response["Location"] == "/operator/"


def test_operator_logs_in_and_out(operator_client):
    assert operator_client.get("/operator/").status_code == 200
    response = operator_client.post("/operator/logout/")
    assert response["Location"] == "/operator/login/"
    assert operator_client.get("/operator/").status_code == 302


def test_logout_is_post_only(operator_client):
    assert operator_client.get("/operator/logout/").status_code == 405
    assert operator_client.get("/operator/").status_code == 200


def test_create_operator_command_makes_an_operator_who_can_log_in(platform_client):
    out = io.StringIO()
    call_command(
        "create_operator", "Ops@Platform.example", "--name", "Ops", "--password", PASSWORD, stdout=out
    )
    assert "Operator created" in out.getvalue()
    connection.set_schema_to_public()
    response = platform_client.post(
        "/operator/login/", {"username": "ops@platform.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/operator/"
    assert platform_client.get("/operator/").status_code == 200


def test_create_operator_command_refuses_a_weak_password(platform_client):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_operator", "weak@platform.example", "--password", "12345678")
    response = platform_client.post(
        "/operator/login/", {"username": "weak@platform.example", "password": "12345678"}
    )
    assert response.status_code == 200


# --- the store list ------------------------------------------------------------------------------


def test_store_list_shows_claimed_stores_with_owner_plan_and_status(operator_client, store_a, store_b):
    response = operator_client.get("/operator/")
    assert response.status_code == 200
    assert listed_stores(response) == {"store-a", "store-b"}  # pool schemas are not stores yet
    html = response.content.decode()
    assert "alice@a.example" in html and "Bob" in html
    assert "http://store-a.localhost/" in html
    assert Plan.objects.get(code="trial").name in html
    assert Plan.objects.get(code="basic").name in html
    assert operator_client.get("/operator/stores/").status_code == 200


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Store A", {"store-a"}),
        ("store-b", {"store-b"}),
        ("alice@a", {"store-a"}),
        ("bob", {"store-b"}),
        ("13800138000", {"store-b"}),
        ("no such store", set()),
    ],
)
def test_search_narrows_the_store_list(operator_client, store_b, query, expected):
    Store.objects.filter(pk=store_b.pk).update(owner_phone="13800138000")
    response = operator_client.get("/operator/", {"q": query})
    assert listed_stores(response) == expected


def test_status_filter_narrows_the_store_list(operator_client, store_b):
    Store.objects.filter(pk=store_b.pk).update(status=Store.Status.SUSPENDED)
    assert listed_stores(operator_client.get("/operator/", {"status": "suspended"})) == {"store-b"}
    assert listed_stores(operator_client.get("/operator/", {"status": "active"})) == {"store-a"}


def test_plan_filter_narrows_the_store_list(operator_client, store_a, store_b):
    assert listed_stores(operator_client.get("/operator/", {"plan": "trial"})) == {"store-a"}
    assert listed_stores(operator_client.get("/operator/", {"plan": "basic"})) == {"store-b"}
    assert listed_stores(operator_client.get("/operator/", {"plan": "flagship"})) == set()


def test_opened_date_filters_narrow_the_store_list(operator_client, store_b):
    month_ago = timezone.now() - timedelta(days=30)
    Store.objects.filter(pk=store_b.pk).update(claimed_at=month_ago)
    cut = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert listed_stores(operator_client.get("/operator/", {"created_from": cut})) == {"store-a"}
    assert listed_stores(operator_client.get("/operator/", {"created_to": cut})) == {"store-b"}
    both = {"created_from": timezone.localtime(month_ago).date().isoformat(), "created_to": cut}
    assert listed_stores(operator_client.get("/operator/", both)) == {"store-b"}


def test_filters_combine_and_a_bad_date_is_reported_not_a_500(operator_client, store_b):
    Store.objects.filter(pk=store_b.pk).update(status=Store.Status.SUSPENDED)
    response = operator_client.get("/operator/", {"q": "store", "status": "suspended", "plan": "basic"})
    assert listed_stores(response) == {"store-b"}
    response = operator_client.get("/operator/", {"created_from": "2024-13-45"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
    assert listed_stores(response) == {"store-a", "store-b"}


def test_store_counts_at_the_top_of_the_list(operator_client, store_b):
    Store.objects.filter(pk=store_b.pk).update(status=Store.Status.SUSPENDED)
    html = operator_client.get("/operator/").content.decode()
    assert 'id="count-active">1<' in html
    assert 'id="count-suspended">1<' in html
    assert 'id="count-new">2<' in html
    Store.objects.filter(pk=store_b.pk).update(claimed_at=timezone.now() - timedelta(days=8))
    html = operator_client.get("/operator/").content.decode()
    assert 'id="count-new">1<' in html


def test_store_list_pages_by_25(operator_client):
    now = timezone.now()
    Store.objects.bulk_create(
        Store(
            schema_name=f"listing_{n}",
            slug=f"listing-{n:02d}",
            name=f"Listing {n:02d}",
            status=Store.Status.ACTIVE,
            claimed_at=now - timedelta(days=1, minutes=n),
        )
        for n in range(30)
    )
    first = listed_stores(operator_client.get("/operator/"))
    second = listed_stores(operator_client.get("/operator/", {"page": 2}))
    assert len(first) == 25
    assert len(second) == 7
    assert not first & second
    assert {"store-a", "store-b"} <= first  # newest first: A and B opened today
    # The filters stay on when paging.
    html = operator_client.get("/operator/", {"q": "listing"}).content.decode()
    assert "?q=listing&amp;page=2" in html


# --- one store: facts, suspend, reactivate ------------------------------------------------------


def test_store_detail_shows_the_facts(operator_client, store_b):
    response = operator_client.get(f"/operator/stores/{store_b.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for fact in ("Store B", store_b.host, store_b.schema_name, "bob@b.example", store_b.template.name):
        assert fact in html
    assert Plan.objects.get(code="basic").name in html
    assert "Suspend store" in html


def test_store_detail_of_a_pool_schema_or_unknown_store_is_404(operator_client):
    pool_store = Store.objects.filter(status=Store.Status.POOL).first()
    assert pool_store is not None
    assert operator_client.get(f"/operator/stores/{pool_store.pk}/").status_code == 404
    assert operator_client.get("/operator/stores/999999/").status_code == 404


def test_suspending_a_store_closes_its_storefront_and_locks_its_console(
    operator_client, operator, store_a, owner_client_a
):
    response = operator_client.post(
        f"/operator/stores/{store_a.pk}/suspend/", {"reason": "Selling counterfeit goods"}
    )
    assert response.status_code == 302
    store = refreshed(store_a)
    assert store.status == Store.Status.SUSPENDED
    assert store.status_reason == "Selling counterfeit goods"
    entry = OperatorAction.objects.get(action="store.suspend", target_id=str(store_a.pk))
    assert entry.actor == operator
    assert entry.reason == "Selling counterfeit goods"

    # The operator sees it on the store's page, with the audit entry.
    html = operator_client.get(f"/operator/stores/{store_a.pk}/").content.decode()
    assert "Reactivate store" in html and "Selling counterfeit goods" in html and "store.suspend" in html

    # Buyers get the "store closed" page.
    storefront = owner_client_a.get("/")
    assert storefront.status_code == 503
    assert "Store A is closed" in storefront.content.decode()

    # The merchant console refuses changes and says why.
    response = owner_client_a.post("/console/settings/", {"name": "Renamed while suspended"}, follow=True)
    assert "suspended by the platform" in response.content.decode()
    assert refreshed(store_a).name == "Store A"
    api = owner_client_a.post("/api/v1/products/", {"title": "x"})
    assert api.status_code == 403
    assert api.json()["code"] == "store_suspended"


def test_suspending_without_a_reason_is_refused_and_changes_nothing(operator_client, store_a):
    response = operator_client.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "   "})
    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    assert refreshed(store_a).status == Store.Status.ACTIVE
    assert not OperatorAction.objects.exists()


def test_suspending_a_suspended_store_shows_the_error_not_a_500(operator_client, store_a):
    operator_client.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "Fraud"})
    response = operator_client.post(
        f"/operator/stores/{store_a.pk}/suspend/", {"reason": "Again"}, follow=True
    )
    assert response.status_code == 200
    assert "Only an active store can be suspended." in response.content.decode()
    assert refreshed(store_a).status_reason == "Fraud"
    assert OperatorAction.objects.filter(action="store.suspend").count() == 1


def test_reactivating_an_active_store_shows_the_error(operator_client, store_a):
    response = operator_client.post(
        f"/operator/stores/{store_a.pk}/reactivate/", {"reason": "oops"}, follow=True
    )
    assert "Only a suspended store can be reactivated." in response.content.decode()
    assert not OperatorAction.objects.exists()


def test_reactivating_reopens_the_store(operator_client, operator, store_a, client_a):
    operator_client.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "Unpaid invoices"})
    assert client_a.get("/").status_code == 503
    response = operator_client.post(f"/operator/stores/{store_a.pk}/reactivate/", {"reason": "Paid up"})
    assert response.status_code == 302
    store = refreshed(store_a)
    assert store.status == Store.Status.ACTIVE
    assert store.status_reason == "" and store.suspended_at is None
    assert OperatorAction.objects.get(action="store.reactivate").reason == "Paid up"
    storefront = client_a.get("/")
    assert storefront.status_code == 200
    assert "Store A" in storefront.content.decode()


def test_suspending_one_store_leaves_the_other_open(operator_client, store_a, store_b, client_b):
    operator_client.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "Fraud"})
    assert refreshed(store_b).status == Store.Status.ACTIVE
    assert client_b.get("/").status_code == 200


# --- plans --------------------------------------------------------------------------------------


def plan_form_data(plan: Plan, **changes) -> dict:
    data = {
        "name": plan.name,
        "tagline": plan.tagline,
        "price_monthly": str(plan.price_monthly),
        "price_yearly": str(plan.price_yearly),
        "trial_days": str(plan.trial_days),
        "is_public": "on" if plan.is_public else "",
    }
    for key in ("products", "distributors", "staff", "distribution_levels"):
        value = plan.limit(key)
        data[f"limit_{key}"] = "" if value is None else str(value)
    for key, on in (plan.features or {}).items():
        if on:
            data[f"feature_{key}"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_plan_list_shows_store_counts(operator_client, store_a, store_b):
    html = operator_client.get("/operator/plans/").content.decode()
    for plan in Plan.objects.all():
        count = Subscription.objects.filter(plan=plan).count()
        row = re.search(rf'data-plan="{plan.code}".*?</tr>', html, re.S).group(0)
        assert f'class="store-count">{count}<' in row


def test_editing_a_plan_updates_its_limits_and_is_audited(operator_client, operator):
    plan = Plan.objects.get(code="basic")
    data = plan_form_data(
        plan,
        limit_products="300",
        limit_distributors="",
        price_monthly="129.00",
        feature_live_rooms="on",
        reason="Spring pricing",
    )
    response = operator_client.post(f"/operator/plans/{plan.pk}/edit/", data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.limit("products") == 300
    assert plan.limit("distributors") is None
    assert plan.price_monthly == Decimal("129.00")
    assert plan.has_feature("live_rooms")
    entry = OperatorAction.objects.get(action="plan.update", target_id=str(plan.pk))
    assert entry.actor == operator and entry.reason == "Spring pricing"
    assert entry.changes["price_monthly"] == ["99.00", "129.00"]
    assert "limits" in entry.changes


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("price_monthly", "-5", "Enter a price of zero or more."),
        ("limit_distribution_levels", "4", "Distribution levels are 1, 2 or 3"),
        ("trial_days", "365", "Trial days are a whole number from 0 to 90."),
        ("limit_staff", "lots", "Enter a whole number"),
    ],
)
def test_bad_plan_input_shows_field_errors_and_saves_nothing(operator_client, field, value, message):
    plan = Plan.objects.get(code="basic")
    before = Plan.objects.filter(pk=plan.pk).values().get()
    response = operator_client.post(
        f"/operator/plans/{plan.pk}/edit/", plan_form_data(plan, name="Renamed", **{field: value})
    )
    assert response.status_code == 200
    assert message in field_errors(response, field)
    assert Plan.objects.filter(pk=plan.pk).values().get() == before
    assert not OperatorAction.objects.exists()


def test_creating_a_plan(operator_client, operator):
    data = plan_form_data(
        Plan.objects.get(code="pro"), code="enterprise", name="Enterprise", limit_products=""
    )
    response = operator_client.post("/operator/plans/new/", data)
    assert response.status_code == 302
    plan = Plan.objects.get(code="enterprise")
    assert plan.name == "Enterprise" and plan.limit("products") is None
    assert OperatorAction.objects.filter(
        action="plan.create", target_id=str(plan.pk), actor=operator
    ).exists()
    # The same code again is refused on the code field.
    response = operator_client.post("/operator/plans/new/", data)
    assert response.status_code == 200
    assert "A plan with this code exists." in response.content.decode()
    assert Plan.objects.filter(code="enterprise").count() == 1


# --- storefront templates -----------------------------------------------------------------------


def template_form_data(**changes) -> dict:
    data = {
        "code": "ocean",
        "name": "Ocean",
        "description": "Blue and calm",
        "theme_primary": "#1565c0",
        "theme_accent": "#00bcd4",
        "theme_background": "#f3f8fc",
        "theme_surface": "#ffffff",
        "theme_text": "#102030",
        "theme_radius": "10px",
        "home_sections": "banner | Deep blue\ncategory_grid | Browse\nhot_products | Best sellers",
        "is_active": "on",
        "sort_order": "9",
        "reason": "New look for seafood shops",
    }
    data.update(changes)
    return data


def test_template_list_shows_templates_with_store_counts(operator_client, store_a):
    html = operator_client.get("/operator/templates/").content.decode()
    for template in StoreTemplate.objects.all():
        assert f'data-template="{template.code}"' in html
    assert "fresh" in html and "category_grid" in html


def test_creating_a_template_with_a_preview_image(operator_client, operator, media_root):
    response = operator_client.post(
        "/operator/templates/new/", {**template_form_data(), "preview_image": png_upload()}
    )
    assert response.status_code == 302
    template = StoreTemplate.objects.get(code="ocean")
    assert template.theme["primary"] == "#1565c0"
    assert template.theme["radius"] == "10px"
    assert template.home_sections == [
        {"type": "banner", "title": "Deep blue"},
        {"type": "category_grid", "title": "Browse"},
        {"type": "hot_products", "title": "Best sellers"},
    ]
    assert template.is_active and template.sort_order == 9
    assert template.preview_image.name.endswith(".png")
    assert template.preview_image.storage.exists(template.preview_image.name)
    entry = OperatorAction.objects.get(action="template.create")
    assert entry.actor == operator and entry.target_id == str(template.pk)
    assert entry.reason == "New look for seafood shops"
    assert entry.changes["code"] == [None, "ocean"]
    assert entry.changes["home_sections"][1] == template.home_sections
    assert "ocean" in operator_client.get("/operator/audit/", {"target_type": "template"}).content.decode()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"theme_primary": "blue"}, "theme_primary", "#rrggbb"),
        ({"theme_text": "#12345"}, "theme_text", "#rrggbb"),
        ({"theme_radius": "huge"}, "theme_radius", "corner radius"),
        (
            {"home_sections": "banner | Hi\ncarousel | Spin"},
            "home_sections",
            "“carousel” is not a section type",
        ),
        ({"home_sections": ""}, "home_sections", "at least one section"),
        ({"code": "Not A Slug!"}, "code", "lowercase letters"),
        ({"code": "fresh"}, "code", "A template with this code exists."),
    ],
)
def test_bad_template_input_shows_field_errors_and_creates_nothing(operator_client, changes, field, message):
    count = StoreTemplate.objects.count()
    response = operator_client.post("/operator/templates/new/", template_form_data(**changes))
    assert response.status_code == 200
    assert message in field_errors(response, field)
    assert StoreTemplate.objects.count() == count
    assert not OperatorAction.objects.exists()


def test_a_template_preview_shows_on_the_platform_and_in_every_store_console(
    operator_client, platform_client, owner_client_a, media_root
):
    operator_client.post("/operator/templates/new/", {**template_form_data(), "preview_image": png_upload()})
    connection.set_schema_to_public()
    template = StoreTemplate.objects.get(code="ocean")

    # in the platform's own folder, not in the folder of whichever store shows it
    url = template.preview_image.url
    assert url.startswith("/media/public/templates/ocean-")
    assert (media_root / "public" / template.preview_image.name).is_file()
    signup = platform_client.get("/signup/").content.decode()
    console = owner_client_a.get("/console/settings/").content.decode()
    assert f'src="{url}"' in signup
    assert f'src="{url}"' in console


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            SimpleUploadedFile("logo.png", b"%PDF-1.4 not a picture", content_type="image/png"),
            "not a picture",
        ),
        (
            SimpleUploadedFile("huge.png", b"\0" * (2 * 1024 * 1024 + 1), content_type="image/png"),
            "at most 2 MB",
        ),
    ],
)
def test_template_preview_must_be_a_small_real_image(operator_client, media_root, upload, message):
    response = operator_client.post(
        "/operator/templates/new/", {**template_form_data(), "preview_image": upload}
    )
    assert response.status_code == 200
    assert message in field_errors(response, "preview_image")
    assert not StoreTemplate.objects.filter(code="ocean").exists()
    assert not list(media_root.rglob("*.png"))


def test_editing_a_template_changes_the_storefronts_that_use_it(operator_client, operator, store_a, client_a):
    template = store_a.template
    data = template_form_data(
        theme_primary="#aa0000",
        home_sections="banner | Summer sale\nnew_arrivals | Just landed",
        reason="Summer campaign",
    )
    del data["code"]
    response = operator_client.post(f"/operator/templates/{template.pk}/edit/", data)
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.code == "fresh"  # the code never changes
    assert template.theme["primary"] == "#aa0000"
    entry = OperatorAction.objects.get(action="template.update", target_id=str(template.pk))
    assert entry.actor == operator and entry.reason == "Summer campaign"
    assert entry.changes["theme"][1]["primary"] == "#aa0000"
    assert entry.changes["home_sections"][1][0] == {"type": "banner", "title": "Summer sale"}

    html = client_a.get("/").content.decode()
    assert "Summer sale" in html and "#aa0000" in html


def test_replacing_and_removing_a_template_preview(
    operator_client, media_root, django_capture_on_commit_callbacks
):
    template = StoreTemplate.objects.get(code="classic")
    data = template_form_data()
    del data["code"]
    url = f"/operator/templates/{template.pk}/edit/"
    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(url, {**data, "preview_image": png_upload("first.png")})
    template.refresh_from_db()
    first = template.preview_image.name
    assert first and template.preview_image.storage.exists(first)
    assert template.preview_image.url in operator_client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(url, {**data, "preview_image": png_upload("second.png", colour=(0, 0, 0))})
    template.refresh_from_db()
    second = template.preview_image.name
    assert second != first
    assert not template.preview_image.storage.exists(first)  # the replaced file is gone

    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(url, {**data, "remove_preview_image": "on"})
    template.refresh_from_db()
    assert not template.preview_image
    assert not list(media_root.rglob("*.png"))


def test_bad_template_edit_changes_nothing(operator_client, store_a):
    template = store_a.template
    before = StoreTemplate.objects.filter(pk=template.pk).values().get()
    data = template_form_data(theme_accent="orange", home_sections="banner | Hi\nmarquee | Scroll")
    del data["code"]
    response = operator_client.post(f"/operator/templates/{template.pk}/edit/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "#rrggbb" in html and "“marquee” is not a section type" in html
    assert StoreTemplate.objects.filter(pk=template.pk).values().get() == before
    assert not OperatorAction.objects.exists()


def test_the_last_template_offered_at_signup_cannot_be_hidden(operator_client):
    keep = StoreTemplate.objects.get(code="fresh")
    StoreTemplate.objects.exclude(pk=keep.pk).update(is_active=False)
    data = template_form_data(is_active="")
    del data["code"]
    response = operator_client.post(f"/operator/templates/{keep.pk}/edit/", data)
    assert response.status_code == 200
    assert "Signup needs at least one template" in response.content.decode()
    keep.refresh_from_db()
    assert keep.is_active


def test_template_edit_page_shows_the_current_values(operator_client):
    template = StoreTemplate.objects.get(code="urban")
    html = operator_client.get(f"/operator/templates/{template.pk}/edit/").content.decode()
    assert 'value="#ff2d7a"' in html
    assert "new_arrivals | 本周上新" in html


# --- audit log ----------------------------------------------------------------------------------


def test_audit_log_lists_every_operator_action_and_filters(operator_client, operator, store_a):
    operator_client.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "Chargebacks"})
    plan = Plan.objects.get(code="pro")
    operator_client.post(
        f"/operator/plans/{plan.pk}/edit/", plan_form_data(plan, limit_staff="12", reason="More seats")
    )
    response = operator_client.get("/operator/audit/")
    html = response.content.decode()
    assert "store.suspend" in html and "Chargebacks" in html and "Store A" in html
    assert "plan.update" in html and "More seats" in html and operator.email in html
    assert f'href="/operator/stores/{store_a.pk}/"' in html

    only_plans = operator_client.get("/operator/audit/", {"target_type": "plan"}).content.decode()
    assert "More seats" in only_plans and "Chargebacks" not in only_plans
    only_suspensions = operator_client.get("/operator/audit/", {"action": "store.suspend"}).content.decode()
    assert "Chargebacks" in only_suspensions and "More seats" not in only_suspensions


def test_audit_log_pages_by_25(operator_client, operator, store_a):
    OperatorAction.objects.bulk_create(
        OperatorAction(
            actor=operator,
            action="store.note",
            target_type="store",
            target_id=str(store_a.pk),
            reason=f"n{i}",
        )
        for i in range(27)
    )
    first = operator_client.get("/operator/audit/").content.decode()
    second = operator_client.get("/operator/audit/", {"page": 2}).content.decode()
    assert first.count("store.note</span>") == 25
    assert second.count("store.note</span>") == 2


def test_operator_pages_render_for_an_operator(operator_client, store_a):
    plan = Plan.objects.first()
    template = StoreTemplate.objects.first()
    for path in [
        *OPERATOR_PAGES,
        f"/operator/stores/{store_a.pk}/",
        f"/operator/plans/{plan.pk}/edit/",
        f"/operator/templates/{template.pk}/edit/",
    ]:
        response = operator_client.get(path)
        assert response.status_code == 200, path
        assert 'href="/operator/audit/"' in response.content.decode()


def test_a_store_host_cannot_suspend_another_store(client_b, store_a):
    # Store B's host knows no operator URLs, whatever store they would name.
    assert client_b.get(f"/operator/stores/{store_a.pk}/").status_code == 404
    assert client_b.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "x"}).status_code == 404
    assert refreshed(store_a).status == Store.Status.ACTIVE
