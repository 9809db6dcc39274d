"""The catalogue API (/api/v1/products/, skus/, categories/, brands/ on a store host): CRUD through the
shop services, field-level 400s, 409 on a stale version, stock adjustments and movements, import and
export, who may write, the OpenAPI schema, and isolation between stores."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shop.models import SKU, Brand, Category, Product, StockMovement
from shop.services import importing
from shop.services.inventory import reserve_stock
from tests.conftest import make_staff, owner_of
from tests.shop.factories import image_file, make_brand, make_category, new_product

User = get_user_model()

pytestmark = pytest.mark.usefixtures("media_root")


def token_for(store, user) -> str:
    with schema_context(store.schema_name):
        key = Token.objects.get_or_create(user=user)[0].key
    connection.set_schema_to_public()
    return key


def api(store, user=None, *, token=None) -> APIClient:
    client = APIClient(HTTP_HOST=store.host)
    key = token or (token_for(store, user) if user else None)
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def finance_api_a(store_a):
    return api(store_a, make_staff(store_a, role=User.Role.FINANCE))


def product_in(store, **kwargs) -> Product:
    with schema_context(store.schema_name):
        product = new_product(store, **kwargs)
    connection.set_schema_to_public()
    return product


APPLE = {
    "title": "烟台红富士",
    "share_copy": "脆甜多汁",
    "tags": ["新鲜"],
    "status": "on_sale",
    "specs": [{"name": "规格", "values": ["5斤", "10斤"]}],
    "skus": [
        {"spec_values": ["5斤"], "price": "29.90", "stock": 20, "original_price": "39.90"},
        {"spec_values": ["10斤"], "price": 49.9, "stock": 5, "low_stock_threshold": 2, "barcode": "6901"},
    ],
}


# --- products ------------------------------------------------------------------------------------------


def test_create_a_product_with_specs(owner_api_a, store_a):
    response = owner_api_a.post("/api/v1/products/", APPLE, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "烟台红富士" and body["status"] == "on_sale" and body["version"] == 1
    assert {s["spec_key"]: (s["price"], s["stock"]) for s in body["skus"]} == {
        "5斤": ("29.90", 20),
        "10斤": ("49.90", 5),
    }
    assert (body["min_price"], body["max_price"], body["total_stock"]) == ("29.90", "49.90", 25)
    with schema_context(store_a.schema_name):
        assert SKU.objects.filter(product_id=body["id"]).count() == 2


def test_list_filters_and_retrieve(owner_api_a, store_a):
    with schema_context(store_a.schema_name):
        fruit = make_category("水果")
        apple = new_product(store_a, title="红富士苹果", category=fruit)
        new_product(store_a, title="五常大米", status=Product.Status.DRAFT)
    connection.set_schema_to_public()

    everything = owner_api_a.get("/api/v1/products/").json()
    assert everything["count"] == 2

    def titles(params):
        return [p["title"] for p in owner_api_a.get("/api/v1/products/", params).json()["results"]]

    assert titles({"search": "苹果"}) == ["红富士苹果"]
    assert titles({"status": "draft"}) == ["五常大米"]
    assert titles({"category": fruit.pk}) == ["红富士苹果"]
    assert titles({"sort": "title"}) == sorted(["红富士苹果", "五常大米"])

    detail = owner_api_a.get(f"/api/v1/products/{apple.pk}/").json()
    assert detail["category_name"] == "水果" and len(detail["skus"]) == 1 and detail["images"] == []


def test_the_product_list_costs_the_same_queries_for_few_or_many_products(owner_api_a, store_a):
    from django.test.utils import CaptureQueriesContext

    def add_products(n):
        with schema_context(store_a.schema_name):
            for _ in range(n):
                new_product(
                    store_a,
                    specs=[{"name": "规格", "values": ["大", "小"]}],
                    category=make_category(),
                    brand=make_brand(),
                )
        connection.set_schema_to_public()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert owner_api_a.get("/api/v1/products/").status_code == 200
        return len(captured)

    add_products(2)
    queries()  # warm the per-process caches (host → store lookup, ...)
    few = queries()
    add_products(6)
    assert queries() == few


def test_bad_input_answers_400_with_field_errors_and_saves_nothing(owner_api_a, store_a):
    bad = {
        **APPLE,
        "title": "",
        "skus": [{**APPLE["skus"][0], "price": "-3"}, {**APPLE["skus"][1], "stock": -1}],
    }
    response = owner_api_a.post("/api/v1/products/", bad, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert "title" in errors and "skus.0.price" in errors and "skus.1.stock" in errors
    missing_skus = owner_api_a.post("/api/v1/products/", {"title": "x"}, format="json")
    assert missing_skus.status_code == 400 and "skus" in missing_skus.json()
    duplicate = {**APPLE, "skus": [APPLE["skus"][0], APPLE["skus"][0]]}
    assert owner_api_a.post("/api/v1/products/", duplicate, format="json").status_code == 400
    garbage = owner_api_a.post("/api/v1/products/", "not json", content_type="application/json")
    assert garbage.status_code == 400
    with schema_context(store_a.schema_name):
        assert not Product.objects.exists()


def test_update_needs_the_current_version_and_a_stale_one_is_409(owner_api_a, store_a):
    product_id = owner_api_a.post("/api/v1/products/", APPLE, format="json").json()["id"]
    change = {**APPLE, "title": "新标题", "version": 1}

    first = owner_api_a.put(f"/api/v1/products/{product_id}/", change, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2

    stale = owner_api_a.put(f"/api/v1/products/{product_id}/", {**change, "title": "覆盖"}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"

    no_version = owner_api_a.patch(f"/api/v1/products/{product_id}/", {"title": "x"}, format="json")
    assert no_version.status_code == 400 and "version" in no_version.json()

    patched = owner_api_a.patch(
        f"/api/v1/products/{product_id}/",
        {"subtitle": "产地直发", "status": "off_sale", "version": 2},
        format="json",
    )
    assert patched.status_code == 200, patched.content
    body = patched.json()
    assert (body["title"], body["subtitle"], body["status"], body["version"]) == (
        "新标题",
        "产地直发",
        "off_sale",
        3,
    )
    assert sorted(s["spec_key"] for s in body["skus"]) == ["10斤", "5斤"]
    with schema_context(store_a.schema_name):
        assert Product.objects.get(pk=product_id).title == "新标题"


def test_stock_edits_through_the_api_keep_the_orders_placed_since_the_read(owner_api_a, store_a):
    created = owner_api_a.post("/api/v1/products/", APPLE, format="json").json()
    product_id, version = created["id"], created["version"]
    read = {s["spec_key"]: s for s in created["skus"]}  # 5斤: 20, 10斤: 5
    with schema_context(store_a.schema_name):
        skus = dict(SKU.objects.filter(product_id=product_id).values_list("spec_key", "pk"))
        reserve_stock([(skus["5斤"], 3), (skus["10斤"], 1)], reference="ORDER-1")
    connection.set_schema_to_public()

    def stock():
        with schema_context(store_a.schema_name):
            return dict(SKU.objects.filter(product_id=product_id).values_list("spec_key", "stock"))

    patched = owner_api_a.patch(
        f"/api/v1/products/{product_id}/", {"title": "新标题", "version": version}, format="json"
    )
    assert patched.status_code == 200 and stock() == {"5斤": 17, "10斤": 4}  # PATCH without skus

    rows = [
        {**APPLE["skus"][0], "stock": read["5斤"]["stock"] + 10, "stock_seen": read["5斤"]["stock"]},
        {**APPLE["skus"][1], "stock": None},  # left as it is
    ]
    put = owner_api_a.put(
        f"/api/v1/products/{product_id}/", {**APPLE, "skus": rows, "version": version + 1}, format="json"
    )
    assert put.status_code == 200, put.content
    assert stock() == {"5斤": 20 + 10 - 3, "10斤": 4}

    too_many = [{**APPLE["skus"][0], "stock": 0, "stock_seen": 40}, {**APPLE["skus"][1], "stock": None}]
    refused = owner_api_a.put(
        f"/api/v1/products/{product_id}/", {**APPLE, "skus": too_many, "version": version + 2}, format="json"
    )
    assert refused.status_code == 400 and "Only 27 left now" in refused.json()["skus.0.stock"][0]
    assert stock() == {"5斤": 27, "10斤": 4}


def test_delete_a_product(owner_api_a, store_a):
    product = product_in(store_a)
    assert owner_api_a.delete(f"/api/v1/products/{product.pk}/").status_code == 204
    assert owner_api_a.get(f"/api/v1/products/{product.pk}/").status_code == 404


def test_gallery_pictures_are_added_made_main_and_deleted(owner_api_a, store_a):
    product = product_in(store_a)
    url = f"/api/v1/products/{product.pk}/images/"

    added = owner_api_a.post(
        url, {"images": [image_file("a.png", fmt="PNG"), image_file("b.jpg")]}, format="multipart"
    )
    assert added.status_code == 201
    first, second = (image["id"] for image in added.json()["images"])
    assert added.json()["main_image"] == first and added.json()["thumbnail"]

    fake = SimpleUploadedFile("c.jpg", b"%PDF-1.4", content_type="image/jpeg")
    refused = owner_api_a.post(url, {"images": [fake]}, format="multipart")
    assert refused.status_code == 400 and "images" in refused.json()

    assert owner_api_a.post(f"{url}{second}/main/").json()["main_image"] == second
    assert owner_api_a.delete(f"{url}{second}/").status_code == 204
    assert owner_api_a.delete(f"{url}{second}/").status_code == 404
    with schema_context(store_a.schema_name):
        product.refresh_from_db()
        assert list(product.images.values_list("pk", flat=True)) == [first] and product.main_image_id == first


def test_bulk_status_category_and_delete(owner_api_a, store_a):
    with schema_context(store_a.schema_name):
        one, two = new_product(store_a), new_product(store_a)
        veg = make_category("蔬菜")
    connection.set_schema_to_public()

    off = owner_api_a.post(
        "/api/v1/products/bulk/", {"action": "off_sale", "ids": [one.pk, two.pk]}, format="json"
    )
    assert off.status_code == 200 and off.json() == {"changed": 2}
    moved = owner_api_a.post(
        "/api/v1/products/bulk/",
        {"action": "move_category", "ids": [one.pk], "category": veg.pk},
        format="json",
    )
    assert moved.json() == {"changed": 1}
    assert (
        owner_api_a.post(
            "/api/v1/products/bulk/", {"action": "explode", "ids": [one.pk]}, format="json"
        ).status_code
        == 400
    )
    assert (
        owner_api_a.post("/api/v1/products/bulk/", {"action": "delete", "ids": []}, format="json").status_code
        == 400
    )
    assert owner_api_a.post(
        "/api/v1/products/bulk/", {"action": "delete", "ids": [two.pk]}, format="json"
    ).json() == {"changed": 1}
    with schema_context(store_a.schema_name):
        assert (
            Product.objects.get(pk=one.pk).status == "off_sale"
            and Product.objects.get(pk=one.pk).category == veg
        )
        assert not Product.objects.filter(pk=two.pk).exists()


# --- SKUs and stock ------------------------------------------------------------------------------------


def test_adjust_stock_and_read_the_movements(owner_api_a, store_a):
    product = product_in(store_a, stock=10)
    with schema_context(store_a.schema_name):
        sku = product.skus.get()
    connection.set_schema_to_public()
    url = f"/api/v1/skus/{sku.pk}/"

    assert (
        owner_api_a.post(f"{url}adjust-stock/", {"delta": -4, "note": "损耗"}, format="json").json()["stock"]
        == 6
    )
    assert owner_api_a.post(f"{url}adjust-stock/", {"new_stock": 30}, format="json").json()["stock"] == 30
    too_much = owner_api_a.post(f"{url}adjust-stock/", {"delta": -31}, format="json")
    assert too_much.status_code == 400 and "delta" in too_much.json()
    neither = owner_api_a.post(f"{url}adjust-stock/", {}, format="json")
    assert neither.status_code == 400

    movements = owner_api_a.get(f"{url}movements/").json()["results"]
    assert [(m["change"], m["stock_after"], m["reason"]) for m in movements] == [
        (24, 30, "adjustment"),
        (-4, 6, "adjustment"),
        (10, 10, "initial"),
    ]
    assert movements[1]["note"] == "损耗" and movements[1]["actor"]
    assert [s["id"] for s in owner_api_a.get("/api/v1/skus/", {"product": product.pk}).json()["results"]] == [
        sku.pk
    ]


# --- categories and brands -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/categories/", "/api/v1/brands/"])
def test_an_order_too_large_for_the_column_is_refused_on_its_field(owner_api_a, path):
    response = owner_api_a.post(path, {"name": "排序", "sort_order": 2**31}, format="json")
    assert response.status_code == 400
    assert response.json()["sort_order"] == ["Enter a whole number from -2147483648 to 2147483647."]


def test_categories_crud_with_the_tree_rules(owner_api_a, store_a):
    fruit = owner_api_a.post("/api/v1/categories/", {"name": "水果", "icon": "🍎"}, format="json")
    assert fruit.status_code == 201
    fruit_id = fruit.json()["id"]
    apples = owner_api_a.post(
        "/api/v1/categories/", {"name": "苹果", "parent": fruit_id}, format="json"
    ).json()
    third = owner_api_a.post("/api/v1/categories/", {"name": "红富士", "parent": apples["id"]}, format="json")
    assert third.status_code == 400 and "parent" in third.json()
    assert owner_api_a.post("/api/v1/categories/", {"name": ""}, format="json").status_code == 400

    renamed = owner_api_a.patch(f"/api/v1/categories/{apples['id']}/", {"name": "苹果类"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["parent"] == fruit_id

    listed = owner_api_a.get("/api/v1/categories/").json()
    assert [c["name"] for c in listed] == ["水果", "苹果类"]
    assert owner_api_a.delete(f"/api/v1/categories/{fruit_id}/").status_code == 409
    assert owner_api_a.delete(f"/api/v1/categories/{apples['id']}/").status_code == 204
    with schema_context(store_a.schema_name):
        assert list(Category.objects.values_list("name", flat=True)) == ["水果"]


def test_brands_crud(owner_api_a, store_a):
    created = owner_api_a.post("/api/v1/brands/", {"name": "农夫果园"}, format="json")
    assert created.status_code == 201
    assert owner_api_a.post("/api/v1/brands/", {"name": "农夫果园"}, format="json").status_code == 400
    brand_id = created.json()["id"]
    assert (
        owner_api_a.put(f"/api/v1/brands/{brand_id}/", {"name": "山野"}, format="json").json()["name"]
        == "山野"
    )
    assert owner_api_a.delete(f"/api/v1/brands/{brand_id}/").status_code == 204
    with schema_context(store_a.schema_name):
        assert not Brand.objects.exists()


# --- import and export ---------------------------------------------------------------------------------


def csv_file(rows: list[dict]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=importing.COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in importing.COLUMNS})
    return SimpleUploadedFile("products.csv", buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")


GOOD = {"product_ref": "APPLE-01", "title": "苹果", "status": "draft", "price": "9.90", "stock": "5"}


def test_import_a_bad_file_answers_the_row_report_and_imports_nothing(owner_api_a, store_a):
    bad = csv_file([GOOD, {"product_ref": "PEAR-01", "title": "", "price": "abc", "stock": "1"}])
    response = owner_api_a.post("/api/v1/products/import/", {"file": bad}, format="multipart")

    assert response.status_code == 400
    rows = response.json()["rows"]
    assert {(r["row"], r["column"]) for r in rows} >= {(3, "price")}
    assert "file" in response.json()
    with schema_context(store_a.schema_name):
        assert not Product.objects.exists()


def test_import_then_export(owner_api_a, store_a):
    response = owner_api_a.post("/api/v1/products/import/", {"file": csv_file([GOOD])}, format="multipart")
    assert response.status_code == 201 and response.json() == {"created": 1, "updated": 0, "skus": 1}
    with schema_context(store_a.schema_name):
        assert StockMovement.objects.get().reason == "import"
    connection.set_schema_to_public()

    exported = owner_api_a.get("/api/v1/products/export/", {"format": "csv"})
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    assert "APPLE-01,苹果" in exported.content.decode("utf-8-sig")
    xlsx = owner_api_a.get("/api/v1/products/export/", {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert owner_api_a.get("/api/v1/products/export/", {"format": "pdf"}).status_code == 404


# --- roles, schema, isolation --------------------------------------------------------------------------


def test_finance_reads_but_cannot_write(finance_api_a, store_a):
    product = product_in(store_a, title="只读")
    with schema_context(store_a.schema_name):
        sku_id = product.skus.get().pk
    connection.set_schema_to_public()

    assert finance_api_a.get("/api/v1/products/").status_code == 200
    assert finance_api_a.get(f"/api/v1/products/{product.pk}/").status_code == 200
    writes = [
        finance_api_a.post("/api/v1/products/", APPLE, format="json"),
        finance_api_a.patch(f"/api/v1/products/{product.pk}/", {"title": "改", "version": 1}, format="json"),
        finance_api_a.delete(f"/api/v1/products/{product.pk}/"),
        finance_api_a.post(f"/api/v1/skus/{sku_id}/adjust-stock/", {"new_stock": 0}, format="json"),
        finance_api_a.post("/api/v1/categories/", {"name": "x"}, format="json"),
        finance_api_a.post("/api/v1/products/import/", {"file": csv_file([GOOD])}, format="multipart"),
    ]
    assert [r.status_code for r in writes] == [403] * len(writes)
    with schema_context(store_a.schema_name):
        assert Product.objects.get().title == "只读" and SKU.objects.get().stock == 10


def test_openapi_schema_lists_the_catalogue(store_a, owner_api_a):
    anonymous = APIClient(HTTP_HOST=store_a.host).get("/api/v1/schema/")
    assert anonymous.status_code == 200
    schema = anonymous.content.decode()
    for path in ("/api/v1/products/{id}/", "/api/v1/products/import/", "/api/v1/skus/{id}/adjust-stock/"):
        assert path in schema
    assert owner_api_a.get("/api/v1/schema/").status_code == 200


ENDPOINTS = [
    ("get", "/api/v1/products/"),
    ("post", "/api/v1/products/"),
    ("get", "/api/v1/skus/"),
    ("get", "/api/v1/categories/"),
    ("get", "/api/v1/brands/"),
    ("get", "/api/v1/products/export/?format=csv"),
]


@pytest.mark.parametrize("method,path", ENDPOINTS)
def test_anonymous_callers_are_401(client_a, method, path):
    assert getattr(APIClient(HTTP_HOST=client_a.defaults["HTTP_HOST"]), method)(path).status_code == 401


def test_store_a_token_is_not_a_credential_on_store_b(store_a, store_b):
    key = token_for(store_a, owner_of(store_a))
    product_in(store_b, title="B 的商品")
    for method, path in ENDPOINTS:
        assert getattr(api(store_b, token=key), method)(path).status_code == 401


def test_store_a_cannot_reach_store_b_rows_by_id(owner_api_a, store_a, store_b):
    while True:  # a product of B whose id names no product of A (each schema counts its own ids)
        theirs = product_in(store_b, title="B 的秘密商品")
        with schema_context(store_a.schema_name):
            if not Product.objects.filter(pk=theirs.pk).exists():
                break
    with schema_context(store_b.schema_name):
        sku = theirs.skus.get()
        category, brand = make_category("B 分类"), make_brand("B 品牌")
    with schema_context(store_a.schema_name):
        in_a = {
            "sku": SKU.objects.filter(pk=sku.pk).exists(),
            "category": Category.objects.filter(pk=category.pk).exists(),
            "brand": Brand.objects.filter(pk=brand.pk).exists(),
        }
    connection.set_schema_to_public()

    assert "B 的秘密商品" not in owner_api_a.get("/api/v1/products/").content.decode()
    url = f"/api/v1/products/{theirs.pk}/"
    answers = [
        owner_api_a.get(url),
        owner_api_a.put(url, {**APPLE, "version": 1}, format="json"),
        owner_api_a.patch(url, {"title": "偷改", "version": 1}, format="json"),
        owner_api_a.delete(url),
        owner_api_a.post(f"{url}images/", {"images": [image_file()]}, format="multipart"),
    ]
    if not in_a["sku"]:
        answers.append(
            owner_api_a.post(f"/api/v1/skus/{sku.pk}/adjust-stock/", {"new_stock": 0}, format="json")
        )
        answers.append(owner_api_a.get(f"/api/v1/skus/{sku.pk}/movements/"))
    if not in_a["category"]:
        answers.append(owner_api_a.delete(f"/api/v1/categories/{category.pk}/"))
    if not in_a["brand"]:
        answers.append(owner_api_a.patch(f"/api/v1/brands/{brand.pk}/", {"name": "偷改"}, format="json"))
    assert [r.status_code for r in answers] == [404] * len(answers)
    bulk = owner_api_a.post("/api/v1/products/bulk/", {"action": "delete", "ids": [theirs.pk]}, format="json")
    assert bulk.json() == {"changed": 0}

    with schema_context(store_b.schema_name):
        theirs.refresh_from_db()
        assert theirs.title == "B 的秘密商品" and SKU.objects.get(pk=sku.pk).stock == 10
        assert (
            Category.objects.filter(pk=category.pk).exists()
            and Brand.objects.get(pk=brand.pk).name == "B 品牌"
        )


def test_categories_are_put_in_order_over_the_api(owner_api_a, store_a):
    with schema_context(store_a.schema_name):
        first, second, third = make_category("甲"), make_category("乙"), make_category("丙")
    connection.set_schema_to_public()

    response = owner_api_a.post(
        "/api/v1/categories/order/", {"ids": [third.pk, first.pk, second.pk]}, format="json"
    )

    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == ["丙", "甲", "乙"]
    refused = owner_api_a.post("/api/v1/categories/order/", {"ids": ["x"]}, format="json")
    assert refused.status_code == 400
