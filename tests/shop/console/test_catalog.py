"""The console's catalogue pages: the product editor with its spec matrix, pictures and optimistic
concurrency; the product list with filters and bulk actions; categories, brands, stock adjustments and
history, import/export, notifications, shop settings; who may change what; and isolation between stores."""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from shop.models import SKU, Brand, Category, MerchantNotification, Product, ShopSettings, StockMovement
from shop.services import categories, importing, inventory, media
from tests.conftest import console_client, host_client, make_staff, owner_of, text
from tests.factories import pdf_named_jpg
from tests.shop.factories import image_file, make_brand, make_category, new_product, update_product

User = get_user_model()

pytestmark = pytest.mark.usefixtures("media_root")


def sku_key(*values) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def editor_data(*, title="高山红富士", version=None, rows=None, specs=None, **fields) -> dict:
    """What the editor's form posts: product fields, spec slots and one row per combination."""
    specs = specs if specs is not None else [("颜色", "红, 蓝"), ("尺码", "S, M")]
    rows = (
        rows
        if rows is not None
        else [
            (("红", "S"), {"price": "10.00", "stock": "5"}),
            (("红", "M"), {"price": "11.00", "stock": "6"}),
            (("蓝", "S"), {"price": "12.00", "stock": "7"}),
            (("蓝", "M"), {"price": "13.50", "stock": "8", "original_price": "20", "barcode": "690123"}),
        ]
    )
    data = {
        "title": title,
        "subtitle": "",
        "share_copy": "又脆又甜",
        "description": "<p>好吃</p><script>alert(1)</script>",
        "category": "",
        "brand": "",
        "tags": "新鲜, 产地直发",
        "status": "on_sale",
        "video_url": "",
        "code": "",
        "sku-count": str(len(rows)),
    }
    if version is not None:
        data["version"] = str(version)
    for i, (name, values) in enumerate(specs):
        data[f"spec-{i}-name"] = name
        data[f"spec-{i}-values"] = values
    for n, (combination, values) in enumerate(rows):
        data[f"sku-{n}-spec"] = sku_key(*combination)
        for name, value in values.items():
            data[f"sku-{n}-{name}"] = value
    data.update(fields)
    return data


@pytest.fixture
def finance_client_a(store_a):
    return console_client(store_a, make_staff(store_a, role=User.Role.FINANCE))


@pytest.fixture
def service_client_a(store_a):
    return console_client(store_a, make_staff(store_a, role=User.Role.CUSTOMER_SERVICE))


@pytest.fixture
def operations_client_a(store_a):
    return console_client(store_a, make_staff(store_a, role=User.Role.OPERATIONS))


@pytest.fixture
def owner_client_b(store_b):
    return console_client(store_b, owner_of(store_b))


def product_in(store, **kwargs) -> Product:
    with schema_context(store.schema_name):
        return new_product(store, **kwargs)


def product_of_b_unknown_to_a(store_a, store_b) -> Product:
    """A product of store B whose id names no product of store A (each schema counts its own ids)."""
    while True:
        product = product_in(store_b, title="B 的秘密商品")
        with schema_context(store_a.schema_name):
            if not Product.objects.filter(pk=product.pk).exists():
                return product


# --- creating and editing products ---------------------------------------------------------------------


def test_owner_creates_a_product_with_two_specs_and_pictures(owner_client_a, store_a):
    data = editor_data(images=[image_file("front.png", fmt="PNG", size=(120, 90)), image_file("side.jpg")])
    response = owner_client_a.post("/console/products/new/", data)

    assert response.status_code == 302, text(response)[:2000]
    with schema_context(store_a.schema_name):
        product = Product.objects.get(title="高山红富士")
        assert response["Location"] == f"/console/products/{product.pk}/edit/"
        skus = {tuple(s.spec_values): s for s in product.skus.all()}
        assert set(skus) == {("红", "S"), ("红", "M"), ("蓝", "S"), ("蓝", "M")}
        matrix = [("红", "S"), ("红", "M"), ("蓝", "S"), ("蓝", "M")]
        assert [str(skus[c].price) for c in matrix] == ["10.00", "11.00", "12.00", "13.50"]
        assert skus[("蓝", "M")].stock == 8 and str(skus[("蓝", "M")].original_price) == "20.00"
        assert skus[("蓝", "M")].barcode == "690123"
        assert product.in_stock and sum(s.stock for s in product.skus.all()) == 26
        assert (str(product.min_price), str(product.max_price)) == ("10.00", "13.50")
        assert product.status == Product.Status.ON_SALE
        assert product.specs == [
            {"name": "颜色", "values": ["红", "蓝"]},
            {"name": "尺码", "values": ["S", "M"]},
        ]
        assert product.tags == ["新鲜", "产地直发"]
        assert "<script>" not in product.description and "好吃" in product.description
        images = list(product.images.all())
        assert len(images) == 2 and product.main_image_id == images[0].pk
        assert images[0].width == 120 and images[0].thumbnail
        assert StockMovement.objects.filter(sku__product=product, reason="initial").count() == 4

    page = text(owner_client_a.get(f"/console/products/{product.pk}/edit/"))
    assert "高山红富士" in page and 'value="13.50"' in page and images[0].thumbnail.url in page


def test_a_product_without_specs_has_one_sku_row(owner_client_a, store_a):
    page = text(owner_client_a.get("/console/products/new/"))
    assert 'name="sku-count" value="1"' in page

    data = editor_data(specs=[], rows=[((), {"price": "39.90", "stock": "100"})], status="draft")
    response = owner_client_a.post("/console/products/new/", data)

    assert response.status_code == 302, text(response)[:2000]
    with schema_context(store_a.schema_name):
        product = Product.objects.get(title="高山红富士")
        assert [(s.spec_key, str(s.price), s.stock) for s in product.skus.all()] == [("", "39.90", 100)]
        assert product.status == Product.Status.DRAFT


def test_bad_input_shows_field_messages_and_saves_nothing(owner_client_a, store_a):
    rows = [
        (("红", "S"), {"price": "-1", "stock": "5"}),
        (("红", "M"), {"price": "11", "stock": "5", "original_price": "3"}),
        (("蓝", "S"), {"price": "0", "stock": "5"}),
        (("蓝", "M"), {"price": "12", "stock": "5"}),
    ]
    data = editor_data(title="  ", rows=rows, video_url="javascript:alert(1)")
    response = owner_client_a.post("/console/products/new/", data)

    assert response.status_code == 400
    page = text(response)
    assert "Nothing was saved" in page
    assert "A title is required." in page
    assert "The amount must be above 0." in page
    assert "The original price cannot be below the price." in page
    assert "Enter a web address starting with http:// or https://." in page
    assert 'value="-1"' in page and "又脆又甜" in page  # what was typed is still there
    with schema_context(store_a.schema_name):
        assert not Product.objects.exists() and not SKU.objects.exists()


def test_duplicate_spec_values_are_refused_next_to_the_spec(owner_client_a, store_a):
    data = editor_data(specs=[("颜色", "红, 红")], rows=[(("红",), {"price": "9", "stock": "1"})])
    response = owner_client_a.post("/console/products/new/", data)

    assert response.status_code == 400
    assert "The value 红 is listed twice." in text(response)
    with schema_context(store_a.schema_name):
        assert not Product.objects.exists()


def test_a_stock_that_is_not_a_number_is_refused(owner_client_a, store_a):
    data = editor_data(specs=[], rows=[((), {"price": "9", "stock": "lots"})])
    response = owner_client_a.post("/console/products/new/", data)

    assert response.status_code == 400
    assert "Enter a whole number using the digits 0 to 9." in text(response)
    with schema_context(store_a.schema_name):
        assert not Product.objects.exists()


def test_a_pdf_renamed_jpg_is_refused_and_the_product_is_not_created(owner_client_a, store_a):
    data = editor_data(images=[image_file("ok.jpg"), pdf_named_jpg()])
    response = owner_client_a.post("/console/products/new/", data)

    assert response.status_code == 400
    assert "photo.jpg" in text(response)
    with schema_context(store_a.schema_name):
        assert not Product.objects.exists() and not SKU.objects.exists()


def test_a_video_upload_is_stored_and_a_fake_one_refused(owner_client_a, store_a):
    fake = SimpleUploadedFile("clip.mp4", b"%PDF-1.4\n%%EOF\n", content_type="video/mp4")
    single = {"specs": [], "rows": [((), {"price": "9", "stock": "1"})]}
    refused = owner_client_a.post("/console/products/new/", editor_data(**single, video_file=fake))
    assert refused.status_code == 400 and "This file is not a real MP4 video." in text(refused)
    assert "Choose the pictures and the video file again." in text(refused)
    with schema_context(store_a.schema_name):
        assert not Product.objects.exists()

    real = SimpleUploadedFile("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + bytes(64), content_type="video/mp4")
    assert (
        owner_client_a.post("/console/products/new/", editor_data(**single, video_file=real)).status_code
        == 302
    )
    with schema_context(store_a.schema_name):
        product = Product.objects.get()
        assert product.video_file.name.endswith(".mp4") and product.video_file.size == 76


def test_changing_the_specs_rebuilds_the_matrix_keeping_typed_values(owner_client_a):
    data = editor_data(
        specs=[("颜色", "红, 蓝"), ("尺码", "S, M")],
        rows=[(("红",), {"price": "10.50", "stock": "3"}), (("蓝",), {"price": "12.00", "stock": "4"})],
    )
    response = owner_client_a.post("/console/products/matrix/", data, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    page = text(response)
    assert 'name="sku-count" value="4"' in page
    for combination, price in [(("红", "S"), "10.50"), (("红", "M"), "10.50"), (("蓝", "M"), "12.00")]:
        assert "红 / S" in page
        n = ["红 / S", "红 / M", "蓝 / S", "蓝 / M"].index(" / ".join(combination))
        assert f'name="sku-{n}-price" value="{price}"' in page


def test_a_new_combination_does_not_inherit_another_skus_loaded_stock(owner_client_a):
    loaded = [(("5斤",), {"price": "30", "stock": "7", "stock_seen": "7"})]
    same = text(
        owner_client_a.post(
            "/console/products/matrix/",
            editor_data(specs=[("规格", "5斤")], rows=loaded),
            HTTP_HX_REQUEST="true",
        )
    )
    assert 'name="sku-0-stock_seen" value="7"' in same

    # A second spec turns 5斤 into two new SKUs: they copy the typed 7 as their own initial stock.
    wider = text(
        owner_client_a.post(
            "/console/products/matrix/",
            editor_data(specs=[("规格", "5斤"), ("等级", "精品, 特级")], rows=loaded),
            HTTP_HX_REQUEST="true",
        )
    )
    assert 'name="sku-0-stock" value="7"' in wider and 'name="sku-1-stock" value="7"' in wider
    assert "stock_seen" not in wider


def test_editing_saves_fields_matrix_and_status(owner_client_a, store_a):
    product = product_in(store_a, title="旧标题", specs=[{"name": "规格", "values": ["5斤"]}], price="30")
    data = editor_data(
        title="新标题",
        version=product.version,
        specs=[("规格", "5斤, 10斤")],
        rows=[(("5斤",), {"price": "29.90", "stock": "10"}), (("10斤",), {"price": "55", "stock": "3"})],
        status="off_sale",
    )
    response = owner_client_a.post(f"/console/products/{product.pk}/edit/", data)

    assert response.status_code == 302, text(response)[:2000]
    with schema_context(store_a.schema_name):
        product.refresh_from_db()
        assert product.title == "新标题" and product.status == Product.Status.OFF_SALE
        assert sorted((s.spec_key, str(s.price)) for s in product.skus.all()) == [
            ("10斤", "55.00"),
            ("5斤", "29.90"),
        ]
        assert product.version == 2


def test_a_concurrent_edit_shows_the_conflict_and_keeps_the_input(owner_client_a, store_a):
    product = product_in(store_a, title="原来的标题")
    opened_version = product.version
    with schema_context(store_a.schema_name):  # someone else saves first
        update_product(
            store=store_a,
            product=product,
            expected_version=opened_version,
            title="别人改的标题",
            skus=[{"spec_values": [], "price": "19.90", "stock": 10}],
        )

    data = editor_data(
        title="我改的标题", version=opened_version, specs=[], rows=[((), {"price": "25", "stock": "10"})]
    )
    response = owner_client_a.post(f"/console/products/{product.pk}/edit/", data)

    assert response.status_code == 409
    page = text(response)
    assert "Someone else saved this product" in page
    assert 'value="我改的标题"' in page and 'value="25"' in page
    with schema_context(store_a.schema_name):
        product.refresh_from_db()
        assert product.title == "别人改的标题"
        assert str(product.skus.get().price) == "19.90"


def strawberry_opened_in_the_editor(client, store):
    """A product with two SKUs of 10, its editor page as the merchant opened it, and the SKUs."""
    product = product_in(
        store, title="限量草莓", specs=[{"name": "规格", "values": ["小盒", "大盒"]}], stock=10
    )
    page = text(client.get(f"/console/products/{product.pk}/edit/"))
    with schema_context(store.schema_name):
        small, large = product.skus.order_by("id")
    return product, page, small, large


def strawberry_post(product, small_stock, large_stock) -> dict:
    rows = [
        (("小盒",), {"price": "19.90", "stock": small_stock, "stock_seen": "10"}),
        (("大盒",), {"price": "19.90", "stock": large_stock, "stock_seen": "10"}),
    ]
    return editor_data(title="限量草莓", version=product.version, specs=[("规格", "小盒, 大盒")], rows=rows)


def test_sales_made_while_the_editor_is_open_are_kept_and_a_restock_adds_on_top(owner_client_a, store_a):
    product, page, small, large = strawberry_opened_in_the_editor(owner_client_a, store_a)
    assert 'name="sku-0-stock_seen" value="10"' in page and 'name="sku-1-stock_seen" value="10"' in page
    with schema_context(store_a.schema_name):
        inventory.reserve_stock([(small.pk, 4), (large.pk, 2)], reference="ORDER-1")  # buyers, meanwhile

    # 小盒 left as loaded; 大盒 typed from 10 to 20 (+10).
    response = owner_client_a.post(
        f"/console/products/{product.pk}/edit/", strawberry_post(product, "10", "20")
    )

    assert response.status_code == 302, text(response)[:2000]
    with schema_context(store_a.schema_name):
        small.refresh_from_db()
        large.refresh_from_db()
        assert (small.stock, large.stock) == (6, 18)
        assert list(large.movements.filter(reason="adjustment").values_list("change", flat=True)) == [10]


def test_writing_off_more_than_is_left_after_the_sales_is_refused_next_to_the_cell(owner_client_a, store_a):
    product, _page, small, large = strawberry_opened_in_the_editor(owner_client_a, store_a)
    with schema_context(store_a.schema_name):
        inventory.reserve_stock([(large.pk, 2)], reference="ORDER-1")

    # 大盒 typed from 10 to 1 (-9), but only 8 are left.
    response = owner_client_a.post(
        f"/console/products/{product.pk}/edit/", strawberry_post(product, "10", "1")
    )

    assert response.status_code == 400
    assert "Only 8 left now" in text(response)
    with schema_context(store_a.schema_name):
        large.refresh_from_db()
        assert large.stock == 8


def test_gallery_picture_becomes_main_moves_and_is_deleted(owner_client_a, store_a):
    product = product_in(store_a)
    with schema_context(store_a.schema_name):
        first, second = media.add_product_images(
            actor=None, product=product, files=[image_file("a.jpg"), image_file("b.jpg")]
        )
    base = f"/console/products/{product.pk}/images"

    response = owner_client_a.post(f"{base}/{second.pk}/main/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="gallery"' in text(response)
    owner_client_a.post(f"{base}/{second.pk}/up/")
    owner_client_a.post(f"{base}/{first.pk}/delete/")

    with schema_context(store_a.schema_name):
        product.refresh_from_db()
        assert list(product.images.values_list("pk", flat=True)) == [second.pk]
        assert product.main_image_id == second.pk


def test_deleting_a_product(owner_client_a, store_a):
    product = product_in(store_a)
    response = owner_client_a.post(f"/console/products/{product.pk}/delete/")
    assert response.status_code == 302
    with schema_context(store_a.schema_name):
        assert not Product.objects.filter(pk=product.pk).exists()


# --- the product list and bulk actions -----------------------------------------------------------------


def test_product_list_filters_and_shows_price_range_stock_and_status(owner_client_a, store_a):
    with schema_context(store_a.schema_name):
        fruit = make_category("水果")
        apple = new_product(
            store_a,
            title="红富士苹果",
            specs=[{"name": "规格", "values": ["5斤", "10斤"]}],
            skus=[
                {"spec_values": ["5斤"], "price": "29.90", "stock": 3},
                {"spec_values": ["10斤"], "price": "49.90", "stock": 4},
            ],
            category=fruit,
        )
        new_product(store_a, title="五常大米", status=Product.Status.DRAFT, stock=0)

    page = text(owner_client_a.get("/console/products/"))
    assert "红富士苹果" in page and "五常大米" in page
    assert "¥29.90 – ¥49.90" in page and "Sold out" in page

    filtered = text(owner_client_a.get("/console/products/", {"search": "苹果"}))
    assert "红富士苹果" in filtered and "五常大米" not in filtered
    by_status = text(owner_client_a.get("/console/products/", {"status": "draft"}))
    assert "五常大米" in by_status and "红富士苹果" not in by_status
    by_category = text(owner_client_a.get("/console/products/", {"category": fruit.pk}))
    assert "红富士苹果" in by_category and "五常大米" not in by_category

    partial = owner_client_a.get(
        "/console/products/", {"search": "大米"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="product-results"
    )
    assert "五常大米" in text(partial) and "<html" not in text(partial)
    assert f'href="/console/products/{apple.pk}/edit/"' in page


def test_the_product_list_costs_the_same_queries_for_few_or_many_products(owner_client_a, store_a):
    from django.test.utils import CaptureQueriesContext

    def add_products(n):
        with schema_context(store_a.schema_name):
            for _ in range(n):
                product = new_product(
                    store_a,
                    specs=[{"name": "规格", "values": ["大", "小"]}],
                    category=make_category(),
                    brand=make_brand(),
                )
                media.add_product_images(actor=None, product=product, files=[image_file(size=(32, 32))])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert owner_client_a.get("/console/products/").status_code == 200
        return len(captured)

    add_products(2)
    queries()  # warm the per-process caches (host → store lookup, ...)
    few = queries()
    add_products(6)
    assert queries() == few


def test_low_stock_filter(owner_client_a, store_a):
    with schema_context(store_a.schema_name):
        new_product(store_a, title="快卖完了", skus=[{"price": "5", "stock": 2, "low_stock_threshold": 5}])
        new_product(store_a, title="库存充足", skus=[{"price": "5", "stock": 50, "low_stock_threshold": 5}])

    page = text(owner_client_a.get("/console/products/", {"low_stock": "1"}))
    assert "快卖完了" in page and "库存充足" not in page


def test_bulk_actions_change_status_category_and_delete(owner_client_a, store_a):
    with schema_context(store_a.schema_name):
        one, two, three = (new_product(store_a, title=f"商品{i}") for i in range(3))
        veg = make_category("蔬菜")

    response = owner_client_a.post(
        "/console/products/bulk/",
        {"action": "off_sale", "ids": [one.pk, two.pk], "next": "/console/products/"},
    )
    assert response.status_code == 302
    with schema_context(store_a.schema_name):
        assert set(Product.objects.filter(status="off_sale").values_list("pk", flat=True)) == {one.pk, two.pk}

    owner_client_a.post("/console/products/bulk/", {"action": "on_sale", "ids": [one.pk]})
    owner_client_a.post(
        "/console/products/bulk/", {"action": "move_category", "ids": [two.pk, three.pk], "category": veg.pk}
    )
    owner_client_a.post("/console/products/bulk/", {"action": "delete", "ids": [three.pk]})

    with schema_context(store_a.schema_name):
        assert Product.objects.get(pk=one.pk).status == Product.Status.ON_SALE
        assert Product.objects.get(pk=two.pk).category_id == veg.pk
        assert not Product.objects.filter(pk=three.pk).exists()

    page = text(owner_client_a.get("/console/products/"))
    assert "1 product deleted." in page


def test_bulk_action_without_a_selection_says_so(owner_client_a, store_a):
    response = owner_client_a.post("/console/products/bulk/", {"action": "delete"}, follow=True)
    assert "Select at least one product." in text(response)


# --- roles ---------------------------------------------------------------------------------------------


def test_finance_may_look_but_not_change_the_catalogue(finance_client_a, store_a):
    product = product_in(store_a, title="只读商品")

    listing = text(finance_client_a.get("/console/products/"))
    assert "只读商品" in listing and 'name="ids"' not in listing and "New product" not in listing
    editor = finance_client_a.get(f"/console/products/{product.pk}/edit/")
    assert editor.status_code == 200 and "<fieldset disabled" in text(editor)
    assert "Save changes" not in text(editor)

    data = editor_data(
        title="改掉", version=product.version, specs=[], rows=[((), {"price": "1", "stock": "1"})]
    )
    refused = [
        finance_client_a.post(f"/console/products/{product.pk}/edit/", data),
        finance_client_a.get("/console/products/new/"),
        finance_client_a.post("/console/products/new/", data),
        finance_client_a.post("/console/products/bulk/", {"action": "delete", "ids": [product.pk]}),
        finance_client_a.post(f"/console/products/{product.pk}/delete/"),
        finance_client_a.post("/console/categories/", {"name": "新分类"}),
        finance_client_a.post("/console/brands/", {"name": "新品牌"}),
        finance_client_a.post("/console/shop-settings/", {"auto_off_sale_when_sold_out": "on"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert "can look at the catalogue but not change it" in text(refused[0])
    with schema_context(store_a.schema_name):
        product.refresh_from_db()
        assert product.title == "只读商品"
        assert Product.objects.count() == 1 and not Category.objects.exists()
        assert not ShopSettings.load().auto_off_sale_when_sold_out


def test_customer_service_cannot_adjust_stock(service_client_a, store_a):
    product = product_in(store_a, stock=10)
    with schema_context(store_a.schema_name):
        sku = product.skus.get()
    assert service_client_a.get(f"/console/products/{product.pk}/stock/").status_code == 200
    response = service_client_a.post(
        f"/console/products/{product.pk}/stock/{sku.pk}/adjust/",
        {f"sku{sku.pk}-mode": "set", f"sku{sku.pk}-amount": "0"},
    )
    assert response.status_code == 403
    with schema_context(store_a.schema_name):
        assert SKU.objects.get(pk=sku.pk).stock == 10


def test_operations_staff_may_create_products(operations_client_a, store_a):
    data = editor_data(specs=[], rows=[((), {"price": "8.80", "stock": "1"})])
    assert operations_client_a.post("/console/products/new/", data).status_code == 302
    with schema_context(store_a.schema_name):
        assert Product.objects.filter(title="高山红富士").exists()


# --- categories and brands -----------------------------------------------------------------------------


def test_categories_two_level_tree(owner_client_a, store_a):
    assert (
        owner_client_a.post(
            "/console/categories/", {"name": "水果", "icon": "🍎", "is_visible": "on"}
        ).status_code
        == 302
    )
    with schema_context(store_a.schema_name):
        fruit = Category.objects.get(name="水果")
    assert (
        owner_client_a.post("/console/categories/", {"name": "苹果", "parent": fruit.pk}).status_code == 302
    )
    with schema_context(store_a.schema_name):
        apples = Category.objects.get(name="苹果")

    refused = owner_client_a.post(
        f"/console/categories/{fruit.pk}/edit/", {"name": "水果", "parent": apples.pk}
    )
    assert refused.status_code == 400

    page = text(owner_client_a.get("/console/categories/"))
    assert "🍎" in page and "苹果" in page

    undeletable = owner_client_a.post(f"/console/categories/{fruit.pk}/delete/", follow=True)
    assert "still has 1 sub-categories" in text(undeletable)
    with schema_context(store_a.schema_name):
        assert Category.objects.filter(pk=fruit.pk, parent=None).exists()

    owner_client_a.post(f"/console/categories/{apples.pk}/delete/")
    with schema_context(store_a.schema_name):
        assert not Category.objects.filter(pk=apples.pk).exists()


def test_category_without_a_name_is_refused(owner_client_a, store_a):
    response = owner_client_a.post("/console/categories/", {"name": ""})
    assert response.status_code == 400 and "A name is required." in text(response)
    with schema_context(store_a.schema_name):
        assert not Category.objects.exists()


def test_category_order_moves(owner_client_a, store_a):
    with schema_context(store_a.schema_name):
        first, second = make_category("一"), make_category("二")
        categories.reorder_categories(actor=None, ordered_ids=[first.pk, second.pk])
    owner_client_a.post(f"/console/categories/{second.pk}/move/up/")
    with schema_context(store_a.schema_name):
        assert list(Category.objects.filter(parent=None).values_list("name", flat=True)) == ["二", "一"]


def test_brands_create_rename_and_refuse_duplicates(owner_client_a, store_a):
    assert owner_client_a.post("/console/brands/", {"name": "农夫果园"}).status_code == 302
    duplicate = owner_client_a.post("/console/brands/", {"name": "农夫果园"})
    assert duplicate.status_code == 400 and "There is already a brand called 农夫果园." in text(duplicate)
    with schema_context(store_a.schema_name):
        brand = Brand.objects.get()
    owner_client_a.post(f"/console/brands/{brand.pk}/edit/", {"name": "山野果园", "sort_order": "3"})
    page = text(owner_client_a.get("/console/brands/"))
    assert "山野果园" in page and "农夫果园" not in page


# --- stock ---------------------------------------------------------------------------------------------


def test_manual_stock_adjustment_is_logged_with_its_reason(owner_client_a, store_a):
    product = product_in(store_a, stock=10)
    with schema_context(store_a.schema_name):
        sku = product.skus.get()
    url = f"/console/products/{product.pk}/stock/{sku.pk}/adjust/"

    response = owner_client_a.post(
        url, {f"sku{sku.pk}-mode": "change", f"sku{sku.pk}-amount": "-3", f"sku{sku.pk}-note": "盘点损耗"}
    )
    assert response.status_code == 302
    history = text(owner_client_a.get(response["Location"]))
    assert "盘点损耗" in history and "Manual adjustment" in history and "-3" in history

    too_much = owner_client_a.post(url, {f"sku{sku.pk}-mode": "change", f"sku{sku.pk}-amount": "-50"})
    assert too_much.status_code == 400 and "Only 7 in stock" in text(too_much)
    with schema_context(store_a.schema_name):
        assert SKU.objects.get(pk=sku.pk).stock == 7
        assert StockMovement.objects.filter(sku=sku, reason="adjustment").count() == 1


def test_low_stock_notice_shows_in_the_nav_until_read(
    owner_client_a, store_a, django_capture_on_commit_callbacks
):
    product = product_in(store_a, skus=[{"price": "9", "stock": 10, "low_stock_threshold": 3}])
    with schema_context(store_a.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            inventory.reserve_stock([(product.skus.get().pk, 8)], reference="order-1")
        notice = MerchantNotification.objects.get()

    dashboard = text(owner_client_a.get("/console/products/"))
    assert 'id="unread-notices">1<' in dashboard
    notices = text(owner_client_a.get("/console/notifications/"))
    assert "Low stock" in notices
    low = text(owner_client_a.get("/console/stock/"))
    assert product.title in low

    opened = owner_client_a.get(notice.link, follow=True)
    assert (
        opened.status_code == 200 and opened.request["PATH_INFO"] == f"/console/products/{product.pk}/edit/"
    )
    owner_client_a.post("/console/notifications/read/")
    assert 'id="unread-notices"' not in text(owner_client_a.get("/console/products/"))


def test_shop_settings_toggle_auto_off_sale(owner_client_a, store_a):
    response = owner_client_a.post("/console/shop-settings/", {"auto_off_sale_when_sold_out": "on"})
    assert response.status_code == 302
    with schema_context(store_a.schema_name):
        settings = ShopSettings.load()
        assert settings.auto_off_sale_when_sold_out and not settings.low_stock_email


# --- import and export ---------------------------------------------------------------------------------


def csv_upload(rows: list[dict], name="products.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=importing.COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in importing.COLUMNS})
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")


GOOD_ROW = {"product_ref": "APPLE-01", "title": "苹果", "status": "draft", "price": "9.90", "stock": "5"}


def test_import_with_a_bad_row_reports_it_and_imports_nothing(owner_client_a, store_a):
    rows = [GOOD_ROW, {"product_ref": "PEAR-01", "title": "梨", "price": "-2", "stock": "5"}]
    response = owner_client_a.post("/console/products/import/", {"file": csv_upload(rows)})

    assert response.status_code == 400
    page = text(response)
    assert "Nothing was imported" in page and "<td>3</td>" in page and "price" in page
    with schema_context(store_a.schema_name):
        assert not Product.objects.exists()


def test_import_summary_and_export_round_trip(owner_client_a, store_a):
    response = owner_client_a.post("/console/products/import/", {"file": csv_upload([GOOD_ROW])})
    assert response.status_code == 200
    assert "1 products created, 0 updated, 1 SKUs" in text(response)

    exported = owner_client_a.get("/console/products/export/", {"format": "csv"})
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    body = exported.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("product_ref,title") and "APPLE-01,苹果" in body

    xlsx = owner_client_a.get("/console/products/export/", {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_file_with_wrong_columns_is_refused(owner_client_a, store_a):
    upload = SimpleUploadedFile("x.csv", "name,cost\n苹果,3\n".encode(), content_type="text/csv")
    response = owner_client_a.post("/console/products/import/", {"file": upload})
    assert response.status_code == 400 and "Nothing was imported" in text(response)


# --- access and isolation ------------------------------------------------------------------------------

PAGES = [
    "/console/products/",
    "/console/products/new/",
    "/console/stock/",
    "/console/categories/",
    "/console/brands/",
    "/console/products/import/",
    "/console/products/export/?format=csv",
    "/console/notifications/",
    "/console/shop-settings/",
]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_the_login(client_a, path):
    response = client_a.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_a_buyer_of_the_store_is_not_staff(store_a, client_a):
    from tests.factories import PASSWORD, UserFactory

    with schema_context(store_a.schema_name):
        buyer = UserFactory(email="buyer@a.example")
    client_a.post("/console/login/", {"username": buyer.email, "password": PASSWORD})
    connection.set_schema_to_public()
    response = client_a.get("/console/products/")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_store_b_products_are_invisible_and_untouchable_from_store_a(owner_client_a, store_a, store_b):
    mine = product_in(store_a, title="A 的商品")
    theirs = product_of_b_unknown_to_a(store_a, store_b)
    with schema_context(store_b.schema_name):
        sku = theirs.skus.get()
        category = make_category("B 的分类")
        brand = make_brand("B 的品牌")

    listing = text(owner_client_a.get("/console/products/"))
    assert "A 的商品" in listing and "B 的秘密商品" not in listing
    responses = [
        owner_client_a.get(f"/console/products/{theirs.pk}/edit/"),
        owner_client_a.post(f"/console/products/{theirs.pk}/edit/", editor_data(version=1)),
        owner_client_a.get(f"/console/products/{theirs.pk}/stock/"),
        owner_client_a.post(
            f"/console/products/{theirs.pk}/stock/{sku.pk}/adjust/",
            {f"sku{sku.pk}-mode": "set", f"sku{sku.pk}-amount": "0"},
        ),
        owner_client_a.post(f"/console/products/{theirs.pk}/delete/"),
        owner_client_a.post(f"/console/products/{theirs.pk}/images/1/main/"),
    ]
    assert [r.status_code for r in responses] == [404] * len(responses)
    with schema_context(store_a.schema_name):
        category_in_a = Category.objects.filter(pk=category.pk).exists()
        brand_in_a = Brand.objects.filter(pk=brand.pk).exists()
    if not category_in_a:
        assert owner_client_a.get(f"/console/categories/{category.pk}/edit/").status_code == 404
        assert owner_client_a.post(f"/console/categories/{category.pk}/delete/").status_code == 404
    if not brand_in_a:
        assert owner_client_a.post(f"/console/brands/{brand.pk}/delete/").status_code == 404
    # a bulk action naming B's ids changes nothing in B
    owner_client_a.post("/console/products/bulk/", {"action": "delete", "ids": [theirs.pk]})

    with schema_context(store_b.schema_name):
        theirs.refresh_from_db()
        assert theirs.title == "B 的秘密商品" and SKU.objects.get(pk=sku.pk).stock == 10
        assert Category.objects.filter(pk=category.pk).exists() and Brand.objects.filter(pk=brand.pk).exists()
    assert "B 的秘密商品" not in owner_client_a.get("/console/products/export/?format=csv").content.decode(
        "utf-8-sig"
    )
    assert mine.pk


def test_a_session_of_store_a_is_not_a_login_on_store_b(owner_client_a, store_b):
    product_in(store_b, title="B 的秘密商品")
    stolen = host_client(store_b.host)
    stolen.cookies = owner_client_a.cookies
    for path in ("/console/products/", "/console/products/new/", "/console/categories/"):
        response = stolen.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    assert stolen.post("/console/products/new/", editor_data()).status_code == 302
    with schema_context(store_b.schema_name):
        assert not Product.objects.filter(title="高山红富士").exists()
