"""Import and export of products and SKUs as CSV and XLSX: one row per SKU.

Columns (header row; export writes them in this order, import requires them all, in any order):
    product_ref      the product's code (Product.code); rows with the same ref form one product.
                     An existing code updates that product (its SKU matrix becomes the file's rows);
                     a new code creates a product with that code.
    title, subtitle, category ("Top" or "Top/Sub", created if missing), brand (created if missing),
    tags ("a, b" — comma or 、 separated), status (draft / on_sale / off_sale; blank keeps it, or draft),
    spec_1_name, spec_1_value, spec_2_name, spec_2_value, spec_3_name, spec_3_value,
    price, original_price, cost_price, stock, low_stock_threshold, weight_grams, barcode,
    active (1 = sellable, 0 = disabled combination; blank = 1)
Product-level columns (title ... status, spec names) are read from the first row of each product; later
rows may leave them blank or repeat them, but not contradict them. Every row is validated first, by the
same rules as the product editor; if any row is bad nothing is imported and ImportRejected carries the
per-row report. Stock set by an import is logged with reason "import"; a blank stock cell leaves an
existing SKU's stock as it is (a new SKU starts at 0). The whole import is one transaction.
"""

from collections import OrderedDict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from shop.models import Brand, Category, Product, StockMovement
from shop.services import products
from shop.services.product_input import ProductInput, validate_product_input
from shop.services.spreadsheets import (
    FileRejected,
    RowError,
    csv_bytes,
    header_words,
    read_table,
    unusable_cells,
    xlsx_bytes,
)
from tenants import activity, quotas
from tenants.errors import InvalidInput

COLUMNS = [
    "product_ref",
    "title",
    "subtitle",
    "category",
    "brand",
    "tags",
    "status",
    "spec_1_name",
    "spec_1_value",
    "spec_2_name",
    "spec_2_value",
    "spec_3_name",
    "spec_3_value",
    "price",
    "original_price",
    "cost_price",
    "stock",
    "low_stock_threshold",
    "weight_grams",
    "barcode",
    "active",
]
PRODUCT_COLUMNS = ["title", "subtitle", "category", "brand", "tags", "status"]
SPEC_NAME_COLUMNS = ["spec_1_name", "spec_2_name", "spec_3_name"]
SPEC_VALUE_COLUMNS = ["spec_1_value", "spec_2_value", "spec_3_value"]
SKU_COLUMNS = [
    "price",
    "original_price",
    "cost_price",
    "stock",
    "low_stock_threshold",
    "weight_grams",
    "barcode",
]
MAX_IMPORT_ROWS = 5000
MAX_REPORTED_ERRORS = 200
CATEGORY_SEPARATOR = "/"


# Refused files and their per-row report: the shared spreadsheet reader's.
ImportRejected = FileRejected


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skus: int = 0
    products: list = field(default_factory=list)


# --- export ---------------------------------------------------------------------------------------------


def _category_path(category: Category | None) -> str:
    if category is None:
        return ""
    if category.parent_id:
        return f"{category.parent.name}{CATEGORY_SEPARATOR}{category.name}"
    return category.name


def _export_queryset(queryset):
    chosen = queryset if queryset is not None else Product.objects.all()
    return (
        chosen.select_related("category", "category__parent", "brand").prefetch_related("skus").order_by("id")
    )


def _export_records(queryset):
    """(values for COLUMNS) per SKU, typed: Decimal for money, int for counts, str otherwise."""
    for product in _export_queryset(queryset):
        specs = product.specs or []
        for sku in sorted(product.skus.all(), key=lambda s: s.pk):
            spec_cells = []
            for i in range(3):
                name = specs[i]["name"] if i < len(specs) else ""
                value = sku.spec_values[i] if i < len(sku.spec_values) else ""
                spec_cells += [name, value]
            yield [
                product.code,
                product.title,
                product.subtitle,
                _category_path(product.category),
                product.brand.name if product.brand_id else "",
                ", ".join(product.tags),
                product.status,
                *spec_cells,
                sku.price,
                sku.original_price,
                sku.cost_price,
                sku.stock,
                sku.low_stock_threshold,
                sku.weight_grams,
                sku.barcode,
                1 if sku.is_active else 0,
            ]


def export_products_csv(queryset=None) -> bytes:
    """UTF-8 with BOM (so Excel opens Chinese text correctly), text cells safe from formula injection."""
    return csv_bytes([COLUMNS, *_export_records(queryset)])


def export_products_xlsx(queryset=None) -> bytes:
    # Money stays Decimal (a number in Excel, never a float here); codes and barcodes stay text.
    return xlsx_bytes([COLUMNS, *_export_records(queryset)], sheet_name="products")


EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ExportFile:
    body: bytes
    content_type: str
    filename: str


def export_products(*, products, file_format: str) -> ExportFile:
    """The given products (a filtered list) as a CSV (UTF-8 with BOM) or XLSX file, one row per SKU."""
    if file_format not in EXPORT_FORMATS:
        raise InvalidInput({"format": [_("Export as csv or xlsx.")]})
    body = export_products_csv(products) if file_format == "csv" else export_products_xlsx(products)
    return ExportFile(body, EXPORT_FORMATS[file_format], f"products.{file_format}")


def _header_map(header: list[str]) -> dict[str, int]:
    names = header_words(header)
    while names and not names[-1]:
        names.pop()
    missing = [c for c in COLUMNS if c not in names]
    unknown = [n or _("(empty)") for n in names if n not in COLUMNS]
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    problems = []
    if missing:
        problems.append(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(_("unknown columns: %(columns)s") % {"columns": ", ".join(unknown)})
    if duplicated:
        problems.append(_("repeated columns: %(columns)s") % {"columns": ", ".join(duplicated)})
    if problems:
        message = _(
            "The header row is wrong (%(problems)s). Use the header of an exported file: %(header)s"
        ) % {
            "problems": "; ".join(problems),
            "header": ",".join(COLUMNS),
        }
        raise ImportRejected([RowError(1, "", message)], message=message)
    return {name: names.index(name) for name in COLUMNS}


# --- validating ----------------------------------------------------------------------------------------


@dataclass
class _Group:
    ref: str
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (line number, {column: text})

    @property
    def first(self) -> dict:
        return self.rows[0][1]

    @property
    def first_line(self) -> int:
        return self.rows[0][0]


@dataclass
class _Plan:
    group: _Group
    existing: Product | None
    fields: dict
    category_path: tuple[str, ...]
    brand_name: str
    status: str


def _error_location(group: _Group, key: str) -> tuple[int, str]:
    """Map a catalogue field-error key to (line, column) of the file."""
    parts = key.split(".")
    if parts[0] == "skus" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(group.rows):
        line = group.rows[int(parts[1])][0]
        column = parts[2] if len(parts) > 2 else ""
        if column == "spec_values":
            column = "spec_1_value"
        return line, column if column in COLUMNS else ""
    if parts[0] == "specs" and len(parts) >= 2 and parts[1].isdigit():
        index = int(parts[1]) + 1
        column = f"spec_{index}_value" if parts[-1] == "values" else f"spec_{index}_name"
        return group.first_line, column
    if parts[0] == "code":
        return group.first_line, "product_ref"
    return group.first_line, parts[0] if parts[0] in COLUMNS else ""


def _plan_group(group: _Group, errors: list[RowError]) -> _Plan | None:
    first = group.first
    before = len(errors)
    for line, row in group.rows[1:]:
        for column in PRODUCT_COLUMNS + SPEC_NAME_COLUMNS:
            if row[column] and row[column] != first[column]:
                errors.append(
                    RowError(
                        line,
                        column,
                        _("Differs from row %(row)s of the same product_ref (%(value)s).")
                        % {"row": group.first_line, "value": first[column] or _("empty")},
                    )
                )
    spec_names = [first[c] for c in SPEC_NAME_COLUMNS]
    while spec_names and not spec_names[-1]:
        spec_names.pop()
    if "" in spec_names:
        errors.append(RowError(group.first_line, "spec_1_name", _("Fill the spec names in order: 1, 2, 3.")))
    specs = [{"name": name, "values": []} for name in spec_names]
    skus = []
    for line, row in group.rows:
        values = [row[SPEC_VALUE_COLUMNS[i]] for i in range(len(specs))]
        extra = [c for c in SPEC_VALUE_COLUMNS[len(specs) :] if row[c]]
        if extra:
            errors.append(
                RowError(line, extra[0], _("A value without a spec name in the product's first row."))
            )
        for spec, value in zip(specs, values, strict=True):
            if value and value not in spec["values"]:
                spec["values"].append(value)
        if specs and not all(values):
            errors.append(RowError(line, "spec_1_value", _("Give a value for each spec of this product.")))
        active = row["active"].strip().lower()
        if active not in ("", "1", "0", "yes", "no", "true", "false", "是", "否"):
            errors.append(RowError(line, "active", _("Write 1 (sellable) or 0 (disabled).")))
        is_active = active not in ("0", "no", "false", "否")
        skus.append({"spec_values": values, "is_active": is_active, **{c: row[c] for c in SKU_COLUMNS}})
    status = first["status"].lower()
    if status and status not in Product.Status.values:
        errors.append(
            RowError(group.first_line, "status", _("The status is one of: draft, on_sale, off_sale."))
        )
    path = (
        tuple(part.strip() for part in first["category"].split(CATEGORY_SEPARATOR, 1))
        if first["category"]
        else ()
    )
    if any(not part or len(part) > 40 for part in path):
        errors.append(
            RowError(
                group.first_line,
                "category",
                _("Write the category as “Top” or “Top/Sub” (40 characters each)."),
            )
        )
    brand_name = first["brand"]
    if len(brand_name) > 60:
        errors.append(RowError(group.first_line, "brand", _("A brand name has at most 60 characters.")))
    existing = Product.objects.filter(code=group.ref).first()
    fields = {
        "title": first["title"],
        "subtitle": first["subtitle"],
        "tags": first["tags"],
        "specs": specs,
        "skus": skus,
        "code": group.ref,
    }
    try:
        validate_product_input(ProductInput.build(**fields), product_id=existing.pk if existing else None)
    except InvalidInput as error:
        for key, messages in error.errors.items():
            line, column = _error_location(group, key)
            errors.extend(RowError(line, column, message) for message in messages)
    if len(errors) > before:
        return None
    return _Plan(
        group=group,
        existing=existing,
        fields=fields,
        category_path=path,
        brand_name=brand_name,
        status=status,
    )


# --- writing --------------------------------------------------------------------------------------------


def _category_for(path: tuple[str, ...], cache: dict) -> Category | None:
    if not path:
        return None
    if path in cache:
        return cache[path]
    top = Category.objects.filter(parent__isnull=True, name=path[0]).first() or Category.objects.create(
        name=path[0]
    )
    category = top
    if len(path) > 1:
        category = Category.objects.filter(parent=top, name=path[1]).first() or Category.objects.create(
            name=path[1], parent=top
        )
    cache[path] = category
    return category


def _brand_for(name: str, cache: dict) -> Brand | None:
    if not name:
        return None
    if name not in cache:
        cache[name] = Brand.objects.filter(name__iexact=name).first() or Brand.objects.create(name=name)
    return cache[name]


@transaction.atomic
def import_products(*, store, file, filename: str, actor) -> ImportResult:
    """Import a .csv or .xlsx file (an uploaded file, a file-like object or bytes; format from filename).
    Raises ImportRejected (an InvalidInput on "file") with .rows = [RowError, ...]."""
    table = read_table(file, filename)
    if not table or not any(table[0]):
        raise ImportRejected([], message=_("The file has no header row."))
    columns = _header_map(table[0])
    groups: OrderedDict[str, _Group] = OrderedDict()
    errors: list[RowError] = []
    data_rows = 0
    for line, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        data_rows += 1
        if data_rows > MAX_IMPORT_ROWS:
            raise ImportRejected(
                [],
                message=_("At most %(n)s rows per file. Split it into smaller files.")
                % {"n": MAX_IMPORT_ROWS},
            )
        row = {name: (cells[index].strip() if index < len(cells) else "") for name, index in columns.items()}
        unusable = unusable_cells(line, row)
        if unusable:
            errors.extend(unusable)
            continue
        ref = row["product_ref"]
        if not ref:
            errors.append(
                RowError(line, "product_ref", _("Give every row a product_ref (the product code)."))
            )
            continue
        groups.setdefault(ref, _Group(ref=ref)).rows.append((line, row))
    if not data_rows:
        raise ImportRejected([], message=_("The file has a header but no products."))
    plans = [plan for group in groups.values() if (plan := _plan_group(group, errors))]
    if errors:
        errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else -1))
        raise ImportRejected(errors[:MAX_REPORTED_ERRORS])
    new_count = sum(1 for plan in plans if plan.existing is None)
    if new_count:
        quotas.check_limit(store, "products", current=Product.objects.count(), adding=new_count)
    result = ImportResult()
    categories: dict = {}
    brands: dict = {}
    for plan in plans:
        values = {
            **plan.fields,
            "category": _category_for(plan.category_path, categories),
            "brand": _brand_for(plan.brand_name, brands),
            "status": plan.status or None,
        }
        try:
            if plan.existing is None:
                product = products.create_product(
                    store=store,
                    actor=actor,
                    data=ProductInput.build(**values),
                    stock_reason=StockMovement.Reason.IMPORT,
                )
                result.created += 1
            else:
                # The file carries no description, share copy or video: those stay as they are.
                product = products.update_product(
                    product=plan.existing,
                    expected_version=plan.existing.version,
                    actor=actor,
                    data=ProductInput.of_product(plan.existing).with_changes(**values),
                    stock_reason=StockMovement.Reason.IMPORT,
                )
                result.updated += 1
        except InvalidInput as error:
            # The rules were checked above; this catches what only a write can see (e.g. a race).
            rows = []
            for key, messages in error.as_dict().items():
                line, column = _error_location(plan.group, key)
                rows += [RowError(line, column, message) for message in messages]
            raise ImportRejected(rows) from error
        result.skus += len(plan.fields["skus"])
        result.products.append(product)
    activity.record(
        actor=actor,
        action="product.imported",
        target_type="product",
        target_label=filename[:200],
        changes={
            "created": [None, result.created],
            "updated": [None, result.updated],
            "skus": [None, result.skus],
        },
    )
    return result


def import_template_csv() -> bytes:
    """An empty file with the right header and one example row, for merchants starting from scratch."""
    example = {
        "product_ref": "APPLE-01",
        "title": "烟台红富士苹果",
        "category": "水果/苹果",
        "tags": "新鲜, 产地直发",
        "status": "draft",
        "spec_1_name": "规格",
        "spec_1_value": "5斤",
        "price": "39.90",
        "stock": "100",
    }
    return csv_bytes([COLUMNS, [example.get(c, "") for c in COLUMNS]])
