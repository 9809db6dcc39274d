"""Each class of input that once got a 500 is now refused, once, by the input layer every face uses: a
4xx with a clear message in the visitor's language, and nothing changed.

The classes (and where the 500 came from): a NUL byte in a search box or query parameter (PostgreSQL
refused the query), in a form field or an imported cell (it refused the row); a stock change or a sort
order beyond the integer column (it refused the number); other scripts' digits in the API's id filters
(int() refused "²"); a `next` page that was a bare word (redirect() took it for a view name)."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from shop.models import SKU, Brand, Category, MerchantNotification, Product
from shop.services import brands, categories, inventory
from shop.services.brands import BrandInput
from shop.services.categories import CategoryInput
from shop.services.importing import COLUMNS, ImportRejected, import_products
from tenants.errors import InvalidInput
from tenants.inputs import INT_MAX
from tests.conftest import host_client, make_staff, owner_of
from tests.shop.factories import new_product
from tests.snapshots import Snapshot

pytestmark = pytest.mark.usefixtures("media_root")

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
REFUSED_CHARACTERS = "Your request holds an invisible control character (such as a NUL byte)"


@pytest.fixture
def apple(store_a):
    with schema_context(store_a.schema_name):
        product = new_product(store_a, title="烟台红富士苹果", stock=10)
    connection.set_schema_to_public()
    return product


@pytest.fixture
def owner_api(store_a):
    with schema_context(store_a.schema_name):
        token = Token.objects.get_or_create(user=owner_of(store_a))[0].key
    connection.set_schema_to_public()
    return host_client(store_a.host), {"HTTP_AUTHORIZATION": f"Token {token}"}


@pytest.fixture
def member(store_a):
    staff = make_staff(store_a)
    connection.set_schema_to_public()
    return staff


@pytest.fixture
def unchanged(store_a):
    """Asserts, after the test body, that no table of store A or of the platform changed."""
    snapshot = Snapshot(store_a.schema_name)
    before = snapshot.take()
    yield
    connection.set_schema_to_public()
    assert snapshot.take() == before


def stock_of(store, product) -> int:
    with schema_context(store.schema_name):
        stock = SKU.objects.get(product=product).stock
    connection.set_schema_to_public()
    return stock


# --- NUL and other control characters --------------------------------------------------------------


@pytest.mark.parametrize("query", ["q=%00", "q=%E8%8B%B9%00%E6%9E%9C", "%00=1", "q=%07", "page=1%00"])
def test_a_nul_in_the_storefront_search_is_a_400_page_that_says_why(client_a, apple, unchanged, query):
    response = client_a.get(f"/search/?{query}")

    assert response.status_code == 400
    assert REFUSED_CHARACTERS in response.content.decode()


def test_a_nul_in_the_path_is_refused_before_any_page(client_a, unchanged):
    response = client_a.get("/products/%00/")

    assert response.status_code == 400 and REFUSED_CHARACTERS in response.content.decode()


def test_the_refusal_speaks_the_visitors_language(client_a, unchanged):
    page = client_a.get("/search/?q=%00", **ZH).content.decode()
    api = client_a.get("/api/v1/products/?search=%00", **ZH).json()

    assert "不可见的控制字符" in page
    assert "不可见的控制字符" in api["detail"] and api["code"] == "invalid_characters"


def test_a_nul_in_the_console_product_search_and_export_is_refused(owner_client_a, unchanged):
    for path in ("/console/products/?q=%00", "/console/products/export/?q=a%00"):
        response = owner_client_a.get(path)
        assert response.status_code == 400 and REFUSED_CHARACTERS in response.content.decode()


def test_a_nul_in_an_api_query_parameter_is_a_json_400(owner_api, unchanged):
    client, auth = owner_api
    response = client.get("/api/v1/products/?search=a%00b", **auth)

    assert response.status_code == 400
    assert response.json() == {"detail": response.json()["detail"], "code": "invalid_characters"}


def test_a_nul_in_a_form_field_saves_nothing(owner_client_a, unchanged):
    response = owner_client_a.post(
        "/console/products/new/",
        {"title": "苹果", "status": "draft", "sku-count": "1", "sku-0-spec": "[]", "sku-0-price": "9.90",
         "sku-0-barcode": "690\x00123"},
    )  # fmt: skip

    assert response.status_code == 400 and REFUSED_CHARACTERS in response.content.decode()


@pytest.mark.parametrize(
    "body",
    [
        {"title": "苹果\x00", "skus": [{"price": "9.90"}]},
        {"title": "苹果", "skus": [{"price": "9.90", "barcode": "690\x00"}]},
        {"title": "苹果", "tags": ["新\x1b鲜"], "skus": [{"price": "9.90"}]},
        {"title": "苹果", "skus": [{"price": "9.90"}], "n\x00te": "an unknown key counts too"},
    ],
)
def test_a_control_character_anywhere_in_a_json_body_is_refused(owner_api, unchanged, body):
    client, auth = owner_api
    response = client.post("/api/v1/products/", json.dumps(body), content_type="application/json", **auth)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters" and REFUSED_CHARACTERS in response.json()["detail"]


def test_tabs_and_line_breaks_are_text(owner_api, store_a):
    client, auth = owner_api
    body = {"title": "苹果", "description": "第一行\n\t第二行", "skus": [{"price": "9.90"}]}
    response = client.post("/api/v1/products/", json.dumps(body), content_type="application/json", **auth)

    assert response.status_code == 201 and response.json()["description"] == "第一行\n\t第二行"


def test_uploaded_files_are_not_scanned_for_control_characters(owner_api, apple):
    client, auth = owner_api
    upload = SimpleUploadedFile("note.csv", b"\x00\x01\x02 binary", content_type="text/csv")
    response = client.post("/api/v1/products/import/", {"file": upload}, **auth)

    # The file reached the importer (which judges it), not the edge's refusal.
    assert response.status_code == 400 and response.json().get("code") != "invalid_characters"


def _csv(**cells) -> bytes:
    row = {"product_ref": "APPLE-1", "title": "苹果", "price": "9.90", "stock": "3", **cells}
    lines = [",".join(COLUMNS), ",".join(row.get(column, "") for column in COLUMNS)]
    return "\r\n".join(lines).encode()


@pytest.mark.parametrize("column", ["title", "barcode", "category", "brand", "spec_1_name"])
def test_a_nul_in_an_imported_cell_is_that_cells_error_and_nothing_is_imported(in_store_a, column):
    with pytest.raises(ImportRejected) as refused:
        import_products(
            actor=None, store=in_store_a, file=io.BytesIO(_csv(**{column: "a\x00b"})), filename="p.csv"
        )

    [error] = refused.value.rows
    assert (error.row, error.column) == (2, column) and "control characters" in error.message
    assert not Product.objects.exists() and not Category.objects.exists() and not Brand.objects.exists()


def test_the_console_import_reports_the_cell_with_the_nul(owner_client_a, unchanged):
    upload = SimpleUploadedFile("p.csv", _csv(title="苹\x00果"), content_type="text/csv")
    response = owner_client_a.post("/console/products/import/", {"file": upload})

    assert response.status_code == 400
    assert "Remove the invisible control characters" in response.content.decode()


# --- numbers: exponents, other scripts' digits, beyond the column ------------------------------------


@pytest.mark.parametrize("field", ["delta", "new_stock"])
@pytest.mark.parametrize("value", [10**20, 2**31, "99999999999999999999", "1e5", "１２", 1e5])
def test_a_stock_change_the_column_cannot_hold_is_a_field_error(owner_api, store_a, apple, field, value):
    client, auth = owner_api
    with schema_context(store_a.schema_name):
        sku = SKU.objects.get(product=apple)
    connection.set_schema_to_public()

    response = client.post(
        f"/api/v1/skus/{sku.pk}/adjust-stock/",
        json.dumps({field: value}),
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 400 and list(response.json()) == [field]
    assert "Enter a whole number" in response.json()[field][0]
    assert stock_of(store_a, apple) == 10


@pytest.mark.parametrize("amount", ["99999999999999999999", "-2147483649", "1E+999999", "١٢", "²"])
def test_the_console_stock_form_refuses_such_numbers_next_to_the_field(
    owner_client_a, store_a, apple, amount
):
    with schema_context(store_a.schema_name):
        sku = SKU.objects.get(product=apple)
    connection.set_schema_to_public()
    response = owner_client_a.post(
        f"/console/products/{apple.pk}/stock/{sku.pk}/adjust/",
        {f"sku{sku.pk}-mode": "change", f"sku{sku.pk}-amount": amount},
    )

    assert response.status_code == 400 and "Enter a whole number" in response.content.decode()
    assert stock_of(store_a, apple) == 10


def test_the_inventory_service_keeps_stock_within_the_column(in_store_a):
    product = new_product(in_store_a, stock=10)
    sku = product.skus.get()
    for change in ({"delta": 2**31}, {"new_stock": 2**40}, {"delta": INT_MAX}):
        with pytest.raises(InvalidInput) as refused:
            inventory.adjust_stock(sku=sku, **change)
        assert list(refused.value.errors) == [next(iter(change))]
    with pytest.raises(InvalidInput):
        inventory.reserve_stock([(sku.pk, 2**31)], reference="order-1")
    with pytest.raises(InvalidInput):
        inventory.reserve_stock([(sku.pk, INT_MAX), (sku.pk, 1)], reference="order-2")
    sku.refresh_from_db()
    assert sku.stock == 10 and not sku.movements.exclude(reason="initial").exists()


@pytest.mark.parametrize("value", ["1e5", "1E+999999", "9e9999", "１２.50", 1e20])
def test_a_price_in_exponent_notation_or_other_scripts_is_a_field_error(owner_api, unchanged, value):
    client, auth = owner_api
    body = {"title": "苹果", "skus": [{"price": value}]}
    response = client.post("/api/v1/products/", json.dumps(body), content_type="application/json", **auth)

    assert response.status_code == 400
    assert response.json()["skus"] == {"0": {"price": ["Enter an amount such as 12.50."]}}


@pytest.mark.parametrize("value", ["12.345", "0.001", 12.345])
def test_a_price_with_more_than_two_decimal_places_is_refused_not_rounded(owner_api, unchanged, value):
    client, auth = owner_api
    body = {"title": "苹果", "skus": [{"price": value}]}
    response = client.post("/api/v1/products/", json.dumps(body), content_type="application/json", **auth)

    assert response.status_code == 400
    assert response.json()["skus"] == {"0": {"price": ["An amount has at most two decimal places (fen)."]}}


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, "99999999999999999999", "1e5", "１２"])
def test_a_sort_order_the_column_cannot_hold_is_a_field_error(owner_api, unchanged, value):
    client, auth = owner_api
    for path in ("/api/v1/categories/", "/api/v1/brands/"):
        body = json.dumps({"name": "水果", "sort_order": value})
        response = client.post(path, body, content_type="application/json", **auth)
        assert response.status_code == 400 and "Enter a whole number" in response.json()["sort_order"][0]


def test_the_console_brand_and_category_forms_refuse_such_orders(owner_client_a, unchanged):
    for path in ("/console/brands/", "/console/categories/"):
        response = owner_client_a.post(path, {"name": "水果", "sort_order": "99999999999999999999"})
        assert response.status_code == 400
        assert "Enter a whole number from -2147483648 to 2147483647." in response.content.decode()


def test_the_catalogue_services_refuse_such_orders_too(in_store_a):
    for create in (
        lambda: brands.create_brand(actor=None, data=BrandInput(name="水果", sort_order=2**40)),
        lambda: categories.create_category(actor=None, data=CategoryInput(name="水果", sort_order=2**40)),
    ):
        with pytest.raises(InvalidInput) as refused:
            create()
        assert list(refused.value.errors) == ["sort_order"]
    assert not Brand.objects.exists() and not Category.objects.exists()


FILTERS = [
    "category=²",
    "brand=١٢",
    "category=99999999999999999999",
    "status=gone",
    "sort=x",
    "low_stock=maybe",
]


@pytest.mark.parametrize("query", [*FILTERS, "page=1e5", "page=0", "category="])
def test_an_api_filter_that_is_no_id_or_choice_is_a_400_naming_it(owner_api, apple, query):
    client, auth = owner_api
    response = client.get(f"/api/v1/products/?{query}", **auth)

    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_a_sku_filter_in_other_scripts_digits_is_a_400(owner_api, apple):
    client, auth = owner_api
    response = client.get("/api/v1/skus/?product=١٢", **auth)

    assert response.status_code == 400 and "product" in response.json()


def test_pages_ignore_a_filter_that_is_no_id(owner_client_a, client_a, apple):
    for query in ("category=²", "brand=１２", "category=99999999999999999999"):
        assert owner_client_a.get(f"/console/products/?{query}").status_code == 200
        assert "烟台红富士苹果" in client_a.get(f"/search/?{query}").content.decode()


def test_a_storefront_price_in_exponent_notation_is_ignored_not_read_as_a_number(client_a, apple):
    page = client_a.get("/search/?price_max=1e-5").content.decode()

    assert "烟台红富士苹果" in page  # "1e-5" is no price: the filter is dropped, not "at most 0.00001"


# --- what the fuzzing found besides ------------------------------------------------------------------


def test_a_next_page_that_is_no_path_falls_back_to_the_default(owner_client_a):
    response = owner_client_a.post("/console/notifications/read/", {"next": "%00"})

    assert response.status_code == 302 and response["Location"] == "/console/notifications/"


def test_an_unusable_notification_id_marks_none_as_read(owner_client_a, store_a):
    with schema_context(store_a.schema_name):
        MerchantNotification.objects.create(kind="low_stock", title="库存不足", body="仅剩 1 件")
    connection.set_schema_to_public()
    owner_client_a.post("/console/notifications/read/", {"id": "²"})

    with schema_context(store_a.schema_name):
        assert MerchantNotification.objects.filter(read_at__isnull=True).count() == 1


def test_a_form_patch_of_a_staff_member_without_is_active_keeps_them_active(owner_api, member):
    client, auth = owner_api
    response = client.patch(
        f"/api/v1/staff/{member.pk}/",
        "role=finance",
        content_type="application/x-www-form-urlencoded",
        **auth,
    )

    assert response.status_code == 200 and response.json()["is_active"] is True
    assert response.json()["role"] == "finance"


def test_an_api_patch_that_names_no_known_field_is_refused(owner_api, member, unchanged):
    client, auth = owner_api
    for body in ({}, {"rloe": "finance"}):
        response = client.patch(
            f"/api/v1/staff/{member.pk}/", json.dumps(body), content_type="application/json", **auth
        )
        assert response.status_code == 400, body


def test_a_refusal_without_words_gets_a_sentence(owner_client_a, owner_api):
    page = owner_client_a.get("/console/products/bulk/")
    client, auth = owner_api
    missing = client.get("/api/v1/nothing-here/", **auth)

    assert page.status_code == 405 and "does not take that kind of request" in page.content.decode()
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


@pytest.mark.parametrize("value", ["t", "Y", 1.0, 2, "是的"])
def test_a_yes_no_field_takes_yes_or_no_only(owner_api, unchanged, value):
    client, auth = owner_api
    body = {"stripe_enabled": value}
    response = client.patch(
        "/api/v1/payment-settings/", json.dumps(body), content_type="application/json", **auth
    )

    assert response.status_code == 400, response.content
    assert response.json()["stripe_enabled"] == ["Choose yes or no (1 or 0)."]
