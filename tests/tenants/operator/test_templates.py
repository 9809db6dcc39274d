"""The operator's storefront templates: the list, creating and editing one (theme, home sections, preview
picture), and what stores and signup see of it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from tenants.models import OperatorAction, StoreTemplate
from tests.tenants.operator.conftest import field_errors


def png_upload(name="preview.png", size=(40, 30), colour=(26, 163, 90)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


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
