"""The storefront over the API (/api/v1/shop/): what any visitor may read, worked out by the same
selectors as the storefront pages, so a mini-program shows the same prices and stock as the page."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.conftest import api_client, text
from tests.shop.factories import make_category, make_product

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def catalogue(store_a):
    with schema_context(store_a.schema_name):
        fruit = make_category("水果")
        apple = make_product(
            title="烟台苹果",
            category=fruit,
            skus=[
                {"spec_values": ["5斤"], "price": "29.90", "original_price": "39.90", "stock": 3},
                {"spec_values": ["10斤"], "price": "49.90", "stock": 0},
            ],
        )
        gone = make_product(title="售罄礼盒", skus=[{"price": "99", "stock": 0}])
        draft = make_product(title="草稿", status="draft")
    connection.set_schema_to_public()
    return {"fruit": fruit, "apple": apple, "gone": gone, "draft": draft}


def test_the_product_list_shows_on_sale_products_and_filters_like_the_search_page(store_a, catalogue):
    api = api_client(store_a)
    listed = api.get("/api/v1/shop/products/").json()["results"]
    assert {p["title"] for p in listed} == {"烟台苹果", "售罄礼盒"}
    found = api.get("/api/v1/shop/products/", {"q": "苹果", "category": catalogue["fruit"].pk}).json()
    assert [p["title"] for p in found["results"]] == ["烟台苹果"]
    cheap_first = api.get("/api/v1/shop/products/", {"sort": "price_asc"}).json()["results"]
    assert [p["min_price"] for p in cheap_first] == ["29.90", "99.00"]
    assert {p["title"]: p["sold_out"] for p in listed} == {"烟台苹果": False, "售罄礼盒": True}


def test_a_product_page_has_the_storefront_pages_prices_and_stock(store_a, client_a, catalogue):
    apple = catalogue["apple"]
    body = api_client(store_a).get(f"/api/v1/shop/products/{apple.pk}/").json()
    assert (body["price_low"], body["price_high"], body["original_price"]) == ("29.90", "49.90", "39.90")
    assert body["stock"] == 3 and body["sold_out"] is False
    assert body["specs"] == [{"name": "规格1", "values": ["5斤", "10斤"]}]
    assert [(s["label"], s["stock"]) for s in body["skus"]] == [("5斤", 3), ("10斤", 0)]

    page = text(client_a.get(f"/products/{apple.pk}/"))
    assert "29.90" in page and "49.90" in page and "39.90" in page


def test_drafts_and_other_stores_products_do_not_exist_here(store_a, store_b, catalogue):
    assert api_client(store_a).get(f"/api/v1/shop/products/{catalogue['draft'].pk}/").status_code == 404
    assert api_client(store_b).get(f"/api/v1/shop/products/{catalogue['apple'].pk}/").status_code == 404
    assert api_client(store_b).get("/api/v1/shop/products/").json()["results"] == []


def test_the_category_tree_lists_visible_categories(store_a, catalogue):
    tree = api_client(store_a).get("/api/v1/shop/categories/").json()
    assert [c["name"] for c in tree] == ["水果"]


def test_the_catalogue_api_only_reads(store_a, catalogue):
    response = api_client(store_a).post("/api/v1/shop/products/", {"title": "x"}, format="json")
    assert response.status_code in (403, 405)


def test_hostile_filters_are_ignored_not_errors(store_a, catalogue):
    api = api_client(store_a)
    for params in (
        {"category": "²"},
        {"brand": "99999999999999999999"},
        {"price_min": "1e999"},
        {"sort": "x"},
    ):
        response = api.get("/api/v1/shop/products/", params)
        assert response.status_code == 200, params
        assert len(response.json()["results"]) == 2, params


def test_a_suspended_store_closes_the_buyer_api(store_a, catalogue):
    from tenants.models import Store

    Store.objects.filter(pk=store_a.pk).update(status=Store.Status.SUSPENDED, status_reason="审核中")
    from tenants.hosts import forget_store_hosts

    forget_store_hosts(store_a)
    response = api_client(store_a).get("/api/v1/shop/products/")
    assert response.status_code == 503 and response.json()["code"] == "store_suspended"
