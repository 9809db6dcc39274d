"""Spreadsheets in and out: a CSV saved by Excel or WPS in any of the encodings they use reads the same; a
file that is no text is refused clearly; a cell holding a NUL is named by row and column and changes
nothing; and text a spreadsheet would run as a formula leaves the shop quoted, in every export."""

import csv
import io

import pytest
from openpyxl import load_workbook

from shop.models import Order, Product, Shipment
from shop.services import order_files
from shop.services.importing import COLUMNS, ImportRejected, export_products_csv, export_products_xlsx
from shop.services.importing import import_products as run_import
from shop.services.spreadsheets import read_table, safe_cell
from tests.shop.factories import create_product
from tests.shop.services.conftest import Shop

ROWS = [["订单号", "快递公司", "运单号"], ["2026120112345678", "顺丰速运", "SF1401234567890"]]


def as_csv(rows, delimiter=",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312"],
)
def test_a_csv_in_each_encoding_chinese_office_software_saves_reads_the_same(encoding):
    assert read_table(as_csv(ROWS).encode(encoding), "ship.csv") == ROWS


def test_excels_unicode_text_utf16_with_tabs_reads_too():
    assert read_table(as_csv(ROWS, delimiter="\t").encode("utf-16"), "ship.csv") == ROWS


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xff\xff", id="an image"),
        pytest.param(b"order,carrier\r\n\xff\xfe\xfd", id="broken bytes"),
    ],
)
def test_a_file_that_is_no_text_is_refused_clearly(content):
    with pytest.raises(ImportRejected) as caught:
        read_table(content, "ship.csv")
    assert "not text in UTF-8 or GB18030/GBK" in caught.value.errors["file"][0]


# --- NUL and other control characters in cells -----------------------------------------------------------


def product_csv(title: str, encoding="utf-8-sig") -> bytes:
    row = {"product_ref": "NUL-1", "title": title, "price": "10.00", "stock": "1"}
    return as_csv([COLUMNS, [row.get(c, "") for c in COLUMNS]]).encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
@pytest.mark.parametrize("bad", ["苹果\x00", "苹\x07果", "\x1b[31m苹果"])
def test_a_product_cell_with_a_control_character_is_named_and_nothing_imports(in_store_a, encoding, bad):
    with pytest.raises(ImportRejected) as caught:
        run_import(actor=None, store=in_store_a, file=product_csv(bad, encoding), filename="p.csv")
    assert [(e.row, e.column) for e in caught.value.rows] == [(2, "title")]
    assert "control character" in caught.value.rows[0].message
    assert not Product.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_bulk_ship_cell_with_a_nul_is_reported_on_its_row_and_ships_nothing_there(in_store_a, encoding):
    shop = Shop(in_store_a)
    good, spoilt = shop.place([(shop.small, 1)]), shop.place([(shop.tea_sku, 1)])
    shop.pay(good)
    shop.pay(spoilt)
    content = as_csv(
        [
            ["订单号", "快递公司", "运单号"],
            [good.number, "顺丰速运", "SF1401234567890"],
            [spoilt.number, "中通", "7812345\x006789012"],
        ]
    ).encode(encoding)

    result = order_files.ship_orders_from_file(actor=None, file=content, filename="ship.csv")

    assert result.shipped == [good.number]
    assert [(e.row, e.column) for e in result.errors] == [(3, "tracking_number")]
    assert "control character" in result.errors[0].message
    assert Order.objects.get(pk=spoilt.pk).status == Order.Status.PAID
    assert not Shipment.objects.filter(order=spoilt).exists()


def test_a_header_with_a_nul_is_read_without_it():
    content = as_csv([["订单号\x00", "快递公司", "运单号"], ROWS[1]]).encode()
    assert order_files._columns(read_table(content, "ship.csv")[0]) == {
        "order_number": 0,
        "carrier": 1,
        "tracking_number": 2,
    }


# --- formula injection in exports -----------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_text_a_spreadsheet_would_run_is_quoted(formula):
    assert safe_cell(formula) == "'" + formula
    assert safe_cell("苹果 =1") == "苹果 =1"


def test_numbers_are_not_quoted():
    from decimal import Decimal

    assert safe_cell(Decimal("-3.00")) == Decimal("-3.00") and safe_cell(-3) == -3


def test_the_order_export_quotes_a_buyer_note_that_is_a_formula(in_store_a):
    shop = Shop(in_store_a)
    order = shop.place([(shop.small, 1)], buyer_note='=HYPERLINK("http://evil.example","点我")')

    exported = order_files.export_orders_csv(Order.objects.filter(pk=order.pk))

    header, row = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    note = row[header.index("buyer_note")]
    assert note == "'" + order.buyer_note
    assert row[header.index("buyer_phone")] == "'" + order.buyer.phone  # "+86…" is quoted too
    assert row[header.index("payable")] == str(order.payable)


def test_the_product_export_quotes_formulas_in_csv_keeps_them_text_in_xlsx_and_imports_back(in_store_a):
    create_product(store=in_store_a, title="=1+2 苹果", code="F-1", skus=[{"price": "9.90", "stock": 3}])

    rows = list(csv.reader(io.StringIO(export_products_csv().decode("utf-8-sig"))))
    assert rows[1][COLUMNS.index("title")] == "'=1+2 苹果"
    sheet = load_workbook(io.BytesIO(export_products_xlsx())).active
    cell = sheet.cell(row=2, column=COLUMNS.index("title") + 1)
    assert (cell.value, cell.data_type) == ("=1+2 苹果", "s")

    # The quoted export imports back to the same title.
    result = run_import(actor=None, store=in_store_a, file=export_products_csv(), filename="p.csv")
    assert result.updated == 1 and Product.objects.get(code="F-1").title == "=1+2 苹果"
