"""Forms of the console's order pages: shipping an order, cancelling one, the bulk-ship upload, deciding
an after-sales request, and the shipping rules with their per-province rows.

They only carry what the browser sent to the shop services, which hold the rules (a known carrier, a
tracking number of its format, a reason, fees within bounds, a province listed once) and whose field
errors are put back here — a region row's `region_fees.2.fee` on the fee cell of the third row."""

import re
from dataclasses import dataclass, field

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from frontend.forms import apply_domain_error
from shop.models import ShopSettings
from shop.regions import province_choices
from shop.services.orders import MAX_REASON
from shop.services.shipping_rules import RegionFeeInput, ShippingRulesInput
from shop.tracking.carriers import carrier_choices
from tenants.errors import DomainError, InvalidInput

# Typed amounts and counts are read by the services; this only bounds what a field may carry.
_NUMBER_TEXT = 40


class ShipOrderForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), required=False, max_length=40)
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The names in the active language; the service reads the code (or a name typed by the API).
        self.fields["carrier"].widget = forms.Select(
            choices=[("", _("Choose a carrier")), *carrier_choices()]
        )


class CancelOrderForm(forms.Form):
    reason = forms.CharField(
        label=_("Why cancel?"),
        required=False,
        max_length=MAX_REASON,
        help_text=_("The buyer sees it with the cancelled order."),
    )


class BulkShipForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class RejectAfterSaleForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reject?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The buyer sees it with the request."),
    )


class ReceiveReturnForm(forms.Form):
    restock = forms.BooleanField(
        label=_("The returned units can be sold again: put them back in stock"), required=False
    )


# --- shipping rules ------------------------------------------------------------------------------------


def _settings_field(name: str, **kwargs) -> forms.CharField:
    """A text field labelled and explained as the ShopSettings column it sets."""
    column = ShopSettings._meta.get_field(name)
    return forms.CharField(
        label=capfirst(column.verbose_name), help_text=column.help_text, max_length=_NUMBER_TEXT, **kwargs
    )


class ShippingRulesForm(forms.Form):
    shipping_flat_fee = forms.CharField(
        label=_("Shipping fee per order"), required=False, max_length=_NUMBER_TEXT
    )
    free_shipping_over = _settings_field("free_shipping_over", required=False)
    # Required here: the service would read an empty count as its minimum.
    unpaid_timeout_minutes = _settings_field("unpaid_timeout_minutes")
    auto_complete_days = _settings_field("auto_complete_days")
    after_sale_days = _settings_field("after_sale_days")


REGION_PREFIX = "region"
# region-<n>-province_code, region-<n>-fee, region-<n>-free_over_applies: <n> orders the rows, gaps and
# all (rows are added and removed in the browser); more digits than that is not a row of the page.
_REGION_FIELD = re.compile(rf"^{REGION_PREFIX}-(\d{{1,4}})-province_code$")


@dataclass
class RegionRow:
    """One per-province row as typed, with the service's messages for its cells."""

    province_code: str = ""
    fee: str = ""
    free_over_applies: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_blank(self) -> bool:
        return not self.province_code and not self.fee


class ShippingRulesEditor:
    """The shipping rules page: the form's fields and the per-province rows, parsed from one POST (or
    built from the saved rules), and the service's field errors mapped back onto each input."""

    def __init__(self, form: ShippingRulesForm, rows: list[RegionRow]):
        self.form = form
        self.rows = rows

    @classmethod
    def from_settings(cls, settings, regions) -> "ShippingRulesEditor":
        form = ShippingRulesForm(
            initial={
                "shipping_flat_fee": settings.shipping_flat_fee,
                "free_shipping_over": settings.free_shipping_over or "",
                "unpaid_timeout_minutes": settings.unpaid_timeout_minutes,
                "auto_complete_days": settings.auto_complete_days,
                "after_sale_days": settings.after_sale_days,
            }
        )
        rows = [
            RegionRow(province_code=r.province_code, fee=str(r.fee), free_over_applies=r.free_over_applies)
            for r in regions
        ]
        return cls(form, rows)

    @classmethod
    def from_post(cls, data) -> "ShippingRulesEditor":
        # A row added and left empty is no row: it is dropped, and the rows left are numbered again in
        # the order they came, which is the order of the service's `region_fees.<n>` keys.
        return cls(ShippingRulesForm(data), [row for row in region_rows(data) if not row.is_blank])

    def is_valid(self) -> bool:
        return self.form.is_valid()

    def to_input(self) -> ShippingRulesInput:
        data = self.form.cleaned_data
        return ShippingRulesInput(
            shipping_flat_fee=data["shipping_flat_fee"],
            free_shipping_over=data["free_shipping_over"] or None,
            region_fees=tuple(
                RegionFeeInput(
                    province_code=row.province_code, fee=row.fee, free_over_applies=row.free_over_applies
                )
                for row in self.rows
            ),
            unpaid_timeout_minutes=data["unpaid_timeout_minutes"],
            auto_complete_days=data["auto_complete_days"],
            after_sale_days=data["after_sale_days"],
        )

    def apply(self, error: DomainError) -> None:
        """`region_fees.<n>.<cell>` on the cell of row n; everything else on the form."""
        others = {}
        for key, messages in error.as_dict().items():
            messages = messages if isinstance(messages, list) else [messages]
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "region_fees" and parts[1].isdigit():
                index = int(parts[1])
                if index < len(self.rows):
                    self.rows[index].errors.setdefault(parts[2], []).extend(messages)
                    continue
            others[key] = messages
        if others:
            apply_domain_error(self.form, InvalidInput(others))


def region_rows(data) -> list[RegionRow]:
    """The per-province rows a POST (or the add-a-row request) carries, in the order of their numbers."""
    numbers = sorted({int(m.group(1)) for name in data if (m := _REGION_FIELD.match(name))})
    return [
        RegionRow(
            province_code=str(data.get(f"{REGION_PREFIX}-{n}-province_code", "")).strip()[:_NUMBER_TEXT],
            fee=str(data.get(f"{REGION_PREFIX}-{n}-fee", "")).strip()[:_NUMBER_TEXT],
            free_over_applies=bool(data.get(f"{REGION_PREFIX}-{n}-free_over_applies")),
        )
        for n in numbers
    ]


def next_region_number(data) -> int:
    """The number of a row added after the ones the page has."""
    return max((int(m.group(1)) for name in data if (m := _REGION_FIELD.match(name))), default=-1) + 1


def region_row_choices() -> list[tuple[str, str]]:
    return [("", _("Choose a province")), *province_choices()]
