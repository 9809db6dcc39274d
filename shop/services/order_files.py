"""Orders in and out of spreadsheets: the order list as a CSV (what the filters show), and bulk shipping
from a CSV or XLSX of order numbers, carriers and tracking numbers (what a courier's system exports)."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from shop.services import orders as order_services
from shop.services.spreadsheets import RowError, csv_bytes, header_words, read_table, unusable_cells
from tenants.errors import DomainError, InvalidInput

EXPORT_COLUMNS = (
    "order_number",
    "placed_at",
    "status",
    "buyer_phone",
    "recipient",
    "recipient_phone",
    "address",
    "items",
    "items_total",
    "discount_total",
    "shipping_fee",
    "payable",
    "paid",
    "refunded",
    "payment",
    "source",
    "buyer_note",
)
SHIP_COLUMNS = ("order_number", "carrier", "tracking_number")
# Headers merchants' files use for those columns (their courier software's Chinese export).
_HEADER_WORDS = {
    "order_number": ("order_number", "order", "订单号", "订单编号"),
    "carrier": ("carrier", "快递公司", "物流公司", "快递"),
    "tracking_number": ("tracking_number", "tracking", "运单号", "快递单号", "物流单号"),
}
# The headers of the template the console hands out, as Chinese courier software writes them.
SHIP_TEMPLATE_HEADER = ("订单号", "快递公司", "运单号")
MAX_SHIP_ROWS = 2000


def export_orders_csv(orders) -> bytes:
    """UTF-8 with BOM (Excel opens Chinese text correctly), one row per order, times in the store's zone;
    text that a spreadsheet would run as a formula (a buyer's note "=HYPERLINK(...)") is quoted."""
    return csv_bytes([EXPORT_COLUMNS, *(_export_row(order) for order in orders)])


def _export_row(order) -> list:
    address = order.shipping_address or {}
    return [
        order.number,
        timezone.localtime(order.placed_at).strftime("%Y-%m-%d %H:%M:%S"),
        order.get_status_display(),
        order.buyer.phone,
        address.get("contact_name", ""),
        address.get("phone", ""),
        " ".join(
            filter(
                None,
                [
                    address.get("province_name_zh"),
                    address.get("city"),
                    address.get("district"),
                    address.get("detail"),
                ],
            )
        ),
        "；".join(
            f"{line.title} {line.spec_label} ×{line.quantity}".replace("  ", " ")
            for line in order.lines.all()
        ),
        order.items_total,
        order.discount_total,
        order.shipping_fee,
        order.payable,
        order.paid_amount,
        order.refunded_amount,
        order.payment_provider,
        order.get_source_display(),
        order.buyer_note,
    ]


def bulk_ship_template_csv(order_numbers) -> bytes:
    """The bulk-ship file to fill in: the Chinese headers courier software uses, and a row per order
    number given (the orders waiting to ship) with the carrier and tracking number left empty."""
    return csv_bytes([SHIP_TEMPLATE_HEADER, *([number, "", ""] for number in order_numbers)])


@dataclass
class BulkShipResult:
    shipped: list[str] = field(default_factory=list)  # order numbers
    errors: list[RowError] = field(default_factory=list)


def _columns(header: list[str]) -> dict[str, int]:
    found = {}
    for index, word in enumerate(header_words(header)):
        for column, words in _HEADER_WORDS.items():
            if word in words and column not in found:
                found[column] = index
    missing = [c for c in SHIP_COLUMNS if c not in found]
    if missing:
        raise InvalidInput(
            {"file": [_("The file needs the columns %(columns)s.") % {"columns": ", ".join(missing)}]}
        )
    return found


def ship_orders_from_file(*, actor, file, filename: str) -> BulkShipResult:
    """Ship every order the file names. Each row is its own shipment (its own transaction): a wrong row
    is reported with its line and column and ships nothing, the good rows ship."""
    table = read_table(file, filename)
    if not table:
        raise InvalidInput({"file": [_("The file is empty.")]})
    columns = _columns(table[0])
    rows = [row for row in table[1:] if any(cell.strip() for cell in row)]
    if not rows:
        raise InvalidInput({"file": [_("The file has a header but no orders.")]})
    if len(rows) > MAX_SHIP_ROWS:
        raise InvalidInput({"file": [_("At most %(n)s orders per file.") % {"n": MAX_SHIP_ROWS}]})
    result = BulkShipResult()
    for line, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue

        values = {name: (cells[i].strip() if i < len(cells) else "") for name, i in columns.items()}
        unusable = unusable_cells(line, values)
        if unusable:
            result.errors.extend(unusable)
            continue
        number = values["order_number"]
        order = order_services.Order.objects.filter(number=number).first() if number else None
        if order is None:
            result.errors.append(RowError(line, "order_number", _("No order with this number.")))
            continue
        try:
            order_services.ship_order(
                order=order, actor=actor, carrier=values["carrier"], tracking_number=values["tracking_number"]
            )
        except DomainError as error:
            for key, messages in error.as_dict().items():
                column = key if key in SHIP_COLUMNS else ""
                for message in messages if isinstance(messages, list) else [messages]:
                    result.errors.append(RowError(line, column, str(message)))
            continue
        result.shipped.append(number)
    return result
