"""Import and export of the catalogue as CSV and XLSX: a bad file imports nothing and says which row."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from shop.models import SKU, Brand, Category, Product, StockMovement
from shop.selectors.console import product_for_edit
from shop.services.importing import (
    COLUMNS,
    ImportRejected,
    export_products_csv,
    export_products_xlsx,
    import_products,
)
from tests.shop.factories import create_product, make_brand, make_category


def csv_file(rows, header=COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return buffer.getvalue().encode("utf-8-sig")


def apple_rows(ref="APPLE-1", **overrides):
    base = {
        "product_ref": ref,
        "title": "烟台红富士苹果",
        "category": "水果/苹果",
        "brand": "烟台果园",
        "tags": "新鲜, 产地直发",
        "status": "on_sale",
        "spec_1_name": "规格",
        "spec_2_name": "等级",
    }
    rows = [
        {**base, "spec_1_value": "5斤", "spec_2_value": "精品", "price": "39.90", "stock": "20"},
        {"product_ref": ref, "spec_1_value": "5斤", "spec_2_value": "特级", "price": "49.90", "stock": "10"},
        {"product_ref": ref, "spec_1_value": "10斤", "spec_2_value": "精品", "price": "69.90", "stock": "8"},
        {"product_ref": ref, "spec_1_value": "10斤", "spec_2_value": "特级", "price": "89.90", "stock": "0"},
    ]
    for index, fields in overrides.items():
        rows[int(index.lstrip("r"))].update(fields)
    return rows


def gift_rows(ref="GIFT-1"):
    return [{"product_ref": ref, "title": "新年水果礼盒", "category": "礼盒", "price": "199", "stock": "5"}]


def import_csv(store, rows, **kwargs):
    content = io.BytesIO(csv_file(rows, **kwargs))
    return import_products(actor=None, store=store, file=content, filename="products.csv")


def test_importing_new_products_creates_them_with_categories_brands_and_import_movements(in_store_a):
    result = import_csv(in_store_a, apple_rows() + gift_rows())

    assert (result.created, result.updated, result.skus) == (2, 0, 5)
    apple = Product.objects.get(code="APPLE-1")
    assert apple.status == "on_sale" and apple.tags == ["新鲜", "产地直发"]
    assert apple.category.name == "苹果" and apple.category.parent.name == "水果"
    assert apple.brand.name == "烟台果园"
    assert apple.specs == [
        {"name": "规格", "values": ["5斤", "10斤"]},
        {"name": "等级", "values": ["精品", "特级"]},
    ]
    assert (apple.min_price, apple.max_price, apple.in_stock) == (Decimal("39.90"), Decimal("89.90"), True)
    assert product_for_edit(pk=apple.pk).total_stock == 38
    gift = Product.objects.get(code="GIFT-1")
    assert gift.status == "draft" and gift.skus.get().spec_key == ""
    reasons = set(StockMovement.objects.values_list("reason", flat=True))
    assert reasons == {"import"}


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(in_store_a):
    rows = apple_rows(r2={"price": "-3"}) + gift_rows()

    with pytest.raises(ImportRejected) as caught:
        import_csv(in_store_a, rows)

    assert [(e.row, e.column) for e in caught.value.rows] == [(4, "price")]  # header is row 1
    assert "above 0" in caught.value.rows[0].message
    assert "row 4 (price)" in caught.value.errors["file"][0]
    assert not Product.objects.exists() and not Category.objects.exists() and not Brand.objects.exists()


def test_every_bad_row_is_reported_with_its_column(in_store_a):
    rows = apple_rows(
        r0={"title": ""}, r1={"spec_1_value": "5斤", "spec_2_value": "精品"}, r3={"stock": "-1"}
    )
    rows += [{"product_ref": "", "title": "无编号", "price": "1"}]
    rows += [{"product_ref": "X", "title": "坏状态", "status": "selling", "price": "1"}]

    with pytest.raises(ImportRejected) as caught:
        import_csv(in_store_a, rows)

    found = {(e.row, e.column) for e in caught.value.rows}
    assert (2, "title") in found
    assert (3, "spec_1_value") in found  # duplicate combination
    assert (5, "stock") in found
    assert (6, "product_ref") in found
    assert (7, "status") in found
    assert not Product.objects.exists()


def test_a_row_that_contradicts_its_products_first_row_is_reported(in_store_a):
    rows = apple_rows(r1={"title": "别的标题"})
    with pytest.raises(ImportRejected) as caught:
        import_csv(in_store_a, rows)
    [error] = caught.value.rows
    assert (error.row, error.column) == (3, "title") and "row 2" in error.message


@pytest.mark.parametrize(
    "header, named",
    [
        ([c for c in COLUMNS if c != "price"], "missing columns: price"),
        ([*COLUMNS, "colour"], "unknown columns: colour"),
        (["name", "cost"], "missing columns: product_ref, title"),
    ],
)
def test_a_file_with_wrong_columns_is_refused_naming_them(in_store_a, header, named):
    with pytest.raises(ImportRejected) as caught:
        import_csv(in_store_a, apple_rows(), header=header)
    assert named in caught.value.errors["file"][0]
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    "content, filename, message",
    [
        (b"", "products.csv", "empty"),
        (b"%PDF-1.4", "products.pdf", ".csv or .xlsx"),
        (b"not a zip", "products.xlsx", "cannot be read"),
        (",".join(COLUMNS).encode(), "products.csv", "no products"),
    ],
)
def test_unreadable_files_are_refused_clearly(in_store_a, content, filename, message):
    with pytest.raises(ImportRejected) as caught:
        import_products(actor=None, store=in_store_a, file=io.BytesIO(content), filename=filename)
    assert message in caught.value.errors["file"][0]


def test_an_existing_product_ref_updates_the_product_and_logs_stock_as_import(in_store_a):
    import_csv(in_store_a, apple_rows())
    apple = Product.objects.get(code="APPLE-1")
    kept = apple.skus.get(spec_key="5斤 / 精品").pk

    result = import_csv(in_store_a, apple_rows(r0={"price": "35.00", "stock": "50", "status": "off_sale"}))

    assert (result.created, result.updated) == (0, 1)
    apple.refresh_from_db()
    sku = apple.skus.get(spec_key="5斤 / 精品")
    assert sku.pk == kept and (sku.price, sku.stock) == (Decimal("35.00"), 50)
    assert apple.status == "off_sale" and apple.version == 2
    movement = StockMovement.objects.filter(sku=sku).latest("id")
    assert (movement.reason, movement.change) == ("import", 30)


def test_export_then_import_round_trips_without_changing_anything(in_store_a):
    fruit = make_category("水果")
    make_category("苹果", parent=fruit)
    brand = make_brand("烟台果园")
    create_product(
        store=in_store_a,
        title="苹果, “带引号”",
        category=Category.objects.get(name="苹果"),
        brand=brand,
        tags=["新鲜", "脆"],
        specs=[{"name": "规格", "values": ["5斤", "10斤"]}],
        skus=[
            {
                "spec_values": ["5斤"],
                "price": "39.90",
                "original_price": "59",
                "cost_price": "20",
                "stock": 7,
            },
            {"spec_values": ["10斤"], "price": "69.90", "stock": 0, "barcode": "0069", "is_active": False},
        ],
        status="on_sale",
    )
    create_product(store=in_store_a, title="礼盒", skus=[{"price": "88", "weight_grams": 1500}])
    before = export_products_csv()
    movements = StockMovement.objects.count()

    for content, name in ((export_products_csv(), "x.csv"), (export_products_xlsx(), "x.xlsx")):
        result = import_products(actor=None, store=in_store_a, file=io.BytesIO(content), filename=name)
        assert (result.created, result.updated) == (0, 2)

    assert export_products_csv() == before
    assert StockMovement.objects.count() == movements  # nothing changed, nothing logged
    assert SKU.objects.get(barcode="0069").is_active is False


def test_export_has_one_row_per_sku_in_both_formats(in_store_a):
    import_csv(in_store_a, apple_rows() + gift_rows())

    text = export_products_csv().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == COLUMNS
    assert len(rows) == 1 + 5
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert first["category"] == "水果/苹果" and first["spec_1_value"] == "5斤" and first["price"] == "39.90"

    sheet = load_workbook(io.BytesIO(export_products_xlsx())).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == COLUMNS and len(values) == 6
    assert values[1][COLUMNS.index("price")] == 39.9  # a number in Excel
    assert values[1][COLUMNS.index("product_ref")] == "APPLE-1"


def test_excel_and_gbk_csv_files_from_chinese_office_software_import(in_store_a):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in gift_rows("XLSX-1"):
        values = [row.get(c, "") for c in COLUMNS]
        values[COLUMNS.index("price")] = 199.5  # Excel stores numbers as floats
        values[COLUMNS.index("stock")] = 5
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    import_products(actor=None, store=in_store_a, file=io.BytesIO(buffer.getvalue()), filename="货品.xlsx")
    assert Product.objects.get(code="XLSX-1").min_price == Decimal("199.50")

    gbk = csv_file(gift_rows("GBK-1")).decode("utf-8-sig").encode("gb18030")
    import_products(actor=None, store=in_store_a, file=io.BytesIO(gbk), filename="货品.CSV")
    assert Product.objects.get(code="GBK-1").title == "新年水果礼盒"
