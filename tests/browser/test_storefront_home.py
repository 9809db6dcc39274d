"""A buyer opens a demo-like store's home page on a phone: the pictures of the first screen are there the
moment the page has loaded (a full-page screenshot taken then shows them), and the icons are drawn as
SVG, so nothing depends on an emoji font being installed."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context
from PIL import Image

from shop import demo
from tenants.models import Store
from tenants.services import provisioning
from tenants.services.signup import open_store
from tests.browser.conftest import ARTIFACTS, host_url

pytestmark = pytest.mark.browser

FIRST_SCREEN_CARDS = 4


@pytest.fixture
def demo_store(committed_db, media_root):
    result = open_store(
        store_name="Home Demo 鲜果",
        subdomain="home-demo",
        owner_name="王小鲜",
        email="owner@home-demo.example",
        password="plums-and-pears-42",
        template_code="fresh",
        plan_code="flagship",
    )
    store = result.store
    with schema_context(store.schema_name):
        demo.seed(store, get_user_model().objects.get(email="owner@home-demo.example"))
    connection.set_schema_to_public()
    yield Store.objects.get(pk=store.pk)
    provisioning.drop_store(Store.objects.get(pk=store.pk))


def _distinct_colours(screenshot: Image.Image, box: dict) -> int:
    left, top = int(box["x"]) + 2, int(box["y"]) + 2
    region = screenshot.crop((left, top, left + int(box["width"]) - 4, top + int(box["height"]) - 4))
    return len(region.getcolors(maxcolors=1 << 16) or ())


def test_first_screen_pictures_show_in_a_full_page_screenshot_taken_at_load(
    page, live_server_url, demo_store
):
    # A phone on a mobile network (Chrome's "Fast 3G"): pictures take a while to arrive.
    network = page.context.new_cdp_session(page)
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 560, "downloadThroughput": 180_000, "uploadThroughput": 90_000},
    )
    page.goto(host_url(live_server_url, demo_store.host, "/"))  # returns at the load event, no later

    first_cards = page.locator(".section-hot_products .product-card img")
    loaded = first_cards.evaluate_all(
        f"imgs => imgs.slice(0, {FIRST_SCREEN_CARDS}).map(img => img.complete ? img.naturalWidth : 0)"
    )
    category_pictures = page.locator(".cat-grid img").evaluate_all(
        "imgs => imgs.map(img => img.complete ? img.naturalWidth : 0)"
    )
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    ARTIFACTS.mkdir(exist_ok=True)
    shot.save(ARTIFACTS / "storefront-home-at-load.png")

    assert len(loaded) == FIRST_SCREEN_CARDS and all(width > 0 for width in loaded), loaded
    assert len(category_pictures) == 3 and all(width > 0 for width in category_pictures), category_pictures
    # In the screenshot itself, each of those pictures is a picture, not an empty grey box.
    for n in range(FIRST_SCREEN_CARDS):
        assert _distinct_colours(shot, first_cards.nth(n).bounding_box()) > 20, f"card {n + 1} is blank"
    # Pictures carry their size, so nothing jumps when they arrive.
    assert first_cards.first.get_attribute("width") and first_cards.first.get_attribute("height")


def test_storefront_icons_are_svg_drawn_at_their_size(page, live_server_url, demo_store):
    page.goto(host_url(live_server_url, demo_store.host, "/account/"))

    tabs = page.locator(".tabbar a")
    assert tabs.all_inner_texts() == ["Home", "Categories", "Earn", "Cart", "Me"]
    sizes = page.locator(".tabbar a svg").evaluate_all(
        "icons => icons.map(i => [Math.round(i.getBoundingClientRect().width),"
        " Math.round(i.getBoundingClientRect().height), i.getAttribute('aria-hidden')])"
    )
    assert sizes == [[24, 24, "true"]] * 5
    assert page.locator(".tabbar a[aria-current='page']").inner_text() == "Me"
    order_icons = page.locator(".order-states svg")
    assert order_icons.count() == 4
    assert order_icons.first.bounding_box()["width"] == 26
    # the page's text has no emoji left to draw as empty boxes
    text = page.locator("body").inner_text()
    assert not [ch for ch in text if ord(ch) >= 0x1F000 or 0x2600 <= ord(ch) <= 0x27BF]
