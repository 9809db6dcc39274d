"""The catalogue: products with a SKU matrix, bad input refused field by field, concurrent edits never
lost, status and bulk actions, categories, brands, and the console's reads."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing import quotas
from shop.models import SKU, Brand, Category, Product, StockMovement
from shop.selectors import console
from shop.services import brands, categories, products
from shop.services.brands import BrandInput
from shop.services.categories import CategoryInput
from shop.services.inventory import reserve_stock
from shop.services.product_bulk import apply_bulk_action
from shop.services.shop_settings import update_shop_settings
from tenants.errors import Conflict, InvalidInput, QuotaExceeded
from tests.shop.factories import (
    create_product,
    make_brand,
    make_category,
    new_product,
    save_product,
    sku_rows,
    update_product,
)

SPECS = [{"name": "规格", "values": ["5斤", "10斤"]}, {"name": "等级", "values": ["精品", "特级"]}]


def apple_skus(overrides=None):
    rows = [
        {"spec_values": ["5斤", "精品"], "price": "39.90", "original_price": "49.90", "stock": 20},
        {"spec_values": ["5斤", "特级"], "price": "49.90", "stock": 10, "low_stock_threshold": 3},
        {"spec_values": ["10斤", "精品"], "price": "69.90", "stock": 8, "weight_grams": 5200},
        {"spec_values": ["10斤", "特级"], "price": "89.90", "stock": 0, "barcode": "6901234567890"},
    ]
    for index, fields in (overrides or {}).items():
        rows[index] = {**rows[index], **fields}
    return rows


def create_apple(store, **fields):
    data = {
        "title": "烟台红富士苹果",
        "subtitle": "脆甜多汁 产地直发",
        "tags": ["新鲜", "产地直发"],
        "specs": SPECS,
        "skus": apple_skus(),
        **fields,
    }
    return create_product(store=store, **data)


def editor_data(product, **changes):
    """What the product editor posts back: everything, as it was, plus the changes."""
    skus = [
        {
            "spec_values": sku.spec_values,
            "price": sku.price,
            "original_price": sku.original_price,
            "cost_price": sku.cost_price,
            "stock": sku.stock,
            "low_stock_threshold": sku.low_stock_threshold,
            "weight_grams": sku.weight_grams,
            "barcode": sku.barcode,
            "is_active": sku.is_active,
        }
        for sku in product.skus.order_by("id")
    ]
    data = {
        "title": product.title,
        "subtitle": product.subtitle,
        "share_copy": product.share_copy,
        "description": product.description,
        "category": product.category_id,
        "brand": product.brand_id,
        "tags": product.tags,
        "specs": product.specs,
        "skus": skus,
        "video_url": product.video_url,
        "code": product.code,
    }
    data.update(changes)
    return data


# ---------------------------------------------------------------------------------------------
# Creating
# ---------------------------------------------------------------------------------------------


def test_a_product_with_two_specs_gets_one_sku_per_combination(in_store_a):
    brand = make_brand("烟台果园")
    category = make_category("苹果", parent=make_category("水果"))

    product = create_apple(in_store_a, brand=brand, category=category.pk)

    assert product.code == f"P{product.pk:06d}"
    assert product.version == 1 and product.status == Product.Status.DRAFT
    skus = list(product.skus.order_by("id"))
    assert [s.spec_key for s in skus] == ["5斤 / 精品", "5斤 / 特级", "10斤 / 精品", "10斤 / 特级"]
    assert skus[0].original_price == Decimal("49.90") and skus[3].barcode == "6901234567890"
    assert (product.min_price, product.max_price) == (Decimal("39.90"), Decimal("89.90"))
    assert product.in_stock
    assert console.product_for_edit(pk=product.pk).total_stock == 38
    assert product.search_document == "烟台红富士苹果 脆甜多汁 产地直发 烟台果园 新鲜 产地直发"
    initial = StockMovement.objects.filter(sku__product=product, reason="initial")
    assert sorted(initial.values_list("change", flat=True)) == [8, 10, 20]  # no movement for 0


def test_a_product_without_specs_has_exactly_one_sku_with_an_empty_key(in_store_a):
    product = create_product(store=in_store_a, title="礼盒", skus=[{"price": "88", "stock": 5}])
    sku = product.skus.get()
    assert (sku.spec_key, sku.spec_values, sku.price) == ("", [], Decimal("88.00"))

    with pytest.raises(InvalidInput) as caught:
        create_product(store=in_store_a, title="礼盒", skus=[{"price": "88"}, {"price": "99"}])
    assert "skus.1.spec_values" in caught.value.errors or "skus" in caught.value.errors


def test_the_description_is_sanitised_but_keeps_formatting_and_images(in_store_a):
    product = create_apple(
        in_store_a,
        description='<h2>产地</h2><p onclick="x()">烟台<strong>栖霞</strong></p>'
        '<script>alert(1)</script><img src="https://cdn.example/a.jpg" onerror="steal()">'
        '<a href="javascript:alert(1)">x</a><iframe src="https://evil"></iframe>',
    )
    html = product.description
    assert "<h2>产地</h2>" in html and "<strong>栖霞</strong>" in html
    assert '<img src="https://cdn.example/a.jpg">' in html
    for bad in ("script", "onclick", "onerror", "javascript:", "iframe"):
        assert bad not in html


def test_a_new_product_counts_against_the_plan(in_store_a, monkeypatch):
    monkeypatch.setattr(quotas, "limit", lambda store, key: 1 if key == "products" else None)
    create_apple(in_store_a)
    with pytest.raises(QuotaExceeded):
        create_apple(in_store_a, title="第二个")
    assert Product.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Bad input: refused field by field, nothing saved
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"title": "   "}, "title", "A title is required."),
        ({"title": "苹" * 121}, "title", "At most 120 characters."),
        ({"skus": apple_skus({0: {"price": "0"}})}, "skus.0.price", "above 0"),
        ({"skus": apple_skus({1: {"price": "-5"}})}, "skus.1.price", "above 0"),
        ({"skus": apple_skus({2: {"price": ""}})}, "skus.2.price", "required"),
        ({"skus": apple_skus({0: {"price": "abc"}})}, "skus.0.price", "amount"),
        ({"skus": apple_skus({0: {"price": 12.5}})}, "skus.0.price", "amount"),  # a float is not money
        ({"skus": apple_skus({0: {"original_price": "10"}})}, "skus.0.original_price", "below the price"),
        ({"skus": apple_skus({3: {"stock": -1}})}, "skus.3.stock", "cannot be below 0"),
        ({"skus": apple_skus({3: {"stock": "many"}})}, "skus.3.stock", "whole number"),
        ({"skus": apple_skus({1: {"spec_values": ["5斤", "精品"]}})}, "skus.1.spec_values", "appears twice"),
        ({"skus": apple_skus()[:3]}, "skus", "missing: 10斤 / 特级"),
        ({"skus": apple_skus({0: {"spec_values": ["3斤", "精品"]}})}, "skus.0.spec_values", "not a value"),
        ({"skus": []}, "skus", "at least one SKU"),
        ({"specs": [{"name": "规格", "values": []}], "skus": []}, "specs.0.values", "at least one value"),
        ({"specs": [{"name": "规格", "values": ["5斤", "5斤"]}]}, "specs.0.values", "listed twice"),
        ({"specs": [{"name": "", "values": ["5斤"]}]}, "specs.0.name", "required"),
        ({"specs": [{"name": f"s{i}", "values": ["a"]} for i in range(4)]}, "specs", "At most 3"),
        ({"category": 999999}, "category", "existing category"),
        ({"brand": 999999}, "brand", "existing brand"),
        ({"video_url": "ftp://x"}, "video_url", "http"),
        ({"code": "含 空格"}, "code", "letters"),
    ],
)
def test_bad_product_input_is_refused_with_a_field_error_and_nothing_saved(
    in_store_a, changes, field, message
):
    with pytest.raises(InvalidInput) as caught:
        create_apple(in_store_a, **changes)

    assert field in caught.value.errors, caught.value.errors
    assert any(message in text for text in caught.value.errors[field]), caught.value.errors[field]
    assert not Product.objects.exists()
    assert not SKU.objects.exists()
    assert not StockMovement.objects.exists()


def test_every_problem_is_reported_at_once(in_store_a):
    with pytest.raises(InvalidInput) as caught:
        create_apple(in_store_a, title="", skus=apple_skus({0: {"price": "0"}, 2: {"stock": -3}}))
    assert {"title", "skus.0.price", "skus.2.stock"} <= set(caught.value.errors)


def test_a_product_code_is_unique(in_store_a):
    create_apple(in_store_a, code="APPLE-5")
    with pytest.raises(InvalidInput) as caught:
        create_apple(in_store_a, code="APPLE-5")
    assert "already has the code" in caught.value.errors["code"][0]


# ---------------------------------------------------------------------------------------------
# Editing, and edits that happen at the same time
# ---------------------------------------------------------------------------------------------


def test_editing_keeps_existing_skus_and_logs_stock_changes_as_adjustments(in_store_a):
    product = create_apple(in_store_a)
    before = {s.spec_key: s.pk for s in product.skus.all()}
    specs = [{"name": "规格", "values": ["5斤", "10斤", "20斤"]}, {"name": "等级", "values": ["精品"]}]
    skus = [
        {"spec_values": ["5斤", "精品"], "price": "35.00", "stock": 25},  # kept: price and stock change
        {"spec_values": ["10斤", "精品"], "price": "69.90", "stock": 8},  # kept as is
        {"spec_values": ["20斤", "精品"], "price": "129.00", "stock": 4},  # new
    ]

    updated = update_product(
        store=in_store_a,
        product=product.pk,
        expected_version=1,
        **editor_data(product, specs=specs, skus=skus),
    )

    after = {s.spec_key: s for s in updated.skus.all()}
    assert set(after) == {"5斤 / 精品", "10斤 / 精品", "20斤 / 精品"}
    assert after["5斤 / 精品"].pk == before["5斤 / 精品"] and after["10斤 / 精品"].pk == before["10斤 / 精品"]
    assert after["5斤 / 精品"].price == Decimal("35.00") and after["5斤 / 精品"].stock == 25
    adjustment = StockMovement.objects.get(sku=after["5斤 / 精品"], reason="adjustment")
    assert (adjustment.change, adjustment.stock_after) == (5, 25)
    assert not StockMovement.objects.filter(sku=after["10斤 / 精品"], reason="adjustment").exists()
    assert StockMovement.objects.get(sku=after["20斤 / 精品"]).reason == "initial"
    assert updated.version == 2
    assert (updated.min_price, updated.max_price) == (Decimal("35.00"), Decimal("129.00"))
    assert console.product_for_edit(pk=updated.pk).total_stock == 37


def test_an_edit_based_on_an_old_version_is_refused_not_lost(in_store_a):
    product = create_apple(in_store_a)
    alice_form = editor_data(product, title="Alice 的标题")
    bob_form = editor_data(product, title="Bob 的标题")

    update_product(store=in_store_a, product=product.pk, expected_version=1, **alice_form)
    with pytest.raises(Conflict) as caught:
        update_product(store=in_store_a, product=product.pk, expected_version=1, **bob_form)

    assert caught.value.code == "stale_version" and "Someone else saved" in caught.value.message
    product.refresh_from_db()
    assert (product.title, product.version) == ("Alice 的标题", 2)


def test_sales_between_loading_and_saving_do_not_make_the_edit_stale(in_store_a):
    product = create_apple(in_store_a)
    form = editor_data(product, title="新标题")
    reserve_stock([(product.skus.first().pk, 1)], reference="ORDER-1")
    updated = update_product(store=in_store_a, product=product.pk, expected_version=1, **form)
    assert updated.title == "新标题"


def opened_editor(product, **changes):
    """What the editor posts when the merchant leaves every stock cell as loaded: no stock, and the
    loaded value as `stock_seen`."""
    data = editor_data(product, **changes)
    for row in data["skus"]:
        row["stock_seen"] = row.pop("stock")
        row["stock"] = None
    return data


def stock_of(product) -> dict[str, int]:
    return dict(SKU.objects.filter(product=product).values_list("spec_key", "stock"))


def test_a_sale_made_while_the_editor_is_open_is_kept_when_the_stock_is_left_alone(in_store_a):
    product = create_apple(in_store_a)
    form = opened_editor(product, title="新标题")  # the merchant opens the editor: 20 of 5斤/精品
    big = SKU.objects.get(product=product, spec_key="5斤 / 精品")
    reserve_stock([(big.pk, 3)], reference="ORDER-1")  # a buyer orders 3 meanwhile

    updated = update_product(store=in_store_a, product=product.pk, expected_version=1, **form)

    assert updated.title == "新标题"
    assert stock_of(product) == {"5斤 / 精品": 17, "5斤 / 特级": 10, "10斤 / 精品": 8, "10斤 / 特级": 0}
    assert not StockMovement.objects.filter(sku__product=product, reason="adjustment").exists()


def test_a_merchants_restock_lands_on_top_of_the_sales_made_meanwhile(in_store_a):
    product = create_apple(in_store_a)
    form = opened_editor(product)
    form["skus"][0]["stock"] = form["skus"][0]["stock_seen"] + 10  # 20 -> 30 typed in the editor
    big = SKU.objects.get(product=product, spec_key="5斤 / 精品")
    reserve_stock([(big.pk, 3)], reference="ORDER-1")

    update_product(store=in_store_a, product=product.pk, expected_version=1, **form)

    assert stock_of(product)["5斤 / 精品"] == 20 + 10 - 3
    adjustment = StockMovement.objects.get(sku=big, reason="adjustment")
    assert (adjustment.change, adjustment.stock_after) == (10, 27)


def test_taking_away_more_than_is_left_after_the_sales_is_refused_next_to_the_cell(in_store_a):
    product = create_apple(in_store_a)
    form = opened_editor(product, title="不会保存")
    form["skus"][0]["stock"] = 5  # loaded 20, the merchant writes off 15...
    big = SKU.objects.get(product=product, spec_key="5斤 / 精品")
    reserve_stock([(big.pk, 8)], reference="ORDER-1")  # ...but only 12 are left by now

    with pytest.raises(InvalidInput) as caught:
        update_product(store=in_store_a, product=product.pk, expected_version=1, **form)

    assert "Only 12 left now" in caught.value.errors["skus.0.stock"][0]
    product.refresh_from_db()
    assert product.title == "烟台红富士苹果" and product.version == 1
    assert stock_of(product)["5斤 / 精品"] == 12


def test_a_stock_without_what_was_seen_sets_it_and_a_new_sku_without_stock_starts_at_zero(in_store_a):
    product = create_apple(in_store_a)
    specs = [{"name": "规格", "values": ["5斤", "20斤"]}, {"name": "等级", "values": ["精品"]}]
    skus = [
        {"spec_values": ["5斤", "精品"], "price": "39.90", "stock": 50},  # set (the importer's meaning)
        {"spec_values": ["20斤", "精品"], "price": "129.00"},  # new, no stock given
    ]
    reserve_stock([(SKU.objects.get(product=product, spec_key="5斤 / 精品").pk, 3)], reference="O-1")

    update_product(
        store=in_store_a,
        product=product.pk,
        expected_version=1,
        **editor_data(product, specs=specs, skus=skus),
    )

    assert stock_of(product) == {"5斤 / 精品": 50, "20斤 / 精品": 0}


def test_an_on_sale_product_keeps_at_least_one_active_sku(in_store_a):
    product = new_product(in_store_a)
    rows = [{"price": "19.90", "stock": 10, "is_active": False}]
    with pytest.raises(InvalidInput) as caught:
        update_product(
            store=in_store_a,
            product=product,
            expected_version=product.version,
            **editor_data(product, skus=rows),
        )
    assert "active SKU" in caught.value.errors["skus"][0]


# ---------------------------------------------------------------------------------------------
# Status and bulk actions
# ---------------------------------------------------------------------------------------------


def test_put_on_sale_needs_an_active_sku_and_records_first_publication(in_store_a):
    product = create_apple(in_store_a)
    products.set_product_status(product=product, status="on_sale", actor=None)
    product.refresh_from_db()
    assert product.status == "on_sale" and product.published_at is not None

    products.set_product_status(product=product, status="off_sale", actor=None)
    SKU.objects.filter(product=product).update(is_active=False)
    with pytest.raises(InvalidInput):
        products.set_product_status(product=product, status="on_sale", actor=None)


def test_set_product_status_moves_one_product_by_the_merchants_rules(in_store_a):
    product = create_apple(in_store_a, status="on_sale")
    Product.objects.filter(pk=product.pk).update(status="off_sale", off_sale_by_stock=True)

    assert (
        products.set_product_status(actor=None, product=product, status="off_sale").off_sale_by_stock is False
    )
    assert products.set_product_status(actor=None, product=product, status="draft").status == "draft"
    SKU.objects.filter(product=product).update(is_active=False)
    with pytest.raises(InvalidInput) as caught:
        products.set_product_status(actor=None, product=product, status="on_sale")
    assert "active SKU" in caught.value.errors["status"][0]
    with pytest.raises(InvalidInput):
        products.set_product_status(actor=None, product=product, status="sold")
    product.refresh_from_db()
    assert product.status == "draft"


def test_save_product_saves_fields_status_pictures_and_video_in_one_go(in_store_a, media_root):
    from tests.shop.factories import image_file

    mp4 = SimpleUploadedFile("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    product = save_product(
        store=in_store_a,
        title="烟台红富士苹果",
        specs=SPECS,
        skus=apple_skus(),
        status="on_sale",
        new_images=[image_file("a.jpg"), image_file("b.jpg")],
        video_file=mp4,
    )
    assert (product.status, product.images.count(), bool(product.video_file)) == ("on_sale", 2, True)

    saved = save_product(
        store=in_store_a,
        product=product.pk,
        expected_version=1,
        status="off_sale",
        clear_video=True,
        **editor_data(product, title="新标题"),
    )
    assert (saved.title, saved.status, saved.version, bool(saved.video_file)) == (
        "新标题",
        "off_sale",
        2,
        False,
    )


def test_a_bad_picture_undoes_the_whole_save(in_store_a, media_root):
    product = create_apple(in_store_a, status="on_sale")
    rows = apple_skus({0: {"stock": 99}})
    with pytest.raises(InvalidInput) as caught:
        save_product(
            store=in_store_a,
            product=product,
            expected_version=1,
            status="off_sale",
            new_images=[SimpleUploadedFile("x.jpg", b"%PDF-1.4", content_type="image/jpeg")],
            **editor_data(product, title="不会保存", skus=rows),
        )
    assert "images" in caught.value.errors
    product.refresh_from_db()
    assert (product.title, product.status, product.version) == ("烟台红富士苹果", "on_sale", 1)
    assert SKU.objects.get(product=product, spec_key="5斤 / 精品").stock == 20


def test_an_edit_that_leaves_the_status_keeps_an_automatic_off_sale(in_store_a):
    product = create_apple(in_store_a, status="on_sale")
    Product.objects.filter(pk=product.pk).update(status="off_sale", off_sale_by_stock=True)

    save_product(
        store=in_store_a, product=product, expected_version=1, status="off_sale", **editor_data(product)
    )

    product.refresh_from_db()
    assert (product.status, product.off_sale_by_stock) == ("off_sale", True)  # a restock still brings it back


def test_going_off_sale_and_disabling_every_sku_in_one_save_is_allowed(in_store_a):
    product = new_product(in_store_a)
    rows = [{"price": "19.90", "is_active": False}]
    with pytest.raises(InvalidInput):
        save_product(store=in_store_a, product=product, expected_version=1, **editor_data(product, skus=rows))
    saved = save_product(
        store=in_store_a,
        product=product,
        expected_version=1,
        status="off_sale",
        **editor_data(product, skus=rows),
    )
    assert saved.status == "off_sale" and not saved.skus.filter(is_active=True).exists()


def test_bulk_status_is_all_or_nothing(in_store_a):
    good = create_apple(in_store_a)
    bad = create_apple(in_store_a, title="没有可售规格")
    SKU.objects.filter(product=bad).update(is_active=False)

    with pytest.raises(InvalidInput) as caught:
        apply_bulk_action(actor=None, action="on_sale", product_ids=[good.pk, bad.pk])
    assert "没有可售规格" in caught.value.errors["ids"][0]
    assert set(Product.objects.values_list("status", flat=True)) == {"draft"}

    assert apply_bulk_action(actor=None, action="off_sale", product_ids=[good.pk, bad.pk]).changed == 2
    assert set(Product.objects.values_list("status", flat=True)) == {"off_sale"}


def test_bulk_move_category_and_bulk_delete(in_store_a):
    fruit = make_category("水果")
    products = [new_product(in_store_a) for _ in range(3)]
    ids = [p.pk for p in products]

    moved = apply_bulk_action(actor=None, action="move_category", product_ids=ids[:2], category=fruit.pk)
    assert moved.changed == 2
    assert Product.objects.filter(category=fruit).count() == 2
    with pytest.raises(InvalidInput):
        apply_bulk_action(actor=None, action="move_category", product_ids=ids, category=999999)

    assert apply_bulk_action(actor=None, action="delete", product_ids=ids[:2]).changed == 2
    assert list(Product.objects.values_list("pk", flat=True)) == [ids[2]]
    assert not SKU.objects.filter(product_id__in=ids[:2]).exists()
    with pytest.raises(InvalidInput):
        apply_bulk_action(actor=None, action="delete", product_ids=[])


# ---------------------------------------------------------------------------------------------
# Categories, brands, settings
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "create",
    [
        lambda: brands.create_brand(actor=None, data=BrandInput(name="排序", sort_order=2**31)),
        lambda: categories.create_category(actor=None, data=CategoryInput(name="排序", sort_order=2**31)),
    ],
)
def test_an_order_beyond_the_columns_range_is_refused_not_a_database_error(in_store_a, create):
    with pytest.raises(InvalidInput) as caught:
        create()
    assert "whole number" in caught.value.errors["sort_order"][0]


def test_categories_have_two_levels(in_store_a):
    fruit = categories.create_category(actor=None, data=CategoryInput(name="水果", icon="🍎"))
    apples = categories.create_category(actor=None, data=CategoryInput(name="苹果", parent=fruit))

    with pytest.raises(InvalidInput) as caught:
        categories.create_category(actor=None, data=CategoryInput(name="红富士", parent=apples))
    assert "two levels" in caught.value.errors["parent"][0]

    gifts = categories.create_category(actor=None, data=CategoryInput(name="礼盒"))
    with pytest.raises(InvalidInput) as caught:  # a category with children cannot become a child
        categories.update_category(actor=None, category=fruit, data=CategoryInput(name="水果", parent=gifts))
    assert "sub-categories" in caught.value.errors["parent"][0]

    with pytest.raises(InvalidInput) as caught:
        categories.create_category(actor=None, data=CategoryInput(name="苹果", parent=fruit))
    assert "already a category" in caught.value.errors["name"][0]
    with pytest.raises(InvalidInput):
        categories.create_category(
            actor=None, data=CategoryInput(name="水果")
        )  # top-level names are unique too


def test_a_category_with_children_or_products_cannot_be_deleted(in_store_a):
    fruit = make_category("水果")
    apples = make_category("苹果", parent=fruit)
    new_product(in_store_a, category=apples)

    with pytest.raises(Conflict, match="sub-categories"):
        categories.delete_category(actor=None, category=fruit)
    with pytest.raises(Conflict, match="1 products"):
        categories.delete_category(actor=None, category=apples)

    apply_bulk_action(
        actor=None,
        action="move_category",
        product_ids=list(Product.objects.values_list("pk", flat=True)),
        category=None,
    )
    categories.delete_category(actor=None, category=apples)
    categories.delete_category(actor=None, category=fruit)
    assert not Category.objects.exists()


def test_renaming_or_deleting_a_brand_updates_what_search_matches(in_store_a):
    brand = make_brand("佳沛")
    product = new_product(in_store_a, title="猕猴桃", brand=brand)
    assert "佳沛" in product.search_document

    brands.update_brand(actor=None, brand=brand, data=BrandInput(name="Zespri 佳沛"))
    product.refresh_from_db()
    assert "zespri 佳沛" in product.search_document

    brands.delete_brand(actor=None, brand=brand)
    product.refresh_from_db()
    assert product.brand is None and "zespri" not in product.search_document
    with pytest.raises(InvalidInput):
        brands.create_brand(actor=None, data=BrandInput(name=" "))


def test_brand_names_are_unique_ignoring_case(in_store_a):
    brands.create_brand(actor=None, data=BrandInput(name="Zespri"))
    with pytest.raises(InvalidInput):
        brands.create_brand(actor=None, data=BrandInput(name="zespri"))
    assert Brand.objects.count() == 1


def test_switching_auto_off_sale_on_applies_to_what_is_already_sold_out(in_store_a):
    sold_out = new_product(in_store_a, stock=0)
    in_stock = new_product(in_store_a, stock=3)

    update_shop_settings(actor=None, auto_off_sale_when_sold_out=True, low_stock_email=True)
    statuses = dict(Product.objects.values_list("pk", "status"))
    assert statuses == {sold_out.pk: "off_sale", in_stock.pk: "on_sale"}

    update_shop_settings(actor=None, auto_off_sale_when_sold_out=False, low_stock_email=True)
    assert Product.objects.get(pk=sold_out.pk).status == "on_sale"


# ---------------------------------------------------------------------------------------------
# Console reads
# ---------------------------------------------------------------------------------------------


def _console_catalogue(store, count):
    fruit = make_category()
    brand = make_brand()
    specs = [{"name": "规格", "values": ["S", "M", "L"]}]
    for i in range(count):
        new_product(store, title=f"草莓{i}", category=fruit, brand=brand, specs=specs, stock=i % 4)


def _queries_for_listing() -> int:
    with CaptureQueriesContext(connection) as captured:
        for product in console.console_products(search="草莓", sort="price"):
            str(product.category) + str(product.brand) + str(product.main_image)
            [sku.stock for sku in product.skus.all()]
    return len(captured)


def test_console_list_runs_the_same_number_of_queries_for_3_and_30_products(in_store_a):
    _console_catalogue(in_store_a, 3)
    small = _queries_for_listing()
    _console_catalogue(in_store_a, 27)
    assert Product.objects.count() == 30
    assert _queries_for_listing() == small == 2  # products with joins, then all their SKUs


def test_console_filters(in_store_a):
    fruit = make_category("水果")
    apples = make_category("苹果", parent=fruit)
    brand = make_brand("烟台")
    apple = new_product(
        in_store_a,
        title="红富士",
        category=apples,
        brand=brand,
        skus=[{"price": "30", "stock": 2, "low_stock_threshold": 5, "barcode": "690123"}],
    )
    tea = new_product(in_store_a, title="龙井", status="draft", price="200")

    def ids(**filters):
        return [p.pk for p in console.console_products(**filters)]

    assert ids(category=fruit.pk) == [apple.pk]  # a top category includes its sub-categories
    assert ids(brand=brand.pk) == [apple.pk]
    assert ids(status="draft") == [tea.pk]
    assert ids(low_stock_only=True) == [apple.pk]
    assert ids(search="富士") == [apple.pk]
    assert ids(search="690123") == [apple.pk]  # barcode
    assert ids(search=tea.code) == [tea.pk]
    assert ids(sort="-price") == [tea.pk, apple.pk]
    assert ids(sort="nonsense") == [tea.pk, apple.pk]  # newest first
    assert [s.pk for s in console.low_stock_skus()] == [apple.skus.get().pk]


def test_category_tree_and_choices(in_store_a):
    fruit = make_category("水果")
    apples = make_category("苹果", parent=fruit)
    make_category("礼盒")
    new_product(in_store_a, category=apples)

    tree = console.category_tree()
    assert [c.name for c in tree] == ["水果", "礼盒"]
    assert [(c.name, c.product_count) for c in tree[0].children.all()] == [("苹果", 1)]
    assert console.category_choices()[:2] == [(fruit.pk, "水果"), (apples.pk, "水果 / 苹果")]


def test_product_for_edit_and_movement_history(in_store_a):
    product = new_product(in_store_a, skus=sku_rows(stock=5))
    sku = product.skus.get()
    reserve_stock([(sku.pk, 2)], reference="ORDER-9")

    loaded = console.product_for_edit(pk=product.pk)
    assert loaded.pk == product.pk
    assert [m.reason for m in console.sku_movements(sku=sku)] == ["order", "initial"]
    from tenants.errors import NotFound

    with pytest.raises(NotFound):
        console.product_for_edit(pk=999999)


def test_moving_a_category_swaps_it_with_its_sibling_and_stops_at_the_ends(in_store_a):
    top = categories.create_category(actor=None, data=CategoryInput(name="Top"))
    a = categories.create_category(actor=None, data=CategoryInput(name="A", parent=top, sort_order=1))
    b = categories.create_category(actor=None, data=CategoryInput(name="B", parent=top, sort_order=2))
    c = categories.create_category(actor=None, data=CategoryInput(name="C", parent=top, sort_order=3))

    def order():
        return list(
            Category.objects.filter(parent=top).order_by("sort_order", "id").values_list("name", flat=True)
        )

    categories.move_category(actor=None, category=c, direction="up")
    assert order() == ["A", "C", "B"]
    categories.move_category(actor=None, category=a, direction="up")  # already first: nothing moves
    assert order() == ["A", "C", "B"]
    categories.move_category(
        actor=None, category=Category.objects.get(pk=b.pk), direction="down"
    )  # already last
    assert order() == ["A", "C", "B"]
    with pytest.raises(InvalidInput):
        categories.move_category(actor=None, category=a, direction="sideways")
