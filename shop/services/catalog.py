"""Catalogue services: products and their SKU matrix, status changes, bulk actions, categories, brands,
shop settings. Each function is one business action in one transaction; bad input raises InvalidInput
with field-level errors and saves nothing.

SKU rows are plain dicts (what a form or serializer parses), keyed:
    spec_values: list[str]  (one value per spec attribute, in spec order; [] for a product without specs)
    price, original_price (optional), cost_price (optional): str | Decimal | int (never float)
    stock: int >= 0, or None / absent. On a new SKU it is the initial stock (None = 0). On an existing SKU
        None means "leave the stock as it is" (sales keep happening while an editor is open); a number
        means the merchant set it, applied through the inventory's adjustment path as a movement:
    stock_seen: int >= 0, optional: the stock the editor / API client loaded. With it, an existing SKU's
        stock moves by (stock - stock_seen) relative to what it is NOW, so a sale made meanwhile is kept;
        without it, `stock` replaces the current value (last write wins: the importer's meaning).
    low_stock_threshold, weight_grams: int >= 0
    barcode: str, is_active: bool (default True)
Field errors are keyed "title", "price"..., "specs", "specs.<i>.name", "specs.<i>.values",
"skus", "skus.<i>.<field>" (i = 0-based row index).
"""

import contextlib
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import quotas
from shop import media
from shop.models import SKU, Brand, Category, Product, ProductImage, ShopSettings, StockMovement
from shop.services import inventory
from tenants.errors import Conflict, InvalidInput, NotFound
from tenants.images import name_for, validate_image_upload
from tenants.inputs import clean_text, parse_id, parse_int
from tenants.money import MoneyError, to_money

MAX_SPECS = 3
MAX_SPEC_VALUES = 30
MAX_SKUS = 600
MAX_TAGS = 10
MAX_PRICE = Decimal("99999999.99")
MAX_STOCK = 10_000_000
SPEC_KEY_SEPARATOR = " / "
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
ICON_MAX_BYTES = 2 * 1024 * 1024
ICON_MAX_SIDE = 2000

DESCRIPTION_TAGS = {
    "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "del", "sub", "sup", "span", "div",
    "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
DESCRIPTION_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
MAX_DESCRIPTION = 50_000


def spec_key_for(spec_values: list[str]) -> str:
    """The unique key of a spec combination within its product ("" for the single SKU)."""
    return SPEC_KEY_SEPARATOR.join(spec_values)


def sanitize_description(html: str) -> str:
    """Rich description HTML with only basic formatting, links and images kept (nh3): scripts, styles,
    event handlers and javascript: URLs are dropped."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=DESCRIPTION_TAGS,
        attributes=DESCRIPTION_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


# --- validation ---------------------------------------------------------------------------------------


class _Errors(dict):
    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise InvalidInput(dict(self))


def _no_control_characters(value: str, key: str, errors: _Errors) -> None:
    # Also checked at the request edge; the importer and tasks call these services too.
    try:
        clean_text(value, field=key)
    except InvalidInput as error:
        errors.add(key, error.message)


def _text(value, key: str, errors: _Errors, *, max_length: int, required=False, label=None) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    _no_control_characters(value, key, errors)
    if required and not value:
        errors.add(key, _("%(label)s is required.") % {"label": label or _("This field")})
    elif len(value) > max_length:
        errors.add(key, _("At most %(n)s characters.") % {"n": max_length})
    return value


def _money(value, key: str, errors: _Errors, *, required: bool, allow_zero=False, label=None):
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(key, _("%(label)s is required.") % {"label": label or _("The price")})
        return None
    try:
        amount = to_money(value)
    except MoneyError:
        errors.add(key, _("Enter an amount such as 12.50."))
        return None
    if amount < 0 or (amount == 0 and not allow_zero):
        errors.add(
            key, _("The amount must be above 0.") if not allow_zero else _("The amount cannot be negative.")
        )
        return None
    if amount > MAX_PRICE:
        errors.add(key, _("The amount is too large."))
        return None
    return amount


def _count(value, key: str, errors: _Errors, *, label: str, default=0, maximum=MAX_STOCK) -> int:
    """A whole number >= 0 (ints, or digit strings from a file)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        errors.add(key, _("%(label)s must be a whole number.") % {"label": label})
        return default
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?[0-9]+(\.0+)?", text):
            value = int(text.split(".")[0])
    elif isinstance(value, float | Decimal) and value == int(value):
        value = int(value)
    if not isinstance(value, int):
        errors.add(key, _("%(label)s must be a whole number.") % {"label": label})
        return default
    if value < 0:
        errors.add(key, _("%(label)s cannot be below 0.") % {"label": label})
        return default
    if value > maximum:
        errors.add(key, _("%(label)s is too large.") % {"label": label})
        return default
    return value


def _tags(value, errors: _Errors) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[,，、;；]", value)
    tags: list[str] = []
    for raw in value or ():
        tag = str(raw).strip()
        if not tag or tag in tags:
            continue
        _no_control_characters(tag, "tags", errors)
        if len(tag) > 30:
            errors.add("tags", _("A tag has at most 30 characters: %(tag)s") % {"tag": tag[:40]})
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        errors.add("tags", _("At most %(n)s tags.") % {"n": MAX_TAGS})
    return tags


def _specs(value, errors: _Errors) -> list[dict]:
    specs: list[dict] = []
    value = list(value or ())
    if len(value) > MAX_SPECS:
        errors.add("specs", _("At most %(n)s spec attributes (such as colour, size).") % {"n": MAX_SPECS})
        return []
    names: set[str] = set()
    for i, spec in enumerate(value):
        spec = spec if isinstance(spec, dict) else {}
        name = _text(
            spec.get("name"), f"specs.{i}.name", errors, max_length=20, required=True, label=_("A spec name")
        )
        if name and name in names:
            errors.add(f"specs.{i}.name", _("Two specs are both called %(name)s.") % {"name": name})
        names.add(name)
        values: list[str] = []
        raw_values = spec.get("values") or []
        if isinstance(raw_values, str):
            raw_values = re.split(r"[,，、]", raw_values)
        for raw in raw_values:
            text = str(raw).strip()
            if not text:
                continue
            _no_control_characters(text, f"specs.{i}.values", errors)
            if text in values:
                errors.add(f"specs.{i}.values", _("The value %(value)s is listed twice.") % {"value": text})
                continue
            if len(text) > 30 or SPEC_KEY_SEPARATOR.strip() in text:
                errors.add(
                    f"specs.{i}.values",
                    _("A spec value has at most 30 characters and no “/”: %(value)s") % {"value": text[:40]},
                )
                continue
            values.append(text)
        if not values:
            errors.add(
                f"specs.{i}.values", _("Give %(name)s at least one value.") % {"name": name or _("the spec")}
            )
        elif len(values) > MAX_SPEC_VALUES:
            errors.add(f"specs.{i}.values", _("At most %(n)s values per spec.") % {"n": MAX_SPEC_VALUES})
        specs.append({"name": name, "values": values})
    return specs


@dataclass
class _SkuRow:
    spec_values: list[str]
    price: Decimal | None
    original_price: Decimal | None
    cost_price: Decimal | None
    stock: int | None
    stock_seen: int | None
    low_stock_threshold: int
    weight_grams: int
    barcode: str
    is_active: bool

    @property
    def spec_key(self) -> str:
        return spec_key_for(self.spec_values)


def _sku_rows(rows, specs: list[dict], errors: _Errors) -> list[_SkuRow]:
    rows = list(rows or ())
    if not rows:
        errors.add("skus", _("Add at least one SKU with a price."))
        return []
    if len(rows) > MAX_SKUS:
        errors.add("skus", _("At most %(n)s SKUs per product.") % {"n": MAX_SKUS})
        return []
    result: list[_SkuRow] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        key = f"skus.{i}"
        values = [str(v).strip() for v in (row.get("spec_values") or [])]
        if specs:
            if len(values) != len(specs):
                errors.add(f"{key}.spec_values", _("Choose one value for each spec."))
            else:
                for spec, value in zip(specs, values, strict=True):
                    if value not in spec["values"]:
                        errors.add(
                            f"{key}.spec_values",
                            _("%(value)s is not a value of %(spec)s.")
                            % {"value": value, "spec": spec["name"]},
                        )
        elif values:
            errors.add(
                f"{key}.spec_values", _("This product has no specs: its single SKU has no spec values.")
            )
        sku_key = spec_key_for(values)
        if sku_key in seen:
            errors.add(
                f"{key}.spec_values",
                _("The combination %(combo)s appears twice.") % {"combo": sku_key or _("(no specs)")},
            )
        seen.setdefault(sku_key, i)
        price = _money(row.get("price"), f"{key}.price", errors, required=True)
        original = _money(row.get("original_price"), f"{key}.original_price", errors, required=False)
        if original is not None and price is not None and original < price:
            errors.add(f"{key}.original_price", _("The original price cannot be below the price."))
        cost = _money(row.get("cost_price"), f"{key}.cost_price", errors, required=False, allow_zero=True)
        result.append(
            _SkuRow(
                spec_values=values,
                price=price,
                original_price=original,
                cost_price=cost,
                stock=_count(row.get("stock"), f"{key}.stock", errors, label=_("Stock"), default=None),
                stock_seen=_count(
                    row.get("stock_seen"),
                    f"{key}.stock_seen",
                    errors,
                    label=_("The stock you loaded"),
                    default=None,
                ),
                low_stock_threshold=_count(
                    row.get("low_stock_threshold"),
                    f"{key}.low_stock_threshold",
                    errors,
                    label=_("The threshold"),
                ),
                weight_grams=_count(
                    row.get("weight_grams"), f"{key}.weight_grams", errors, label=_("Weight")
                ),
                barcode=_text(row.get("barcode"), f"{key}.barcode", errors, max_length=64),
                is_active=bool(row.get("is_active", True)),
            )
        )
    if specs and not any(k.startswith("specs") for k in errors):
        expected = {spec_key_for(list(combo)) for combo in itertools.product(*(s["values"] for s in specs))}
        if len(expected) > MAX_SKUS:
            errors.add("specs", _("These specs make more than %(n)s combinations.") % {"n": MAX_SKUS})
        missing = sorted(expected - set(seen))
        if missing:
            errors.add(
                "skus",
                _("Give a price for every combination; missing: %(combos)s")
                % {"combos": "、".join(missing[:10]) + ("…" if len(missing) > 10 else "")},
            )
    elif not specs and len(rows) > 1 and not any(k.endswith("spec_values") for k in errors):
        errors.add("skus", _("A product without specs has exactly one SKU."))
    return result


def _resolve(model, value, key: str, errors: _Errors, message: str):
    if value in (None, "", 0):
        return None
    if isinstance(value, model):
        return value
    try:
        return model.objects.get(pk=parse_id(value, field=key))
    except (model.DoesNotExist, InvalidInput):
        errors.add(key, message)
        return None


@dataclass
class _ProductData:
    title: str
    subtitle: str
    share_copy: str
    description: str
    category: Category | None
    brand: Brand | None
    tags: list[str]
    specs: list[dict]
    skus: list[_SkuRow] = field(default_factory=list)
    video_url: str = ""
    code: str = ""


def validate_product_input(*, product_id=None, **data) -> _ProductData:
    """Check a product's fields and SKU matrix without saving anything (the editor's rules, also used by
    the importer to report every bad row before writing). Raises InvalidInput with all field errors."""
    errors = _Errors()
    title = _text(data["title"], "title", errors, max_length=120, required=True, label=_("A title"))
    subtitle = _text(data["subtitle"], "subtitle", errors, max_length=200)
    share_copy = _text(data["share_copy"], "share_copy", errors, max_length=500)
    description = data["description"] or ""
    _no_control_characters(description, "description", errors)
    if len(description) > MAX_DESCRIPTION:
        errors.add("description", _("The description is too long."))
    description = sanitize_description(description)
    category = _resolve(Category, data["category"], "category", errors, _("Choose an existing category."))
    brand = _resolve(Brand, data["brand"], "brand", errors, _("Choose an existing brand."))
    tags = _tags(data["tags"], errors)
    specs = _specs(data["specs"], errors)
    skus = _sku_rows(data["skus"], specs, errors)
    video_url = _text(data["video_url"], "video_url", errors, max_length=200)
    if video_url:
        try:
            URLValidator(schemes=["http", "https"])(video_url)
        except ValidationError:
            errors.add("video_url", _("Enter a web address starting with http:// or https://."))
    code = _text(data["code"], "code", errors, max_length=40)
    if code:
        if not CODE_RE.match(code):
            errors.add("code", _("A product code uses letters, digits, “.”, “_” and “-”."))
        elif Product.objects.filter(code=code).exclude(pk=product_id).exists():
            errors.add("code", _("Another product already has the code %(code)s.") % {"code": code})
    errors.raise_if_any()
    return _ProductData(
        title=title,
        subtitle=subtitle,
        share_copy=share_copy,
        description=description,
        category=category,
        brand=brand,
        tags=tags,
        specs=specs,
        skus=skus,
        video_url=video_url,
        code=code,
    )


# --- product writes -----------------------------------------------------------------------------------


def search_document_for(product: Product) -> str:
    parts = [product.title, product.subtitle, product.brand.name if product.brand_id else "", *product.tags]
    return " ".join(p for p in parts if p).lower()


def refresh_denormalised(product: Product) -> None:
    """Recompute min/max price, in_stock and the search document of a locked product."""
    inventory.recompute_in_stock([product.pk])
    prices = [
        price
        for price, active in SKU.objects.filter(product=product).values_list("price", "is_active")
        if active
    ] or list(SKU.objects.filter(product=product).values_list("price", flat=True))
    product.min_price = min(prices) if prices else 0
    product.max_price = max(prices) if prices else 0
    product.in_stock = Product.objects.filter(pk=product.pk).values_list("in_stock", flat=True).get()
    product.search_document = search_document_for(product)
    Product.objects.filter(pk=product.pk).update(
        min_price=product.min_price, max_price=product.max_price, search_document=product.search_document
    )


EDITOR_FIELDS = (
    "title",
    "subtitle",
    "share_copy",
    "description",
    "category",
    "brand",
    "tags",
    "specs",
    "video_url",
    "code",
    "search_document",
)


def _apply_fields(product: Product, data: _ProductData) -> None:
    product.title = data.title
    product.subtitle = data.subtitle
    product.share_copy = data.share_copy
    product.description = data.description
    product.category = data.category
    product.brand = data.brand
    product.tags = data.tags
    product.specs = data.specs
    product.video_url = data.video_url
    if data.code:
        product.code = data.code
    product.search_document = search_document_for(product)


def _sku_fields(row: _SkuRow) -> dict:
    return {
        "spec_values": row.spec_values,
        "spec_key": row.spec_key,
        "price": row.price,
        "original_price": row.original_price,
        "cost_price": row.cost_price,
        "low_stock_threshold": row.low_stock_threshold,
        "weight_grams": row.weight_grams,
        "barcode": row.barcode,
        "is_active": row.is_active,
    }


def _create_skus(
    product: Product, rows: list[_SkuRow], *, actor, reason=StockMovement.Reason.INITIAL
) -> None:
    """New SKUs are invisible to everyone else until commit, so their stock is written directly, each
    with its "initial" (or "import") movement."""
    skus = SKU.objects.bulk_create(
        [SKU(product=product, stock=row.stock or 0, **_sku_fields(row)) for row in rows]
    )
    now = timezone.now()
    StockMovement.objects.bulk_create(
        [
            StockMovement(
                sku=sku, change=sku.stock, stock_after=sku.stock, reason=reason, actor=actor, created_at=now
            )
            for sku in skus
            if sku.stock
        ]
    )


def _check_sellable(product_title: str, rows_active: bool, errors: _Errors, key="skus") -> None:
    if not rows_active:
        errors.add(
            key, _("%(title)s needs at least one active SKU to be on sale.") % {"title": product_title}
        )


@transaction.atomic
def create_product(
    *,
    store,
    actor=None,
    title: str,
    subtitle: str = "",
    share_copy: str = "",
    description: str = "",
    category: Category | int | None = None,
    brand: Brand | int | None = None,
    tags: list[str] | tuple = (),
    specs: list[dict] | tuple = (),
    skus: list[dict],
    status: str = Product.Status.DRAFT,
    video_url: str = "",
    code: str = "",
    stock_reason: str = StockMovement.Reason.INITIAL,
) -> Product:
    """Create a product with its SKUs (each SKU's stock is logged as an "initial" movement).
    Checks the plan's product quota. status may be draft / on_sale / off_sale."""
    if status not in Product.Status.values:
        raise InvalidInput({"status": [_("Choose a status.")]})
    data = validate_product_input(
        title=title,
        subtitle=subtitle,
        share_copy=share_copy,
        description=description,
        category=category,
        brand=brand,
        tags=tags,
        specs=specs,
        skus=skus,
        video_url=video_url,
        code=code,
    )
    if status == Product.Status.ON_SALE:
        errors = _Errors()
        _check_sellable(data.title, any(r.is_active for r in data.skus), errors)
        errors.raise_if_any()
    quotas.check_limit(store, "products", current=Product.objects.count())
    product = Product(status=status)
    _apply_fields(product, data)
    if status == Product.Status.ON_SALE:
        product.published_at = timezone.now()
    product.save()
    if not product.code:
        product.code = f"P{product.pk:06d}"
        Product.objects.filter(pk=product.pk).update(code=product.code)
    _create_skus(product, data.skus, actor=actor, reason=stock_reason)
    refresh_denormalised(product)
    return product


def _stock_changes(rows: list[_SkuRow], existing: dict[str, SKU]) -> dict[str, dict]:
    """{spec_key: adjust_stock arguments} for the existing SKUs whose stock the merchant changed.
    A row without `stock` leaves the stock alone; with `stock_seen`, the change is relative to the stock
    now (kept sales stay sold); without, `stock` is the new value. Refuses (InvalidInput on
    "skus.<i>.stock") a change that would take the stock below zero, before anything is written."""
    errors = _Errors()
    changes: dict[str, dict] = {}
    for index, row in enumerate(rows):
        sku = existing.get(row.spec_key)
        if sku is None or row.stock is None:
            continue
        if row.stock_seen is None:
            if row.stock != sku.stock:
                changes[row.spec_key] = {"new_stock": row.stock}
            continue
        delta = row.stock - row.stock_seen
        if delta == 0:
            continue
        if sku.stock + delta < 0:
            errors.add(
                f"skus.{index}.stock",
                _(
                    "Only %(stock)s left now (orders came in after you loaded it): the stock cannot go "
                    "down by %(n)s."
                )
                % {"stock": sku.stock, "n": -delta},
            )
        elif sku.stock + delta > MAX_STOCK:
            errors.add(f"skus.{index}.stock", _("%(label)s is too large.") % {"label": _("Stock")})
        else:
            changes[row.spec_key] = {"delta": delta}
    errors.raise_if_any()
    return changes


def _lock_product(product: Product | int) -> Product:
    """Lock the product's SKUs (ascending) and then the product: the inventory's lock order."""
    pk = getattr(product, "pk", product)
    list(SKU.objects.filter(product_id=pk).order_by("pk").select_for_update().values_list("pk", flat=True))
    locked = Product.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound(_("This product no longer exists."))
    return locked


@transaction.atomic
def update_product(
    *,
    store,
    product: Product | int,
    expected_version: int,
    actor=None,
    title: str,
    subtitle: str = "",
    share_copy: str = "",
    description: str = "",
    category: Category | int | None = None,
    brand: Brand | int | None = None,
    tags: list[str] | tuple = (),
    specs: list[dict] | tuple = (),
    skus: list[dict],
    video_url: str = "",
    code: str = "",
    status: str | None = None,
    stock_reason: str = StockMovement.Reason.ADJUSTMENT,
) -> Product:
    """Replace the product's fields and SKU matrix (the editor sends everything). Raises Conflict when
    `expected_version` is not the row's current version (someone else saved in between). SKUs whose
    spec_key still exists keep their id and history; their stock changes only when the row carries a
    `stock` (relative to `stock_seen` when given, see the module docstring), through the inventory
    adjustment path ("adjustment" movement); new SKUs get an "initial" movement; SKUs no longer in the
    matrix are deleted. `status` (None = unchanged) moves the product as set_product_status does, when it
    differs from the current one (so an automatic off-sale survives an edit that leaves the status)."""
    if status is not None and status not in Product.Status.values:
        raise InvalidInput({"status": [_("Choose a status.")]})
    locked = _lock_product(product)
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = None
    if expected != locked.version:
        raise Conflict(
            _(
                "Someone else saved this product while you were editing it. Reload it to see their "
                "changes, then make yours again."
            ),
            code="stale_version",
        )
    data = validate_product_input(
        product_id=locked.pk,
        title=title,
        subtitle=subtitle,
        share_copy=share_copy,
        description=description,
        category=category,
        brand=brand,
        tags=tags,
        specs=specs,
        skus=skus,
        video_url=video_url,
        code=code,
    )
    if (status or locked.status) == Product.Status.ON_SALE:
        errors = _Errors()
        _check_sellable(data.title, any(r.is_active for r in data.skus), errors)
        errors.raise_if_any()
    # The SKU rows are locked (_lock_product): their stock is exactly what it is now.
    existing = {sku.spec_key: sku for sku in SKU.objects.filter(product=locked)}
    stock_changes = _stock_changes(data.skus, existing)
    wanted = {row.spec_key: row for row in data.skus}
    SKU.objects.filter(pk__in=[sku.pk for key, sku in existing.items() if key not in wanted]).delete()
    new_rows = []
    for key, row in wanted.items():
        sku = existing.get(key)
        if sku is None:
            new_rows.append(row)
            continue
        for name, value in _sku_fields(row).items():
            setattr(sku, name, value)
        if sku.low_stock_alerted and sku.stock > sku.low_stock_threshold:
            sku.low_stock_alerted = False  # the new threshold is no longer crossed
        sku.save(update_fields=[*_sku_fields(row).keys(), "low_stock_alerted"])
        if key in stock_changes:
            inventory.adjust_stock(
                sku=sku.pk,
                **stock_changes[key],
                reason=stock_reason,
                note=_("changed in the product editor"),
                actor=actor,
            )
    reason = (
        StockMovement.Reason.IMPORT
        if stock_reason == StockMovement.Reason.IMPORT
        else StockMovement.Reason.INITIAL
    )
    _create_skus(locked, new_rows, actor=actor, reason=reason)
    _apply_fields(locked, data)
    locked.version += 1
    saved_fields = [*EDITOR_FIELDS, "version", "updated_at"]
    if status is not None and status != locked.status:
        _apply_status(locked, status)
        saved_fields += ["status", "off_sale_by_stock", "published_at"]
    # Only what the editor owns: a stock change above may have moved in_stock or the status (sold out,
    # automatic off-sale), and this in-memory copy must not write the old values back.
    locked.save(update_fields=saved_fields)
    refresh_denormalised(locked)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def save_product(
    *,
    store,
    product: Product | int | None = None,
    expected_version: int | None = None,
    actor=None,
    title: str,
    subtitle: str = "",
    share_copy: str = "",
    description: str = "",
    category: Category | int | None = None,
    brand: Brand | int | None = None,
    tags: list[str] | tuple = (),
    specs: list[dict] | tuple = (),
    skus: list[dict],
    video_url: str = "",
    code: str = "",
    status: str | None = None,
    new_images: list | tuple = (),
    video_file=None,
    clear_video: bool = False,
) -> Product:
    """One save of the product editor or the API, all or nothing: create (product=None; status None =
    draft) or update (needs `expected_version`; status None = unchanged) the fields and SKU matrix, then
    add `new_images` to the gallery and upload `video_file` (or `clear_video`). Any refusal — a field, a
    stale version, a bad picture or video — rolls everything back."""
    fields = {
        "store": store,
        "actor": actor,
        "title": title,
        "subtitle": subtitle,
        "share_copy": share_copy,
        "description": description,
        "category": category,
        "brand": brand,
        "tags": tags,
        "specs": specs,
        "skus": skus,
        "video_url": video_url,
        "code": code,
    }
    if product is None:
        saved = create_product(**fields, status=status or Product.Status.DRAFT)
    else:
        saved = update_product(**fields, product=product, expected_version=expected_version, status=status)
    if new_images:
        media.add_product_images(product=saved, files=list(new_images))
    if clear_video:
        saved = media.set_product_video(product=saved, clear=True)
    elif video_file:
        saved = media.set_product_video(product=saved, file=video_file)
    return saved


def _apply_status(product: Product, status: str) -> None:
    """Set a locked product's status by the merchant's rules (not saved): on sale needs an active SKU
    and records the first publication; any merchant decision clears off_sale_by_stock, so a restock
    never undoes it."""
    if status not in Product.Status.values:
        raise InvalidInput({"status": [_("Choose a status.")]})
    if (
        status == Product.Status.ON_SALE
        and not SKU.objects.filter(product_id=product.pk, is_active=True).exists()
    ):
        raise InvalidInput(
            {"status": [_("Add at least one active SKU before putting this product on sale.")]}
        )
    product.status = status
    product.off_sale_by_stock = False
    if status == Product.Status.ON_SALE and product.published_at is None:
        product.published_at = timezone.now()


@transaction.atomic
def set_product_status(*, product: Product | int, status: str, actor=None) -> Product:
    """The merchant moves one product to draft, on sale (needs an active SKU) or off sale."""
    product = media.get_product(product)
    _apply_status(product, status)
    product.save(update_fields=["status", "off_sale_by_stock", "published_at", "updated_at"])
    return product


def put_on_sale(*, product: Product | int, actor=None) -> Product:
    """Requires at least one active SKU. Clears off_sale_by_stock."""
    return set_product_status(product=product, status=Product.Status.ON_SALE, actor=actor)


def take_off_sale(*, product: Product | int, actor=None) -> Product:
    return set_product_status(product=product, status=Product.Status.OFF_SALE, actor=actor)


def _ids(product_ids) -> list[int]:
    try:
        ids = sorted({parse_id(pk, field="products") for pk in product_ids or ()})
    except InvalidInput:
        raise InvalidInput({"products": [_("Choose products from the list.")]}) from None
    if not ids:
        raise InvalidInput({"products": [_("Select at least one product.")]})
    return ids


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def remove():
        for name in names:
            with contextlib.suppress(OSError):
                default_storage.delete(name)

    transaction.on_commit(remove)


def _delete(ids: list[int]) -> int:
    # SKUs first (ascending), then products (ascending): the inventory's lock order.
    list(
        SKU.objects.filter(product_id__in=ids).order_by("pk").select_for_update().values_list("pk", flat=True)
    )
    products = list(Product.objects.filter(pk__in=ids).order_by("pk").select_for_update())
    files = []
    for image in ProductImage.objects.filter(product_id__in=ids):
        files += [name for name in (image.image.name, image.thumbnail.name) if name]
    files += [p.video_file.name for p in products if p.video_file]
    Product.objects.filter(pk__in=[p.pk for p in products]).update(main_image=None)
    Product.objects.filter(pk__in=[p.pk for p in products]).delete()
    _delete_files(files)
    return len(products)


@transaction.atomic
def delete_product(*, product: Product | int, actor=None) -> None:
    if not _delete([getattr(product, "pk", product)]):
        raise NotFound(_("This product no longer exists."))


@transaction.atomic
def bulk_set_status(*, product_ids: list[int], status: str, actor=None) -> int:
    """Put on sale / take off sale / back to draft several products at once; all or nothing. Returns the
    number changed. Putting on sale refuses (InvalidInput naming the titles) products without an active
    SKU."""
    if status not in Product.Status.values:
        raise InvalidInput({"status": [_("Choose a status.")]})
    ids = _ids(product_ids)
    products = list(Product.objects.filter(pk__in=ids).order_by("pk").select_for_update())
    if status == Product.Status.ON_SALE:
        sellable = set(
            SKU.objects.filter(product_id__in=ids, is_active=True).values_list("product_id", flat=True)
        )
        unsellable = [p.title for p in products if p.pk not in sellable]
        if unsellable:
            raise InvalidInput(
                {
                    "products": [
                        _("These products have no active SKU and cannot go on sale: %(titles)s")
                        % {"titles": "、".join(unsellable)}
                    ]
                }
            )
    now = timezone.now()
    for product in products:
        product.status = status
        product.off_sale_by_stock = False
        if status == Product.Status.ON_SALE and product.published_at is None:
            product.published_at = now
    Product.objects.bulk_update(products, ["status", "off_sale_by_stock", "published_at"])
    return len(products)


@transaction.atomic
def bulk_move_category(*, product_ids: list[int], category: Category | int | None, actor=None) -> int:
    ids = _ids(product_ids)
    errors = _Errors()
    category = _resolve(Category, category, "category", errors, _("Choose an existing category."))
    errors.raise_if_any()
    list(Product.objects.filter(pk__in=ids).order_by("pk").select_for_update().values_list("pk", flat=True))
    return Product.objects.filter(pk__in=ids).update(category=category, updated_at=timezone.now())


@transaction.atomic
def bulk_delete(*, product_ids: list[int], actor=None) -> int:
    return _delete(_ids(product_ids))


# --- categories -------------------------------------------------------------------------------------


def _store_picture(instance, field_name: str, file, *, errors_key: str) -> None:
    info = validate_image_upload(file, max_bytes=ICON_MAX_BYTES, max_side=ICON_MAX_SIDE, field=errors_key)
    getattr(instance, field_name).save(name_for(getattr(file, "name", ""), info), file, save=False)


def _category_fields(*, category_id, name, parent, icon, sort_order) -> tuple[str, Category | None, str, int]:
    errors = _Errors()
    name = _text(name, "name", errors, max_length=40, required=True, label=_("A name"))
    icon = _text(icon, "icon", errors, max_length=16)
    parent = _resolve(Category, parent, "parent", errors, _("Choose an existing top category."))
    if parent is not None:
        if parent.pk == category_id:
            errors.add("parent", _("A category cannot be inside itself."))
        elif parent.parent_id is not None:
            errors.add("parent", _("Categories have two levels: a sub-category cannot have sub-categories."))
        elif category_id and Category.objects.filter(parent_id=category_id).exists():
            errors.add("parent", _("This category has sub-categories, so it must stay a top category."))
    try:
        sort_order = parse_int(sort_order, field="sort_order", default=0)
    except InvalidInput as error:
        errors.add("sort_order", error.message)
        sort_order = 0
    if name and "name" not in errors:
        clash = Category.objects.filter(name=name, parent=parent).exclude(pk=category_id)
        if clash.exists():
            errors.add("name", _("There is already a category called %(name)s here.") % {"name": name})
    errors.raise_if_any()
    return name, parent, icon, sort_order


@transaction.atomic
def create_category(
    *,
    name: str,
    parent: Category | int | None = None,
    icon: str = "",
    image=None,
    sort_order: int = 0,
    is_visible: bool = True,
) -> Category:
    """Two levels only: `parent` must be a top category."""
    name, parent, icon, sort_order = _category_fields(
        category_id=None, name=name, parent=parent, icon=icon, sort_order=sort_order
    )
    category = Category(
        name=name, parent=parent, icon=icon, sort_order=sort_order, is_visible=bool(is_visible)
    )
    if image:
        _store_picture(category, "image", image, errors_key="image")
    category.save()
    return category


@transaction.atomic
def update_category(
    *,
    category: Category | int,
    name: str,
    parent: Category | int | None = None,
    icon: str = "",
    image=None,
    clear_image: bool = False,
    sort_order: int = 0,
    is_visible: bool = True,
) -> Category:
    """A category with children cannot become a child; a category cannot be its own parent."""
    pk = getattr(category, "pk", category)
    category = Category.objects.select_for_update().filter(pk=pk).first()
    if category is None:
        raise NotFound(_("This category no longer exists."))
    name, parent, icon, sort_order = _category_fields(
        category_id=category.pk, name=name, parent=parent, icon=icon, sort_order=sort_order
    )
    old_image = category.image.name if category.image else ""
    category.name, category.parent, category.icon = name, parent, icon
    category.sort_order, category.is_visible = sort_order, bool(is_visible)
    if image:
        _store_picture(category, "image", image, errors_key="image")
    elif clear_image:
        category.image = ""
    category.save()
    if old_image and old_image != (category.image.name if category.image else ""):
        _delete_files([old_image])
    return category


@transaction.atomic
def delete_category(*, category: Category | int) -> None:
    """Refused (Conflict, with a clear message) while it has sub-categories or products."""
    pk = getattr(category, "pk", category)
    category = Category.objects.select_for_update().filter(pk=pk).first()
    if category is None:
        raise NotFound(_("This category no longer exists."))
    children = Category.objects.filter(parent=category).count()
    if children:
        raise Conflict(
            _("%(name)s still has %(n)s sub-categories. Move or delete them first.")
            % {"name": category.name, "n": children},
            code="category_has_children",
        )
    products = Product.objects.filter(category=category).count()
    if products:
        raise Conflict(
            _("%(name)s still holds %(n)s products. Move them to another category first.")
            % {"name": category.name, "n": products},
            code="category_has_products",
        )
    image = category.image.name if category.image else ""
    category.delete()
    if image:
        _delete_files([image])


@transaction.atomic
def reorder_categories(*, ordered_ids: list[int]) -> None:
    """Set sort_order from the given order (ids of siblings)."""
    try:
        ids = [int(pk) for pk in ordered_ids]
    except (TypeError, ValueError):
        raise InvalidInput({"order": [_("Unknown category.")]}) from None
    categories = {c.pk: c for c in Category.objects.filter(pk__in=ids).select_for_update()}
    for position, pk in enumerate(ids):
        if pk in categories:
            categories[pk].sort_order = position * 10
    Category.objects.bulk_update(categories.values(), ["sort_order"])


@transaction.atomic
def move_category(*, category: Category, direction: str) -> None:
    """Swap a category with its previous ("up") or next ("down") sibling; at either end nothing moves."""
    if direction not in ("up", "down"):
        raise InvalidInput({"direction": [_("Move a category up or down.")]})
    siblings = list(
        Category.objects.select_for_update()
        .filter(parent_id=category.parent_id)
        .order_by("sort_order", "id")
        .values_list("pk", flat=True)
    )
    at = siblings.index(category.pk)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(siblings):
        siblings[at], siblings[to] = siblings[to], siblings[at]
        reorder_categories(ordered_ids=siblings)


# --- brands -----------------------------------------------------------------------------------------


def _brand_fields(*, brand_id, name, sort_order) -> tuple[str, int]:
    errors = _Errors()
    name = _text(name, "name", errors, max_length=60, required=True, label=_("A name"))
    if name and Brand.objects.filter(name__iexact=name).exclude(pk=brand_id).exists():
        errors.add("name", _("There is already a brand called %(name)s.") % {"name": name})
    try:
        sort_order = parse_int(sort_order, field="sort_order", default=0)
    except InvalidInput as error:
        errors.add("sort_order", error.message)
        sort_order = 0
    errors.raise_if_any()
    return name, sort_order


def _refresh_search_documents(queryset) -> None:
    products = list(queryset.select_related("brand"))
    for product in products:
        product.search_document = search_document_for(product)
    Product.objects.bulk_update(products, ["search_document"])


@transaction.atomic
def create_brand(*, name: str, logo=None, sort_order: int = 0) -> Brand:
    name, sort_order = _brand_fields(brand_id=None, name=name, sort_order=sort_order)
    brand = Brand(name=name, sort_order=sort_order)
    if logo:
        _store_picture(brand, "logo", logo, errors_key="logo")
    brand.save()
    return brand


@transaction.atomic
def update_brand(
    *, brand: Brand | int, name: str, logo=None, clear_logo: bool = False, sort_order: int = 0
) -> Brand:
    pk = getattr(brand, "pk", brand)
    brand = Brand.objects.select_for_update().filter(pk=pk).first()
    if brand is None:
        raise NotFound(_("This brand no longer exists."))
    name, sort_order = _brand_fields(brand_id=brand.pk, name=name, sort_order=sort_order)
    renamed = name != brand.name
    old_logo = brand.logo.name if brand.logo else ""
    brand.name, brand.sort_order = name, sort_order
    if logo:
        _store_picture(brand, "logo", logo, errors_key="logo")
    elif clear_logo:
        brand.logo = ""
    brand.save()
    if old_logo and old_logo != (brand.logo.name if brand.logo else ""):
        _delete_files([old_logo])
    if renamed:
        _refresh_search_documents(Product.objects.filter(brand=brand))
    return brand


@transaction.atomic
def delete_brand(*, brand: Brand | int) -> None:
    """Products of the brand keep existing, without a brand."""
    pk = getattr(brand, "pk", brand)
    brand = Brand.objects.select_for_update().filter(pk=pk).first()
    if brand is None:
        raise NotFound(_("This brand no longer exists."))
    product_ids = list(Product.objects.filter(brand=brand).values_list("pk", flat=True))
    logo = brand.logo.name if brand.logo else ""
    brand.delete()
    _refresh_search_documents(Product.objects.filter(pk__in=product_ids))
    if logo:
        _delete_files([logo])


# --- settings ---------------------------------------------------------------------------------------


@transaction.atomic
def update_shop_settings(*, auto_off_sale_when_sold_out: bool, low_stock_email: bool) -> ShopSettings:
    settings = ShopSettings.objects.select_for_update().filter(pk=1).first() or ShopSettings.load()
    was_auto = settings.auto_off_sale_when_sold_out
    settings.auto_off_sale_when_sold_out = bool(auto_off_sale_when_sold_out)
    settings.low_stock_email = bool(low_stock_email)
    settings.save()
    if settings.auto_off_sale_when_sold_out and not was_auto:
        # Turning it on applies to what is already sold out.
        Product.objects.filter(status=Product.Status.ON_SALE, in_stock=False).update(
            status=Product.Status.OFF_SALE, off_sale_by_stock=True
        )
    elif was_auto and not settings.auto_off_sale_when_sold_out:
        # Turning it off brings back what the setting took off sale (shown as sold out from now on).
        Product.objects.filter(status=Product.Status.OFF_SALE, off_sale_by_stock=True).update(
            status=Product.Status.ON_SALE, off_sale_by_stock=False
        )
    return settings
