"""The console's store settings: name, storefront template, logo, time zone, and the currency prices are
written in."""

from django.db import connection
from django_tenants.utils import schema_context
from PIL import Image

from tests.conftest import fresh_store, host_client, text
from tests.factories import pdf_named_jpg, picture
from tests.tenants.conftest import settings_post


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
    response = owner_client_a.post(
        "/console/settings/", settings_post(store_a, logo=pdf_named_jpg("logo.jpg"))
    )
    assert response.status_code == 200
    assert "This file is not a picture we can use." in text(response)
    assert 'id="field-logo"' in text(response)
    assert not fresh_store(store_a).logo
    assert not any(media_root.rglob("*.jpg"))


def test_a_refused_logo_changes_nothing_else_either(owner_client_a, store_a, media_root):
    owner_client_a.post(
        "/console/settings/",
        settings_post(store_a, name="Renamed", template="urban", logo=pdf_named_jpg("logo.jpg")),
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
