"""Bulk shipping in the console: a template with the orders waiting to ship, a CSV or XLSX upload whose
good rows ship, and a report of each bad row with its line, column and message."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from shop.models import Order, Shipment
from tests.shop.console.conftest import paid_order, text
from tests.snapshots import Snapshot

URL = "/console/orders/ship/"


def csv_file(*rows, name="ship.csv", encoding="utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\r\n".join(",".join(r) for r in rows).encode(encoding), "text/csv")


def xlsx_file(*rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("ship.xlsx", buffer.getvalue())


def test_the_template_lists_the_orders_waiting_to_ship(shop, owner_client):
    first, second = paid_order(shop), paid_order(shop, (shop.tea_sku, 1))
    shop.place([(shop.large, 1)])  # unpaid: not waiting to ship

    page = text(owner_client.get(URL))
    assert "Download the template (2 orders waiting to ship)" in page and 'name="file"' in page
    response = owner_client.get("/console/orders/ship/template/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["订单号", "快递公司", "运单号"], [first.number, "", ""], [second.number, "", ""]]


def test_a_file_ships_its_good_rows_and_reports_each_bad_one(shop, owner_client, owner):
    good, no_number, unpaid = (
        paid_order(shop),
        paid_order(shop, (shop.tea_sku, 1)),
        shop.place([(shop.large, 1)]),
    )
    upload = csv_file(
        ["订单号", "快递公司", "运单号"],
        [good.number, "顺丰速运", "SF 1401 2345 67890"],
        [no_number.number, "中通", ""],
        [unpaid.number, "圆通", "YT1234567890123"],
        ["20260101999999", "圆通", "YT1234567890124"],
        [good.number, "飞鸽传书", "12345678"],
    )
    response = owner_client.post(URL, {"file": upload})
    assert response.status_code == 200
    page = text(response)
    assert "1 order shipped." in page and good.number in page.split('class="small shipped-numbers"')[1]
    errors = page.split('id="bulk-ship-errors"')[1].split("</table>")[0]
    rows = [r.split("</td>")[:3] for r in errors.split("<tr>")[2:]]
    cells = [[c.split("<td>")[-1] for c in row] for row in rows]
    assert cells[0] == ["3", "tracking_number", "Enter the tracking number."]
    assert cells[1][:2] == ["4", "—"] and "awaiting payment" in cells[1][2]
    assert cells[2] == ["5", "order_number", "No order with this number."]
    assert cells[3][:2] == ["6", "—"] and "shipped" in cells[3][2]  # already shipped by row 2
    assert Order.objects.get(pk=good.pk).status == Order.Status.SHIPPED
    assert Order.objects.get(pk=no_number.pk).status == Order.Status.PAID
    assert Shipment.objects.get().tracking_number == "SF1401234567890"


def test_an_excel_file_with_english_headers_ships_too(shop, owner_client):
    order = paid_order(shop)
    upload = xlsx_file(
        ("order_number", "carrier", "tracking_number"), (order.number, "zhongtong", 78123456789012)
    )
    page = text(owner_client.post(URL, {"file": upload}))
    assert "1 order shipped." in page
    assert Order.objects.get(pk=order.pk).status == Order.Status.SHIPPED


@pytest.mark.parametrize(
    "upload, message",
    [
        (csv_file(["a", "b"], ["1", "2"]), "The file needs the columns"),
        (csv_file(["订单号", "快递公司", "运单号"]), "The file has a header but no orders."),
        (SimpleUploadedFile("ship.csv", b"", "text/csv"), "The submitted file is empty."),
        (SimpleUploadedFile("ship.csv", b"\xff\xfd\x00\x00garbage\x00", "text/csv"), "not text in UTF-8"),
        (
            SimpleUploadedFile("ship.xlsx", b"PK\x03\x04 not really a workbook", "application/zip"),
            "cannot be read",
        ),
        (SimpleUploadedFile("ship.pdf", b"%PDF-1.4", "application/pdf"), "CSV or XLSX"),
    ],
)
def test_a_file_that_cannot_be_used_is_refused_and_ships_nothing(shop, owner_client, upload, message):
    paid_order(shop)
    before = Snapshot(shop.store.schema_name).take()
    response = owner_client.post(URL, {"file": upload})
    assert response.status_code == 400
    assert message in text(response)
    assert Snapshot(shop.store.schema_name).take() == before


def test_a_file_of_more_rows_than_allowed_is_refused_whole(shop, owner_client, settings):
    from shop.services import order_files

    order = paid_order(shop)
    rows = [["订单号", "快递公司", "运单号"]] + [[order.number, "中通", "78123456789012"]] * (
        order_files.MAX_SHIP_ROWS + 1
    )
    response = owner_client.post(URL, {"file": csv_file(*rows)})
    assert response.status_code == 400 and "At most 2000 orders per file." in text(response)
    assert not Shipment.objects.exists()


def test_a_gbk_file_from_excel_ships(shop, owner_client):
    order = paid_order(shop)
    upload = csv_file(
        ["订单号", "快递公司", "运单号"], [order.number, "韵达", "4312345678901"], encoding="gb18030"
    )
    assert "1 order shipped." in text(owner_client.post(URL, {"file": upload}))
