"""One filter parser per list: the console's product list, its export and the API's product list take
the same parameters and give the same products."""

import csv
import io

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from shop.selectors.console import ProductFilters
from tests.conftest import api_client, owner_of, text
from tests.shop.factories import make_brand, make_category, make_product


@pytest.fixture
def listed(store_a):
    with schema_context(store_a.schema_name):
        fruit, tea = make_category("水果"), make_category("茶叶")
        brand = make_brand("佳沛")
        make_product(
            title="红富士苹果",
            category=fruit,
            brand=brand,
            skus=[{"price": "9", "stock": 2, "low_stock_threshold": 5}],
        )
        make_product(title="青苹果", category=fruit, skus=[{"price": "8", "stock": 50}])
        make_product(title="龙井茶", category=tea, status="draft", skus=[{"price": "88", "stock": 50}])
    connection.set_schema_to_public()
    return {"fruit": fruit, "tea": tea, "brand": brand}


ALL_TITLES = ("红富士苹果", "青苹果", "龙井茶")
CASES = [
    ({"search": "苹果"}, {"红富士苹果", "青苹果"}),
    ({"status": "draft"}, {"龙井茶"}),
    ({"low_stock": "1"}, {"红富士苹果"}),
    ({"low_stock": "true"}, {"红富士苹果"}),
    ({"search": "苹果", "sort": "price"}, {"红富士苹果", "青苹果"}),
]


@pytest.mark.parametrize(("params", "titles"), CASES)
def test_console_api_and_export_agree(store_a, owner_client_a, listed, params, titles):
    api = api_client(store_a, owner_of(store_a))
    from_api = {p["title"] for p in api.get("/api/v1/products/", params).json()["results"]}
    console = text(owner_client_a.get("/console/products/", params))
    export = owner_client_a.get("/console/products/export/", {**params, "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    from_export = {row["title"] for row in csv.DictReader(io.StringIO(export))}
    assert from_api == titles and from_export == titles
    assert {title for title in ALL_TITLES if title in console} == titles


def test_category_and_brand_filters_by_id(store_a, listed):
    with schema_context(store_a.schema_name):
        fruit = ProductFilters.parse({"category": str(listed["fruit"].pk)}).products()
        assert {p.title for p in fruit} == {"红富士苹果", "青苹果"}
        branded = ProductFilters.parse({"brand": str(listed["brand"].pk)}).products()
        assert [p.title for p in branded] == ["红富士苹果"]


@pytest.mark.parametrize(
    "params",
    [
        {"category": "١٢"},
        {"brand": "²"},
        {"category": "99999999999999999999"},
        {"status": "sold"},
        {"sort": "x"},
    ],
)
def test_unreadable_filters_are_ignored(params):
    assert ProductFilters.parse(params) == ProductFilters()
