"""The merchant console on a store host: login and its hardening, the one-time signup link, the
dashboard, store settings (name, logo, storefront template), staff, a suspended store, and isolation
between stores."""

import io
import re
import struct
import time
import zlib

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils.timezone import localtime
from django_tenants.utils import schema_context
from PIL import Image

from tenants.errors import InvalidInput, NotAllowed
from tenants.images import validate_image_upload
from tenants.models import Store
from tenants.services.login_tokens import issue_login_token
from tests.conftest import host_client, login_client, make_staff, owner_of
from tests.factories import PASSWORD, UserFactory

User = get_user_model()
WRONG = "not-the-password"


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def picture(fmt: str = "PNG", size=(64, 64), name: str | None = None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (26, 163, 90)).save(buffer, format=fmt)
    extension = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif", "BMP": "bmp"}[fmt]
    return SimpleUploadedFile(
        name or f"logo.{extension}", buffer.getvalue(), content_type=f"image/{extension}"
    )


def pdf_named_jpg() -> SimpleUploadedFile:
    content = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return SimpleUploadedFile("logo.jpg", content, content_type="image/jpeg")


def fresh_store(store) -> Store:
    connection.set_schema_to_public()
    return Store.objects.select_related("template").get(pk=store.pk)


def user_in(store, email):
    with schema_context(store.schema_name):
        return User.objects.filter(email=email).first()


def text(response) -> str:
    return response.content.decode()


def settings_post(store, **overrides):
    data = {"name": store.name, "template": store.template.code}
    data.update(overrides)
    return data


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads go to a temporary folder. Setting MULTITENANT_RELATIVE_MEDIA_ROOT too makes the tenant
    storage drop its cached root (it only listens for that setting)."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    return tmp_path


@pytest.fixture
def manager_client_a(store_a, owner_client_a):
    return owner_client_a


def suspend(store, operator, reason="Unpaid invoice #42"):
    from tenants.services.operator import suspend_store

    connection.set_schema_to_public()
    return suspend_store(store=store, actor=operator, reason=reason)


# ---------------------------------------------------------------------------------------------
# Login
# ---------------------------------------------------------------------------------------------


def test_owner_logs_in_with_email_and_password(client_a, store_a):
    response = client_a.post("/console/login/", {"username": "Alice@A.example", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    dashboard = client_a.get("/console/")
    assert dashboard.status_code == 200
    assert "Store A" in text(dashboard)


def test_login_returns_to_the_page_asked_for(client_a, store_a):
    response = client_a.post(
        "/console/login/?next=/console/staff/",
        {"username": "alice@a.example", "password": PASSWORD, "next": "/console/staff/"},
    )
    assert response["Location"] == "/console/staff/"


def test_login_does_not_redirect_to_another_site(client_a, store_a):
    response = client_a.post(
        "/console/login/",
        {"username": "alice@a.example", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/console/"


def test_wrong_password_says_so_and_logs_nobody_in(client_a, store_a):
    response = client_a.post("/console/login/", {"username": "alice@a.example", "password": WRONG})
    assert response.status_code == 200
    assert "Wrong email or password." in text(response)
    assert client_a.get("/console/")["Location"].startswith("/console/login/")


def test_a_deactivated_member_with_the_right_password_is_told_why(client_a, store_a):
    make_staff(store_a, email="dora@a.example", is_active=False)

    right = client_a.post("/console/login/", {"username": "dora@a.example", "password": PASSWORD})
    wrong = client_a.post("/console/login/", {"username": "dora@a.example", "password": WRONG})

    assert "This account has been deactivated. Ask the store owner to reactivate it." in text(right)
    # a wrong password tells nothing about the account
    assert "Wrong email or password." in text(wrong) and "deactivated" not in text(wrong)
    assert client_a.get("/console/")["Location"].startswith("/console/login/")


def test_unknown_email_gets_the_same_message(client_a, store_a):
    response = client_a.post("/console/login/", {"username": "nobody@a.example", "password": WRONG})
    assert "Wrong email or password." in text(response)


def test_login_locks_out_after_five_failures_while_another_email_can_still_try(client_a, store_a):
    colleague = make_staff(store_a, email="carol@a.example")
    for attempt in range(4):
        response = client_a.post("/console/login/", {"username": "alice@a.example", "password": WRONG})
        assert response.status_code == 200, attempt
        assert "Wrong email or password." in text(response)
    fifth = client_a.post("/console/login/", {"username": "alice@a.example", "password": WRONG})
    assert fifth.status_code == 429
    assert "Too many failed logins" in text(fifth)
    # Locked means locked: even the right password is refused now.
    right = client_a.post("/console/login/", {"username": "alice@a.example", "password": PASSWORD})
    assert right.status_code == 429
    assert client_a.get("/console/")["Location"].startswith("/console/login/")
    # The lock is per email (and IP): a colleague from the same address still logs in.
    other_wrong = client_a.post("/console/login/", {"username": colleague.email, "password": WRONG})
    assert other_wrong.status_code == 200
    assert "Wrong email or password." in text(other_wrong)
    other_right = client_a.post("/console/login/", {"username": colleague.email, "password": PASSWORD})
    assert other_right.status_code == 302


def test_lockout_counts_the_email_in_any_spelling(client_a, store_a):
    for spelling in [
        "alice@a.example",
        "ALICE@a.example",
        "Alice@A.Example",
        " alice@a.example",
        "aLice@a.example",
    ]:
        client_a.post("/console/login/", {"username": spelling, "password": WRONG})
    response = client_a.post("/console/login/", {"username": "alice@a.example", "password": PASSWORD})
    assert response.status_code == 429


def test_lockout_on_one_store_leaves_the_same_email_free_on_another(client_a, client_b, store_a, store_b):
    make_staff(store_a, email="shared@example.com")
    make_staff(store_b, email="shared@example.com")
    for _ in range(5):
        client_a.post("/console/login/", {"username": "shared@example.com", "password": WRONG})
    assert (
        client_a.post("/console/login/", {"username": "shared@example.com", "password": PASSWORD}).status_code
        == 429
    )
    response = client_b.post("/console/login/", {"username": "shared@example.com", "password": PASSWORD})
    assert response.status_code == 302


def test_a_customer_cannot_log_in_to_the_console(client_a, store_a):
    with schema_context(store_a.schema_name):
        UserFactory(email="buyer@a.example")
    response = client_a.post("/console/login/", {"username": "buyer@a.example", "password": PASSWORD})
    assert response.status_code == 200
    assert "cannot open the merchant console" in text(response)
    assert client_a.get("/console/")["Location"].startswith("/console/login/")


def test_logout_ends_the_session(owner_client_a):
    response = owner_client_a.post("/console/logout/")
    assert response["Location"] == "/console/login/"
    assert owner_client_a.get("/console/")["Location"].startswith("/console/login/")


def test_console_login_is_not_served_on_the_platform_host(platform_client):
    assert platform_client.get("/console/login/").status_code == 404


# ---------------------------------------------------------------------------------------------
# One-time login link (signup hand-off)
# ---------------------------------------------------------------------------------------------


def test_login_link_logs_the_owner_in_on_the_store_host(client_a, store_a):
    token = issue_login_token(store=store_a, user=owner_of(store_a))
    response = client_a.get(f"/console/login/token/?t={token}&welcome=1")
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    dashboard = client_a.get("/console/")
    assert dashboard.status_code == 200
    assert "Welcome! Your store is open." in text(dashboard)


def test_a_used_login_link_is_refused_the_second_time(client_a, store_a):
    token = issue_login_token(store=store_a, user=owner_of(store_a))
    assert client_a.get(f"/console/login/token/?t={token}").status_code == 302
    second = host_client(store_a.host).get(f"/console/login/token/?t={token}")
    assert second.status_code == 409
    assert "already been used" in text(second)


def test_an_expired_login_link_says_it_expired(client_a, store_a, monkeypatch):
    an_hour_ago = signing.b62_encode(int(time.time()) - 3600)
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: an_hour_ago)
    token = issue_login_token(store=store_a, user=owner_of(store_a))
    monkeypatch.undo()
    response = client_a.get(f"/console/login/token/?t={token}")
    assert response.status_code == 400
    assert "This login link has expired" in text(response)
    assert client_a.get("/console/")["Location"].startswith("/console/login/")


@pytest.mark.parametrize("token", ["", "nonsense", "eyJzIjoic3RvcmUtYSJ9:1abc:forgedsignature"])
def test_a_forged_login_link_is_not_valid(client_a, store_a, token):
    response = client_a.get(f"/console/login/token/?t={token}")
    assert response.status_code == 400
    assert "This login link is not valid." in text(response)


def test_a_tampered_login_link_is_not_valid(client_a, store_a, store_b):
    token = issue_login_token(store=store_a, user=owner_of(store_a))
    payload, timestamp, signature = token.rsplit(":", 2)
    other = issue_login_token(store=store_b, user=owner_of(store_b)).split(":")[0]
    response = client_a.get(f"/console/login/token/?t={other}:{timestamp}:{signature}")
    assert response.status_code == 400
    assert "This login link is not valid." in text(response)


def test_store_b_login_link_is_refused_on_store_a(client_a, client_b, store_a, store_b):
    token = issue_login_token(store=store_b, user=owner_of(store_b))
    response = client_a.get(f"/console/login/token/?t={token}")
    assert response.status_code == 400
    assert "This login link is for another store." in text(response)
    assert client_a.get("/console/")["Location"].startswith("/console/login/")
    # The refusal did not use the link up: it still works where it belongs.
    assert client_b.get(f"/console/login/token/?t={token}")["Location"] == "/console/"


# ---------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Store settings
# ---------------------------------------------------------------------------------------------


def test_settings_page_shows_the_template_picker(owner_client_a, store_a):
    page = text(owner_client_a.get("/console/settings/"))
    for name in ["鲜果 Fresh", "潮流 Urban", "国风 Classic", "萌宝 Baby"]:
        assert name in page
    assert 'value="fresh" checked' in page
    assert 'class="mock"' in page


def test_switching_the_template_changes_the_storefront_at_once(owner_client_a, store_a):
    before = text(owner_client_a.get("/"))  # also puts the store into the host cache
    assert "template-fresh" in before
    response = owner_client_a.post(
        "/console/settings/", settings_post(store_a, name="Store A Prime", template="urban")
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/settings/"
    assert "Your store settings are saved." in text(owner_client_a.get("/console/settings/"))
    after = text(owner_client_a.get("/"))
    assert "template-urban" in after
    assert "NEW SEASON" in after  # the urban home page's banner
    assert "--primary: #111111" in after  # and its colours
    assert "Store A Prime" in after
    store = fresh_store(store_a)
    assert store.name == "Store A Prime"
    assert store.template.code == "urban"


def test_settings_refuse_an_empty_name_and_an_unknown_template(owner_client_a, store_a):
    response = owner_client_a.post("/console/settings/", {"name": "  ", "template": "no-such-template"})
    assert response.status_code == 200
    page = text(response)
    assert "Give your store a name." in page
    assert "Choose one of the storefront templates." in page
    store = fresh_store(store_a)
    assert (store.name, store.template.code) == ("Store A", "fresh")


def test_a_real_png_logo_is_stored_and_shown(owner_client_a, store_a, media_root):
    response = owner_client_a.post("/console/settings/", settings_post(store_a, logo=picture("PNG")))
    assert response.status_code == 302
    store = fresh_store(store_a)
    assert store.logo.name.startswith("logo/") and store.logo.name.endswith(".png")
    stored = media_root / store_a.schema_name / store.logo.name
    with Image.open(stored) as image:
        assert image.format == "PNG"
    storefront = text(owner_client_a.get("/"))
    assert f'src="/media/{store_a.schema_name}/{store.logo.name}"' in storefront
    assert "Upload your logo" not in text(owner_client_a.get("/console/"))


def test_a_logo_is_stored_under_the_extension_of_what_it_really_is(owner_client_a, store_a, media_root):
    owner_client_a.post("/console/settings/", settings_post(store_a, logo=picture("JPEG", name="brand.png")))
    assert fresh_store(store_a).logo.name.endswith(".jpg")


def test_a_pdf_renamed_jpg_is_refused_with_a_clear_message(owner_client_a, store_a, media_root):
    response = owner_client_a.post("/console/settings/", settings_post(store_a, logo=pdf_named_jpg()))
    assert response.status_code == 200
    assert "This file is not a picture we can use." in text(response)
    assert 'id="field-logo"' in text(response)
    assert not fresh_store(store_a).logo
    assert not any(media_root.rglob("*.jpg"))


def test_a_refused_logo_changes_nothing_else_either(owner_client_a, store_a, media_root):
    owner_client_a.post(
        "/console/settings/", settings_post(store_a, name="Renamed", template="urban", logo=pdf_named_jpg())
    )
    store = fresh_store(store_a)
    assert (store.name, store.template.code) == ("Store A", "fresh")


def test_a_huge_logo_is_refused(owner_client_a, store_a, media_root):
    response = owner_client_a.post(
        "/console/settings/", settings_post(store_a, logo=picture("PNG", (4001, 10)))
    )
    assert "4001×10 pixels; at most 4000×4000" in text(response)
    assert not fresh_store(store_a).logo


def test_the_logo_can_be_removed(owner_client_a, store_a, media_root):
    owner_client_a.post("/console/settings/", settings_post(store_a, logo=picture("PNG")))
    assert fresh_store(store_a).logo
    response = owner_client_a.post("/console/settings/", settings_post(store_a, clear_logo="on"))
    assert response.status_code == 302
    assert not fresh_store(store_a).logo


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_image_validation_accepts_the_four_web_formats(fmt):
    info = validate_image_upload(picture(fmt, (40, 30)), max_bytes=2 * 1024 * 1024, max_side=4000)
    assert (info.format, info.width, info.height) == (fmt, 40, 30)


def test_image_validation_refuses_other_formats_by_name():
    with pytest.raises(InvalidInput) as error:
        validate_image_upload(picture("BMP"), max_bytes=2 * 1024 * 1024, max_side=4000, field="logo")
    assert "BMP pictures are not accepted" in error.value.errors["logo"][0]


def test_image_validation_refuses_files_over_the_byte_limit():
    with pytest.raises(InvalidInput) as error:
        validate_image_upload(picture("PNG", (200, 200)), max_bytes=100, max_side=4000)
    assert "pictures can be at most" in error.value.errors["image"][0]


def test_image_validation_refuses_a_decompression_bomb_without_decoding_it():
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
    bomb = b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    with pytest.raises(InvalidInput) as error:
        validate_image_upload(SimpleUploadedFile("bomb.png", bomb), max_bytes=2 * 1024 * 1024, max_side=4000)
    assert "far too many pixels" in error.value.errors["image"][0]


def test_image_validation_refuses_a_truncated_picture():
    whole = picture("PNG", (300, 300)).read()
    broken = SimpleUploadedFile("cut.png", whole[: len(whole) // 2], content_type="image/png")
    with pytest.raises(InvalidInput):
        validate_image_upload(broken, max_bytes=2 * 1024 * 1024, max_side=4000)


# ---------------------------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------------------------


def test_staff_page_lists_members_with_role_and_status(owner_client_a, store_a):
    make_staff(store_a, email="ops@a.example", name="Olga")
    make_staff(store_a, email="gone@a.example", name="Gus", is_active=False, role="finance")
    page = text(owner_client_a.get("/console/staff/"))
    assert "alice@a.example" in page and "Owner" in page
    assert "ops@a.example" in page and "Olga" in page
    assert "gone@a.example" in page and "Deactivated" in page


def test_adding_a_member_without_password_shows_the_generated_one_once(owner_client_a, store_a):
    response = owner_client_a.post(
        "/console/staff/", {"email": "Dan@A.example", "name": "Dan", "role": "customer_service"}
    )
    assert response.status_code == 302
    first = text(owner_client_a.get("/console/staff/"))
    assert "Dan can now log in to this console." in first
    assert 'id="new-password"' in first
    password = first.split('user-select:all">')[1].split("</code>")[0]
    assert len(password) >= 12
    assert 'id="new-password"' not in text(owner_client_a.get("/console/staff/"))
    dan = user_in(store_a, "dan@a.example")
    assert dan.role == "customer_service" and dan.is_active
    # The member really logs in with it.
    response = host_client(store_a.host).post(
        "/console/login/", {"username": "dan@a.example", "password": password}
    )
    assert response.status_code == 302


def test_adding_a_member_with_a_chosen_password_shows_no_password(owner_client_a, store_a):
    owner_client_a.post(
        "/console/staff/",
        {"email": "fay@a.example", "name": "Fay", "role": "finance", "password": "ledger-and-ink-42"},
    )
    page = text(owner_client_a.get("/console/staff/"))
    assert "Fay can now log in" in page
    assert 'id="new-password"' not in page
    assert (
        host_client(store_a.host)
        .post("/console/login/", {"username": "fay@a.example", "password": "ledger-and-ink-42"})
        .status_code
        == 302
    )


def test_adding_a_member_reports_field_problems(owner_client_a, store_a):
    response = owner_client_a.post(
        "/console/staff/", {"email": "alice@a.example", "name": "Again", "role": "admin", "password": "123"}
    )
    assert response.status_code == 200
    page = text(response)
    assert "Someone with this email is already a user of this store." in page
    assert 'id="field-password"' in page
    with schema_context(store_a.schema_name):
        assert User.objects.filter(role__in=User.STAFF_ROLES).count() == 1


def test_the_owner_role_cannot_be_given_through_the_form(owner_client_a, store_a):
    owner_client_a.post("/console/staff/", {"email": "x@a.example", "name": "X", "role": "owner"})
    assert user_in(store_a, "x@a.example") is None


def test_the_trial_plan_allows_three_staff_including_the_owner(owner_client_a, store_a):
    for email in ["one@a.example", "two@a.example"]:
        response = owner_client_a.post(
            "/console/staff/", {"email": email, "name": "Member", "role": "operations"}
        )
        assert response.status_code == 302
    response = owner_client_a.post(
        "/console/staff/", {"email": "three@a.example", "name": "Member", "role": "operations"}
    )
    assert response.status_code == 200
    assert "Staff accounts: your plan allows 3. Upgrade to 专业版 Pro to add more." in text(response)
    assert user_in(store_a, "three@a.example") is None


def test_changing_a_role_with_a_plain_form_post(owner_client_a, store_a):
    member = make_staff(store_a, email="ops@a.example", name="Olga")
    response = owner_client_a.post(f"/console/staff/{member.pk}/role/", {"role": "finance"})
    assert response.status_code == 302
    assert response["Location"] == "/console/staff/"
    assert user_in(store_a, "ops@a.example").role == "finance"
    assert "Olga is now Finance." in text(owner_client_a.get("/console/staff/"))


def test_changing_a_role_inline_with_htmx_returns_the_row(owner_client_a, store_a):
    member = make_staff(store_a, email="ops@a.example", name="Olga")
    response = owner_client_a.post(
        f"/console/staff/{member.pk}/role/", {"role": "admin"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    row = text(response)
    assert row.strip().startswith(f'<tr id="staff-{member.pk}">')
    assert '<option value="admin" selected>' in row
    assert "Olga is now Administrator." in row
    assert user_in(store_a, "ops@a.example").role == "admin"


def test_the_owners_role_cannot_be_changed(owner_client_a, store_a):
    owner = owner_of(store_a)
    admin = make_staff(store_a, email="adm@a.example", role="admin")
    login_client(owner_client_a, store_a, admin)
    response = owner_client_a.post(f"/console/staff/{owner.pk}/role/", {"role": "finance"}, follow=True)
    assert "The owner&#x27;s role cannot be changed." in text(response)
    assert user_in(store_a, owner.email).role == "owner"
    response = owner_client_a.post(f"/console/staff/{owner.pk}/active/", {"active": "0"}, follow=True)
    assert "The owner cannot be deactivated." in text(response)
    assert user_in(store_a, owner.email).is_active


def test_nonsense_staff_changes_get_a_message_not_an_error(owner_client_a, store_a):
    member = make_staff(store_a, email="ops@a.example")
    response = owner_client_a.post(f"/console/staff/{member.pk}/role/", {"role": "overlord"}, follow=True)
    assert response.status_code == 200
    assert "Choose a role." in text(response)
    response = owner_client_a.post(f"/console/staff/{member.pk}/active/", {"active": "maybe"}, follow=True)
    assert "Choose active or deactivated." in text(response)
    assert owner_client_a.post("/console/staff/999999/role/", {"role": "admin"}).status_code == 404
    member = user_in(store_a, "ops@a.example")
    assert (member.role, member.is_active) == ("operations", True)


def test_a_customer_is_not_a_staff_member_to_manage(owner_client_a, store_a):
    with schema_context(store_a.schema_name):
        buyer = UserFactory(email="buyer@a.example")
    assert owner_client_a.post(f"/console/staff/{buyer.pk}/role/", {"role": "admin"}).status_code == 404
    assert user_in(store_a, "buyer@a.example").role == "customer"


def test_deactivating_a_member_ends_their_access(owner_client_a, store_a):
    member = make_staff(store_a, email="ops@a.example", name="Olga")
    member_client = login_client(host_client(store_a.host), store_a, member)
    assert member_client.get("/console/").status_code == 200
    response = owner_client_a.post(f"/console/staff/{member.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    assert not user_in(store_a, "ops@a.example").is_active
    assert member_client.get("/console/")["Location"].startswith("/console/login/")
    again = host_client(store_a.host).post(
        "/console/login/", {"username": "ops@a.example", "password": PASSWORD}
    )
    assert "This account has been deactivated." in text(again)


def test_reactivating_with_htmx_and_the_plan_limit(owner_client_a, store_a):
    sleeper = make_staff(store_a, email="sleeper@a.example", name="Sam", is_active=False)
    make_staff(store_a, email="one@a.example")
    response = owner_client_a.post(
        f"/console/staff/{sleeper.pk}/active/", {"active": "1"}, HTTP_HX_REQUEST="true"
    )
    assert "Sam can log in again." in text(response)
    assert user_in(store_a, "sleeper@a.example").is_active
    # Owner + 2 active = the trial's 3: deactivate one, add a newcomer, then Sam cannot come back.
    owner_client_a.post(f"/console/staff/{sleeper.pk}/active/", {"active": "0"})
    make_staff(store_a, email="two@a.example")
    response = owner_client_a.post(
        f"/console/staff/{sleeper.pk}/active/", {"active": "1"}, HTTP_HX_REQUEST="true"
    )
    assert "Staff accounts: your plan allows 3." in text(response)
    assert "Deactivated" in text(response)
    assert not user_in(store_a, "sleeper@a.example").is_active


def test_managers_cannot_deactivate_themselves(client_a, store_a):
    admin = make_staff(store_a, email="adm@a.example", role="admin")
    login_client(client_a, store_a, admin)
    response = client_a.post(f"/console/staff/{admin.pk}/active/", {"active": "0"}, follow=True)
    assert "You cannot deactivate yourself." in text(response)
    assert user_in(store_a, "adm@a.example").is_active


def test_an_administrator_manages_staff_too(client_a, store_a):
    admin = make_staff(store_a, email="adm@a.example", role="admin")
    login_client(client_a, store_a, admin)
    assert client_a.get("/console/staff/").status_code == 200
    assert client_a.get("/console/settings/").status_code == 200


@pytest.mark.parametrize("role", ["operations", "customer_service", "finance"])
def test_staff_without_management_rights_are_refused_settings_and_staff(client_a, store_a, role):
    member = make_staff(store_a, email="member@a.example", role=role)
    colleague = make_staff(store_a, email="colleague@a.example")
    login_client(client_a, store_a, member)
    for path in ["/console/settings/", "/console/staff/"]:
        response = client_a.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/console/"
    refused = text(client_a.get("/console/settings/", follow=True))
    assert "Only the owner or an administrator can open that page." in refused
    client_a.post("/console/settings/", {"name": "Hijacked", "template": "urban"})
    client_a.post("/console/staff/", {"email": "new@a.example", "name": "New", "role": "admin"})
    client_a.post(f"/console/staff/{colleague.pk}/role/", {"role": "admin"})
    client_a.post(f"/console/staff/{colleague.pk}/active/", {"active": "0"})
    store = fresh_store(store_a)
    assert (store.name, store.template.code) == ("Store A", "fresh")
    assert user_in(store_a, "new@a.example") is None
    colleague = user_in(store_a, "colleague@a.example")
    assert (colleague.role, colleague.is_active) == ("operations", True)


# ---------------------------------------------------------------------------------------------
# A suspended store
# ---------------------------------------------------------------------------------------------


def test_suspended_store_console_is_read_only(owner_client_a, store_a, operator):
    member = make_staff(store_a, email="ops@a.example")
    suspend(store_a, operator)
    dashboard = text(owner_client_a.get("/console/"))
    assert "This store is suspended by the platform: Unpaid invoice #42" in dashboard
    assert "Reason: Unpaid invoice #42" in dashboard
    settings_page = owner_client_a.get("/console/settings/")
    assert settings_page.status_code == 200
    assert "disabled" in text(settings_page)
    staff_page = owner_client_a.get("/console/staff/")
    assert staff_page.status_code == 200
    assert "ops@a.example" in text(staff_page)
    assert 'id="add-staff"' not in text(staff_page)

    response = owner_client_a.post(
        "/console/settings/", {"name": "Renamed", "template": "urban"}, HTTP_REFERER="/console/settings/"
    )
    assert response.status_code == 302
    assert "This store is suspended by the platform: Unpaid invoice #42" in text(
        owner_client_a.get(response["Location"])
    )
    owner_client_a.post("/console/staff/", {"email": "new@a.example", "name": "New", "role": "admin"})
    owner_client_a.post(f"/console/staff/{member.pk}/role/", {"role": "admin"})
    owner_client_a.post(f"/console/staff/{member.pk}/active/", {"active": "0"})

    store = fresh_store(store_a)
    assert (store.name, store.template.code) == ("Store A", "fresh")
    assert user_in(store_a, "new@a.example") is None
    member = user_in(store_a, "ops@a.example")
    assert (member.role, member.is_active) == ("operations", True)


def test_a_suspended_store_owner_can_still_log_in_to_read(client_a, store_a, operator):
    suspend(store_a, operator)
    login_client(client_a, store_a, owner_of(store_a))
    assert "Unpaid invoice #42" in text(client_a.get("/console/"))


def test_services_refuse_changes_to_a_suspended_store(store_a, operator):
    from tenants.accounts.services import add_staff_member, change_staff_role, set_staff_active
    from tenants.services.store_settings import update_store_settings

    member = make_staff(store_a, email="ops@a.example")
    store = suspend(store_a, operator)
    with pytest.raises(NotAllowed):
        update_store_settings(store=store_a, actor=None, name="Renamed", template_code="urban")
    with schema_context(store.schema_name):
        owner = User.objects.get(role="owner")
        with pytest.raises(NotAllowed):
            add_staff_member(store=store, actor=owner, email="n@a.example", name="N", role="admin")
        with pytest.raises(NotAllowed):
            change_staff_role(store=store, actor=owner, member=member, role="admin")
        with pytest.raises(NotAllowed):
            set_staff_active(store=store, actor=owner, member=member, active=False)
    assert fresh_store(store_a).name == "Store A"


# ---------------------------------------------------------------------------------------------
# Isolation between stores
# ---------------------------------------------------------------------------------------------


def test_an_owner_session_of_store_a_is_anonymous_on_store_b(owner_client_a, store_a, store_b):
    assert owner_client_a.get("/console/").status_code == 200
    for path in ["/console/", "/console/settings/", "/console/staff/"]:
        response = owner_client_a.get(path, HTTP_HOST=store_b.host)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/console/login/"), path
    owner_client_a.post(
        "/console/settings/", {"name": "Taken over", "template": "fresh"}, HTTP_HOST=store_b.host
    )
    owner_client_a.post(
        "/console/staff/",
        {"email": "mole@b.example", "name": "Mole", "role": "admin"},
        HTTP_HOST=store_b.host,
    )
    store = fresh_store(store_b)
    assert (store.name, store.template.code) == ("Store B", "urban")
    assert user_in(store_b, "mole@b.example") is None


def test_store_a_credentials_fail_on_store_b(client_b, store_b):
    response = client_b.post("/console/login/", {"username": "alice@a.example", "password": PASSWORD})
    assert response.status_code == 200
    assert "Wrong email or password." in text(response)
    assert client_b.get("/console/")["Location"].startswith("/console/login/")


def test_staff_pages_show_only_this_stores_people(owner_client_a, store_a, store_b):
    make_staff(store_b, email="bstaff@b.example")
    page = text(owner_client_a.get("/console/staff/"))
    assert "alice@a.example" in page
    assert "bob@b.example" not in page and "bstaff@b.example" not in page


def test_a_member_added_on_store_a_does_not_exist_on_store_b(owner_client_a, store_a, store_b):
    owner_client_a.post(
        "/console/staff/",
        {"email": "dan@a.example", "name": "Dan", "role": "admin", "password": "ledger-and-ink-42"},
    )
    assert user_in(store_a, "dan@a.example") is not None
    assert user_in(store_b, "dan@a.example") is None
    response = host_client(store_b.host).post(
        "/console/login/", {"username": "dan@a.example", "password": "ledger-and-ink-42"}
    )
    assert "Wrong email or password." in text(response)


def test_settings_of_store_a_leave_store_b_alone(owner_client_a, store_a, store_b):
    owner_client_a.post("/console/settings/", settings_post(store_a, name="Only A", template="classic"))
    assert fresh_store(store_b).name == "Store B"
    assert "template-urban" in text(host_client(store_b.host).get("/"))


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


# --- time zone ---------------------------------------------------------------------------------------


def _stock_history_with_a_movement_at(store, when) -> str:
    """The console's stock history of a new SKU whose one movement happened at `when` (UTC)."""
    from shop.models import StockMovement
    from tests.shop.factories import new_product

    with schema_context(store.schema_name):
        product = new_product(store, title="时区测试")
        sku = product.skus.get()
        StockMovement.objects.filter(sku=sku).update(created_at=when)
    connection.set_schema_to_public()
    return f"/console/products/{product.pk}/stock/?sku={sku.pk}"


def test_console_times_are_shown_in_the_stores_time_zone(owner_client_a, store_a):
    from datetime import UTC, datetime

    history = _stock_history_with_a_movement_at(store_a, datetime(2026, 1, 1, 0, 30, tzinfo=UTC))
    assert "2026-01-01 08:30" in text(owner_client_a.get(history))  # Asia/Shanghai, the default

    response = owner_client_a.post("/console/settings/", settings_post(store_a, time_zone="Europe/London"))
    assert response.status_code == 302
    assert fresh_store(store_a).time_zone == "Europe/London"

    page = text(owner_client_a.get(history))
    assert "2026-01-01 00:30" in page and "2026-01-01 08:30" not in page
    settings_page = owner_client_a.get("/console/settings/").content.decode()
    assert '<option value="Europe/London" selected>' in settings_page


def test_an_unknown_time_zone_is_refused_on_its_field_and_nothing_changes(owner_client_a, store_a):
    response = owner_client_a.post(
        "/console/settings/", settings_post(store_a, name="Renamed", time_zone="Mars/Olympus_Mons")
    )

    assert response.status_code == 200
    page = text(response)
    assert (
        "Choose a time zone from the list."
        in page.split('id="field-time_zone"', 1)[1].split("</div>\n    </div>", 1)[0]
    )
    store = fresh_store(store_a)
    assert (store.name, store.time_zone) == ("Store A", "Asia/Shanghai")


def test_prices_are_written_in_the_stores_currency_in_the_console_and_storefront(owner_client_a, store_a):
    from tests.shop.factories import new_product

    connection.set_schema_to_public()
    store_a.currency = "USD"
    store_a.save(update_fields=["currency"])
    with schema_context(store_a.schema_name):
        product = new_product(store_a, title="Maine blueberries", price="12.50")
    connection.set_schema_to_public()

    listing = text(owner_client_a.get("/console/products/"))
    stock = text(owner_client_a.get(f"/console/products/{product.pk}/stock/"))
    storefront = text(host_client(store_a.host).get(f"/products/{product.pk}/"))

    assert "$12.50" in listing and "$12.50" in stock
    assert "¥12.50" not in listing + stock
    assert "<small>$</small>" in storefront
