"""Forms of the console's catalogue pages (products, spec matrix, categories, brands, stock, import).

They only parse what the browser sent into the shapes the shop services take. The rules (a title is
required, prices are positive, spec combinations are unique, two category levels, ...) live in the
services, whose field errors are put back on these forms (`apply_domain_error`, `ProductEditor.apply`).
"""

import itertools
import json
import re
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from frontend.fields import IntegerField
from frontend.forms import apply_domain_error
from shop.models import Brand, Category, Product, ShopSettings, StockMovement
from shop.services.brands import BrandInput
from shop.services.categories import CategoryInput
from shop.services.product_bulk import BULK_ACTIONS
from shop.services.product_input import ProductInput
from tenants.errors import DomainError, InvalidInput
from tenants.inputs import id_or_none, parse_int

MAX_SPEC_SLOTS = 3
SKU_MONEY_FIELDS = ("price", "original_price", "cost_price")
SKU_INT_FIELDS = ("stock", "low_stock_threshold", "weight_grams")
SKU_FIELDS = (*SKU_MONEY_FIELDS, *SKU_INT_FIELDS, "barcode")
# A hidden input per row: the stock the page was loaded with. An untouched stock cell sends no stock (the
# sales made while the editor was open are kept); a changed one moves the stock by the difference.
STOCK_SEEN = "stock_seen"
# Values of a spec may be typed separated by ASCII or Chinese commas, 、 or new lines.
_VALUE_SEPARATORS = re.compile(r"[,，、;；\n]+")
_TAG_SEPARATORS = re.compile(r"[,，、\n]+")


def split_list(text: str, pattern=_VALUE_SEPARATORS) -> list[str]:
    return [part.strip() for part in pattern.split(text or "") if part.strip()]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True, "accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(one, initial) for one in files]


class ProductForm(forms.Form):
    """The product's own fields. Spec slots and SKU rows are parsed by `ProductEditor`."""

    title = forms.CharField(label=_("Title"), required=False, max_length=120)
    code = forms.CharField(
        label=_("Product code"),
        required=False,
        max_length=40,
        help_text=_("Your own code (商家编码), used by import and export. Left empty, one is assigned."),
    )
    subtitle = forms.CharField(label=_("Subtitle"), required=False, max_length=200)
    share_copy = forms.CharField(
        label=_("Selling points / share copy"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The line a distributor copies into a chat."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Basic HTML (paragraphs, bold, lists, links, images) is kept; anything else is removed."),
    )
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    brand = forms.TypedChoiceField(label=_("Brand"), required=False, coerce=int, empty_value=None)
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas, e.g. organic, gift box.")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Product.Status.choices, initial=Product.Status.DRAFT
    )
    video_url = forms.CharField(
        label=_("Video URL"), required=False, widget=forms.URLInput(attrs={"placeholder": "https://"})
    )
    video_file = forms.FileField(
        label=_("Or upload a video"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "video/mp4,video/webm"}),
        help_text=_("MP4 or WebM, at most 50 MB."),
    )
    clear_video = forms.BooleanField(label=_("Remove the video"), required=False)
    images = MultipleFileField(
        label=_("Add images"), required=False, help_text=_("PNG, JPEG, WebP or GIF; several at once.")
    )
    version = IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, category_choices=(), brands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", gettext("— none —")), *category_choices]
        self.fields["brand"].choices = [("", gettext("— none —")), *[(b.pk, b.name) for b in brands]]

    @classmethod
    def initial_for(cls, product: Product) -> dict:
        return {
            "title": product.title,
            "code": product.code,
            "subtitle": product.subtitle,
            "share_copy": product.share_copy,
            "description": product.description,
            "category": product.category_id,
            "brand": product.brand_id,
            "tags": ", ".join(product.tags),
            "status": product.status,
            "video_url": product.video_url,
            "version": product.version,
        }


# --- spec attributes and the SKU matrix ----------------------------------------------------------------


@dataclass
class SpecSlot:
    """One of the (up to three) spec attribute inputs: a name and its values as typed."""

    index: int
    name: str = ""
    values_text: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def values(self) -> list[str]:
        return split_list(self.values_text)

    @property
    def is_blank(self) -> bool:
        return not self.name.strip() and not self.values


@dataclass
class SkuRow:
    """One row of the matrix: a spec combination and its values exactly as typed."""

    spec_values: list[str]
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    row_errors: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return json.dumps(self.spec_values, ensure_ascii=False)

    @property
    def label(self) -> str:
        return " / ".join(self.spec_values)

    def cells(self):
        """(field, value, errors) in column order, for the template."""
        return [(name, self.values.get(name, ""), self.errors.get(name, [])) for name in SKU_FIELDS]


def _inherit(combination: list[str], previous: list[SkuRow]) -> SkuRow | None:
    """The earlier row whose values a new combination should keep: the same combination, else the row
    of a spec that was just extended (["红"] → ["红", "S"]), else one that was narrowed."""
    wanted = set(combination)
    exact = [row for row in previous if row.spec_values == combination]
    if exact:
        return exact[0]
    wider = [row for row in previous if set(row.spec_values) <= wanted]
    if wider:
        return max(wider, key=lambda row: len(row.spec_values))
    narrower = [row for row in previous if wanted <= set(row.spec_values)]
    return narrower[0] if narrower else None


class ProductEditor:
    """The whole editor: product fields, spec slots and the SKU matrix, parsed from one POST (or built
    from a saved product), and the service's field errors mapped back onto each input."""

    def __init__(self, form: ProductForm, slots: list[SpecSlot], rows: list[SkuRow]):
        self.form = form
        self.slots = slots
        self.rows = rows
        self.spec_errors: list[str] = []
        self.matrix_errors: list[str] = []
        self.conflict: str = ""

    # building -----------------------------------------------------------------------------------------

    @classmethod
    def blank(cls, form: ProductForm) -> "ProductEditor":
        slots = [SpecSlot(index=i) for i in range(MAX_SPEC_SLOTS)]
        return cls(form, slots, [SkuRow(spec_values=[], values={"stock": "0"})])

    @classmethod
    def from_product(cls, form: ProductForm, product: Product) -> "ProductEditor":
        slots = [SpecSlot(index=i) for i in range(MAX_SPEC_SLOTS)]
        for i, spec in enumerate((product.specs or [])[:MAX_SPEC_SLOTS]):
            slots[i].name = spec.get("name", "")
            slots[i].values_text = ", ".join(spec.get("values", []))
        rows = []
        for sku in product.skus.all():
            values = {
                "price": _plain(sku.price),
                "original_price": _plain(sku.original_price),
                "cost_price": _plain(sku.cost_price),
                "stock": str(sku.stock),
                STOCK_SEEN: str(sku.stock),
                "low_stock_threshold": str(sku.low_stock_threshold),
                "weight_grams": str(sku.weight_grams),
                "barcode": sku.barcode,
            }
            rows.append(SkuRow(spec_values=list(sku.spec_values or []), values=values))
        editor = cls(form, slots, rows)
        editor.rows = editor.matrix(previous=rows)
        return editor

    @classmethod
    def from_post(cls, form: ProductForm, data) -> "ProductEditor":
        slots = [
            SpecSlot(
                index=i,
                name=data.get(f"spec-{i}-name", "").strip(),
                values_text=data.get(f"spec-{i}-values", ""),
            )
            for i in range(MAX_SPEC_SLOTS)
        ]
        posted = []
        for n in range(_int(data.get("sku-count"), 0)):
            try:
                spec_values = json.loads(data.get(f"sku-{n}-spec", "[]"))
            except ValueError:
                continue
            if not isinstance(spec_values, list):
                continue
            values = {name: data.get(f"sku-{n}-{name}", "").strip() for name in (*SKU_FIELDS, STOCK_SEEN)}
            posted.append(SkuRow(spec_values=[str(v) for v in spec_values], values=values))
        editor = cls(form, slots, posted)
        # The rows always follow the specs as they are now, keeping what was typed for each combination.
        editor.rows = editor.matrix(previous=posted)
        return editor

    def used_slots(self) -> list[SpecSlot]:
        return [slot for slot in self.slots if not slot.is_blank]

    def matrix(self, *, previous: list[SkuRow]) -> list[SkuRow]:
        value_lists = [slot.values for slot in self.used_slots()]
        if any(not values for values in value_lists):
            value_lists = [values for values in value_lists if values]
        combinations = [list(c) for c in itertools.product(*value_lists)] if value_lists else [[]]
        rows = []
        for combination in combinations:
            source = _inherit(combination, previous)
            values = dict(source.values) if source else {}
            if source is not None and source.spec_values != combination:
                values.pop(STOCK_SEEN, None)  # another combination's loaded stock is no baseline here
            rows.append(SkuRow(spec_values=combination, values=values))
        return rows

    # what the services take --------------------------------------------------------------------------

    def specs(self) -> list[dict]:
        return [{"name": slot.name, "values": slot.values} for slot in self.used_slots()]

    def product_input(self, skus: list[dict]) -> ProductInput:
        """What the service takes: the form's fields, the specs and the parsed SKU rows."""
        data = self.form.cleaned_data
        return ProductInput.build(
            title=data["title"],
            code=data["code"],
            subtitle=data["subtitle"],
            share_copy=data["share_copy"],
            description=data["description"],
            category=data["category"],
            brand=data["brand"],
            tags=split_list(data["tags"], _TAG_SEPARATORS),
            specs=self.specs(),
            skus=skus,
            video_url=data["video_url"].strip(),
            status=data["status"],
        )

    def skus(self) -> list[dict] | None:
        """SKU dicts for the service, or None when a number cell is not a number (errors set)."""
        skus, ok = [], True
        for row in self.rows:
            sku = {"spec_values": row.spec_values, "barcode": row.values.get("barcode", "")}
            for name in SKU_MONEY_FIELDS:
                raw = row.values.get(name, "")
                sku[name] = raw if raw or name == "price" else None
            for name in SKU_INT_FIELDS:
                raw = row.values.get(name, "")
                if raw == "":
                    sku[name] = 0
                    continue
                try:
                    sku[name] = parse_int(raw, field=name)
                except InvalidInput as error:
                    row.errors.setdefault(name, []).append(error.message)
                    ok = False
            seen = _int_or_none(row.values.get(STOCK_SEEN, ""))
            if seen is not None and "stock" in sku:
                if sku["stock"] == seen:
                    sku["stock"] = None  # untouched: leave the stock as it is now
                else:
                    sku[STOCK_SEEN] = seen
            skus.append(sku)
        return skus if ok else None

    # errors -------------------------------------------------------------------------------------------

    def apply(self, error: DomainError) -> None:
        """Put a service's errors next to the inputs they are about."""
        used = self.used_slots()
        form_errors = {}
        for key, messages in error.as_dict().items():
            messages = messages if isinstance(messages, list) else [messages]
            parts = key.split(".")
            if parts[0] == "specs" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(used):
                used[int(parts[1])].errors.extend(messages)
            elif parts[0] == "specs":
                self.spec_errors.extend(messages)
            elif (
                parts[0] == "skus"
                and len(parts) == 3
                and parts[1].isdigit()
                and int(parts[1]) < len(self.rows)
            ):
                row = self.rows[int(parts[1])]
                if parts[2] in SKU_FIELDS:
                    row.errors.setdefault(parts[2], []).extend(messages)
                else:
                    row.row_errors.extend(messages)
            elif parts[0] == "skus":
                self.matrix_errors.extend(messages)
            else:
                form_errors[key] = messages
        if form_errors:
            apply_domain_error(self.form, _Errors(form_errors))

    @property
    def has_errors(self) -> bool:
        return bool(
            self.form.errors
            or self.spec_errors
            or self.matrix_errors
            or any(slot.errors for slot in self.slots)
            or any(row.errors or row.row_errors for row in self.rows)
        )

    def sku_columns(self):
        return [
            ("price", gettext("Price")),
            ("original_price", gettext("Original price")),
            ("cost_price", gettext("Cost price")),
            ("stock", gettext("Stock")),
            ("low_stock_threshold", gettext("Low-stock alert at")),
            ("weight_grams", gettext("Weight (g)")),
            ("barcode", gettext("Barcode")),
        ]


class _Errors(DomainError):
    def __init__(self, errors: dict):
        super().__init__("")
        self.errors = errors

    def as_dict(self) -> dict:
        return self.errors


def _plain(amount) -> str:
    return "" if amount is None else f"{amount}"


def _int_or_none(value) -> int | None:
    try:
        return parse_int(value, field=STOCK_SEEN, minimum=0, default=None)
    except InvalidInput:
        return None


def _int(value, default: int) -> int:
    try:
        return parse_int(value, field="sku-count", minimum=0, maximum=1000)
    except InvalidInput:
        return default


# --- bulk actions, categories, brands, stock, import, settings -----------------------------------------


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(label=_("With the selected"), choices=list(BULK_ACTIONS.items()))
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, category_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", gettext("— no category —")), *category_choices]
        # Any whole number is accepted here; the service only ever touches this store's rows.
        self.fields["ids"].choices = [(v, v) for v in self.data.getlist("ids") if id_or_none(v) is not None]

    def clean_ids(self):
        ids = self.cleaned_data["ids"]
        if not ids:
            raise forms.ValidationError(gettext("Select at least one product."))
        return ids


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=40)
    parent = forms.TypedChoiceField(label=_("Parent category"), required=False, coerce=int, empty_value=None)
    icon = forms.CharField(
        label=_("Icon"),
        required=False,
        max_length=16,
        help_text=_(
            "A character or two, such as 果 or 茶 (emoji show as empty boxes on some phones). "
            "With neither this nor a picture, a standard icon is shown."
        ),
    )
    image = forms.FileField(
        label=_("Icon image"), required=False, widget=forms.FileInput(attrs={"accept": "image/*"})
    )
    clear_image = forms.BooleanField(label=_("Remove the icon image"), required=False)
    sort_order = IntegerField(label=_("Order"), required=False, initial=0)
    is_visible = forms.BooleanField(label=_("Visible in the store"), required=False, initial=True)

    def __init__(self, *args, top_categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [
            ("", gettext("— top category —")),
            *[(c.pk, c.name) for c in top_categories],
        ]

    @classmethod
    def initial_for(cls, category: Category) -> dict:
        return {
            "name": category.name,
            "parent": category.parent_id,
            "icon": category.icon,
            "sort_order": category.sort_order,
            "is_visible": category.is_visible,
        }

    def to_input(self) -> CategoryInput:
        data = self.cleaned_data
        return CategoryInput(
            name=data["name"],
            parent=data["parent"],
            icon=data["icon"],
            image=data["image"] or None,
            clear_image=data["clear_image"],
            sort_order=data["sort_order"] or 0,
            is_visible=data["is_visible"],
        )


class BrandForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=60)
    logo = forms.FileField(
        label=_("Logo"), required=False, widget=forms.FileInput(attrs={"accept": "image/*"})
    )
    clear_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    sort_order = IntegerField(label=_("Order"), required=False, initial=0)

    @classmethod
    def initial_for(cls, brand: Brand) -> dict:
        return {"name": brand.name, "sort_order": brand.sort_order}

    def to_input(self) -> BrandInput:
        data = self.cleaned_data
        return BrandInput(
            name=data["name"],
            logo=data["logo"] or None,
            clear_logo=data["clear_logo"],
            sort_order=data["sort_order"] or 0,
        )


class StockAdjustForm(forms.Form):
    MODES = [("set", _("Set stock to")), ("change", _("Change by (+/−)"))]
    mode = forms.ChoiceField(label=_("Adjustment"), choices=MODES, initial="set")
    amount = IntegerField(label=_("Quantity"))
    note = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def service_fields(self) -> dict:
        data = self.cleaned_data
        key = "new_stock" if data["mode"] == "set" else "delta"
        return {key: data["amount"], "note": data["note"], "reason": StockMovement.Reason.ADJUSTMENT}

    def apply(self, error: DomainError) -> None:
        errors = {("amount" if k in ("new_stock", "delta") else k): v for k, v in error.as_dict().items()}
        apply_domain_error(self, _Errors(errors))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ShopSettingsForm(forms.Form):
    auto_off_sale_when_sold_out = forms.BooleanField(
        label=ShopSettings._meta.get_field("auto_off_sale_when_sold_out").verbose_name,
        help_text=ShopSettings._meta.get_field("auto_off_sale_when_sold_out").help_text,
        required=False,
    )
    low_stock_email = forms.BooleanField(
        label=ShopSettings._meta.get_field("low_stock_email").verbose_name,
        required=False,
        help_text=_("A console notice is always shown; this also sends an email to the store's owner."),
    )
