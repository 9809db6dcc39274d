"""What a product write takes: ONE frozen input type, `ProductInput` with its `SpecInput`s and
`SkuInput`s, which the console's editor, the API's serializer and the importer all build, and the rules
that check it (`validate_product_input`) before anything is written.

SKU inputs:
    spec_values: one value per spec attribute, in spec order; () for a product without specs
    price, original_price (optional), cost_price (optional): str | Decimal | int (never float)
    stock: int >= 0, or None. On a new SKU it is the initial stock (None = 0). On an existing SKU None
        means "leave the stock as it is" (sales keep happening while an editor is open); a number means
        the merchant set it, applied through the inventory's adjustment path as a movement:
    stock_seen: int >= 0, optional: the stock the editor / API client loaded. With it, an existing SKU's
        stock moves by (stock - stock_seen) relative to what it is NOW, so a sale made meanwhile is kept;
        without, `stock` replaces the current value (last write wins: the importer's meaning).
    low_stock_threshold, weight_grams: int >= 0
    barcode: str, is_active: bool
Field errors are keyed "title", "price"..., "specs", "specs.<i>.name", "specs.<i>.values",
"skus", "skus.<i>.<field>" (i = 0-based row index).
"""

import dataclasses
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from shop.models import SKU, Brand, Category, Product
from shop.services import fields
from shop.services.fields import FieldErrors

MAX_SPECS = 3
MAX_SPEC_VALUES = 30
MAX_SKUS = 600
MAX_TAGS = 10
MAX_STOCK = fields.MAX_COUNT
SPEC_KEY_SEPARATOR = " / "
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_TAG_SEPARATORS = re.compile(r"[,，、;；]")
_VALUE_SEPARATORS = re.compile(r"[,，、]")

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


def spec_key_for(spec_values) -> str:
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


# --- the input types ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpecInput:
    name: str = ""
    values: tuple[str, ...] = ()

    @classmethod
    def build(cls, value) -> "SpecInput":
        if isinstance(value, SpecInput):
            return value
        value = value if isinstance(value, Mapping) else {}
        raw = value.get("values") or ()
        if isinstance(raw, str):
            raw = _VALUE_SEPARATORS.split(raw)
        return cls(name=value.get("name") or "", values=tuple(str(v) for v in raw))


@dataclass(frozen=True)
class SkuInput:
    spec_values: tuple[str, ...] = ()
    price: str | Decimal | int | None = None
    original_price: str | Decimal | int | None = None
    cost_price: str | Decimal | int | None = None
    stock: int | str | None = None
    stock_seen: int | str | None = None
    low_stock_threshold: int | str = 0
    weight_grams: int | str = 0
    barcode: str = ""
    is_active: bool = True

    @classmethod
    def build(cls, value) -> "SkuInput":
        if isinstance(value, SkuInput):
            return value
        value = value if isinstance(value, Mapping) else {}
        known = {f.name for f in dataclasses.fields(cls)}
        data = {key: item for key, item in value.items() if key in known and item is not None}
        data["spec_values"] = tuple(str(v).strip() for v in (value.get("spec_values") or ()))
        for key in ("stock", "stock_seen"):
            data[key] = value.get(key)
        data["is_active"] = bool(value.get("is_active", True))
        return cls(**data)

    @classmethod
    def of_sku(cls, sku: SKU) -> "SkuInput":
        """The SKU as it is, without its stock (a write built from it leaves the stock alone)."""
        return cls(
            spec_values=tuple(sku.spec_values or ()),
            price=sku.price,
            original_price=sku.original_price,
            cost_price=sku.cost_price,
            low_stock_threshold=sku.low_stock_threshold,
            weight_grams=sku.weight_grams,
            barcode=sku.barcode,
            is_active=sku.is_active,
        )


@dataclass(frozen=True)
class ProductInput:
    """A product's own fields and its SKU matrix, as every face hands them to the services.
    `status` None means "draft" on create and "unchanged" on update."""

    title: str = ""
    code: str = ""
    subtitle: str = ""
    share_copy: str = ""
    description: str = ""
    category: int | Category | None = None
    brand: int | Brand | None = None
    tags: tuple[str, ...] = ()
    specs: tuple[SpecInput, ...] = ()
    skus: tuple[SkuInput, ...] = ()
    video_url: str = ""
    status: str | None = None

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def build(cls, **values) -> "ProductInput":
        """From plain values (a serializer's validated data, a form's cleaned data, an imported row):
        specs and SKUs as dicts, tags as a list or comma-separated text. Unknown keys are refused."""
        unknown = set(values) - set(cls.field_names())
        if unknown:
            raise TypeError(f"ProductInput has no field {', '.join(sorted(unknown))}")
        data = {key: value for key, value in values.items() if value is not None or key == "status"}
        for key in ("title", "code", "subtitle", "share_copy", "description", "video_url"):
            if key in data and not isinstance(data[key], str):
                data[key] = str(data[key])
        if "tags" in data:
            tags = data["tags"]
            data["tags"] = tuple(_TAG_SEPARATORS.split(tags) if isinstance(tags, str) else tags or ())
        if "specs" in data:
            data["specs"] = tuple(SpecInput.build(spec) for spec in data["specs"] or ())
        if "skus" in data:
            data["skus"] = tuple(SkuInput.build(sku) for sku in data["skus"] or ())
        return cls(**data)

    @classmethod
    def of_product(cls, product: Product) -> "ProductInput":
        """The product as it is (its SKUs without stock): what a partial update starts from."""
        return cls(
            title=product.title,
            code=product.code,
            subtitle=product.subtitle,
            share_copy=product.share_copy,
            description=product.description,
            category=product.category_id,
            brand=product.brand_id,
            tags=tuple(product.tags),
            specs=tuple(SpecInput.build(spec) for spec in product.specs or ()),
            skus=tuple(SkuInput.of_sku(sku) for sku in product.skus.all()),
            video_url=product.video_url,
        )

    def with_changes(self, **values) -> "ProductInput":
        """This input with the given fields replaced (a PATCH over `of_product`)."""
        built = ProductInput.build(**values)
        return dataclasses.replace(self, **{key: getattr(built, key) for key in values})


# --- validation -----------------------------------------------------------------------------------------


def _tags(value, errors: FieldErrors) -> list[str]:
    tags: list[str] = []
    for raw in value or ():
        tag = str(raw).strip()
        if not tag or tag in tags:
            continue
        fields.no_control_characters(tag, "tags", errors)
        if len(tag) > 30:
            errors.add("tags", _("A tag has at most 30 characters: %(tag)s") % {"tag": tag[:40]})
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        errors.add("tags", _("At most %(n)s tags.") % {"n": MAX_TAGS})
    return tags


def _specs(value: tuple[SpecInput, ...], errors: FieldErrors) -> list[dict]:
    specs: list[dict] = []
    if len(value) > MAX_SPECS:
        errors.add("specs", _("At most %(n)s spec attributes (such as colour, size).") % {"n": MAX_SPECS})
        return []
    names: set[str] = set()
    for i, spec in enumerate(value):
        name = fields.text(
            spec.name, f"specs.{i}.name", errors, max_length=20, required=True, label=_("A spec name")
        )
        if name and name in names:
            errors.add(f"specs.{i}.name", _("Two specs are both called %(name)s.") % {"name": name})
        names.add(name)
        values: list[str] = []
        for raw in spec.values:
            typed = str(raw).strip()
            if not typed:
                continue
            fields.no_control_characters(typed, f"specs.{i}.values", errors)
            if typed in values:
                errors.add(f"specs.{i}.values", _("The value %(value)s is listed twice.") % {"value": typed})
                continue
            if len(typed) > 30 or SPEC_KEY_SEPARATOR.strip() in typed:
                errors.add(
                    f"specs.{i}.values",
                    _("A spec value has at most 30 characters and no “/”: %(value)s") % {"value": typed[:40]},
                )
                continue
            values.append(typed)
        if not values:
            errors.add(
                f"specs.{i}.values", _("Give %(name)s at least one value.") % {"name": name or _("the spec")}
            )
        elif len(values) > MAX_SPEC_VALUES:
            errors.add(f"specs.{i}.values", _("At most %(n)s values per spec.") % {"n": MAX_SPEC_VALUES})
        specs.append({"name": name, "values": values})
    return specs


@dataclass
class ValidSku:
    """A checked SKU row, values typed."""

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

    def model_fields(self) -> dict:
        """What a SKU row stores of it (everything but the stock, which only inventory writes)."""
        return {
            "spec_values": self.spec_values,
            "spec_key": self.spec_key,
            "price": self.price,
            "original_price": self.original_price,
            "cost_price": self.cost_price,
            "low_stock_threshold": self.low_stock_threshold,
            "weight_grams": self.weight_grams,
            "barcode": self.barcode,
            "is_active": self.is_active,
        }


def _sku_rows(rows: tuple[SkuInput, ...], specs: list[dict], errors: FieldErrors) -> list[ValidSku]:
    if not rows:
        errors.add("skus", _("Add at least one SKU with a price."))
        return []
    if len(rows) > MAX_SKUS:
        errors.add("skus", _("At most %(n)s SKUs per product.") % {"n": MAX_SKUS})
        return []
    result: list[ValidSku] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        key = f"skus.{i}"
        values = [str(v).strip() for v in row.spec_values]
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
        price = fields.money(row.price, f"{key}.price", errors, required=True)
        original = fields.money(row.original_price, f"{key}.original_price", errors, required=False)
        if original is not None and price is not None and original < price:
            errors.add(f"{key}.original_price", _("The original price cannot be below the price."))
        cost = fields.money(row.cost_price, f"{key}.cost_price", errors, required=False, allow_zero=True)
        result.append(
            ValidSku(
                spec_values=values,
                price=price,
                original_price=original,
                cost_price=cost,
                stock=fields.count(row.stock, f"{key}.stock", errors, label=_("Stock"), default=None),
                stock_seen=fields.count(
                    row.stock_seen,
                    f"{key}.stock_seen",
                    errors,
                    label=_("The stock you loaded"),
                    default=None,
                ),
                low_stock_threshold=fields.count(
                    row.low_stock_threshold,
                    f"{key}.low_stock_threshold",
                    errors,
                    label=_("The threshold"),
                ),
                weight_grams=fields.count(row.weight_grams, f"{key}.weight_grams", errors, label=_("Weight")),
                barcode=fields.text(row.barcode, f"{key}.barcode", errors, max_length=64),
                is_active=bool(row.is_active),
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


@dataclass
class ValidProduct:
    """A checked ProductInput: clean values, resolved category and brand."""

    title: str
    subtitle: str
    share_copy: str
    description: str
    category: Category | None
    brand: Brand | None
    tags: list[str]
    specs: list[dict]
    skus: list[ValidSku]
    video_url: str
    code: str
    status: str | None

    # The product fields a write sets from it (model_update's field list).
    PRODUCT_FIELDS = (
        "title",
        "subtitle",
        "share_copy",
        "description",
        "category",
        "brand",
        "tags",
        "specs",
        "video_url",
    )

    def product_values(self) -> dict:
        return {name: getattr(self, name) for name in self.PRODUCT_FIELDS}


def validate_product_input(data: ProductInput, *, product_id: int | None = None) -> ValidProduct:
    """Check a product's fields and SKU matrix without saving anything (the editor's rules, also used by
    the importer to report every bad row before writing). Raises InvalidInput with all field errors."""
    errors = FieldErrors()
    title = fields.text(data.title, "title", errors, max_length=120, required=True, label=_("A title"))
    subtitle = fields.text(data.subtitle, "subtitle", errors, max_length=200)
    share_copy = fields.text(data.share_copy, "share_copy", errors, max_length=500)
    description = data.description or ""
    fields.no_control_characters(description, "description", errors)
    if len(description) > MAX_DESCRIPTION:
        errors.add("description", _("The description is too long."))
    description = sanitize_description(description)
    category = fields.existing(Category, data.category, "category", errors, _("Choose an existing category."))
    brand = fields.existing(Brand, data.brand, "brand", errors, _("Choose an existing brand."))
    tags = _tags(data.tags, errors)
    specs = _specs(data.specs, errors)
    skus = _sku_rows(data.skus, specs, errors)
    video_url = fields.text(data.video_url, "video_url", errors, max_length=200)
    if video_url:
        try:
            URLValidator(schemes=["http", "https"])(video_url)
        except ValidationError:
            errors.add("video_url", _("Enter a web address starting with http:// or https://."))
    code = fields.text(data.code, "code", errors, max_length=40)
    if code:
        if not CODE_RE.match(code):
            errors.add("code", _("A product code uses letters, digits, “.”, “_” and “-”."))
        elif Product.objects.filter(code=code).exclude(pk=product_id).exists():
            errors.add("code", _("Another product already has the code %(code)s.") % {"code": code})
    if data.status is not None and data.status not in Product.Status.values:
        errors.add("status", _("Choose a status."))
    errors.raise_if_any()
    return ValidProduct(
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
        status=data.status,
    )
