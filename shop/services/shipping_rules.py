"""The merchant's shipping and order rules: the flat fee, free shipping from an amount, a fee of its own
for some provinces, how long an unpaid order waits, when a shipped one completes by itself, and how long
after completion after-sales stay open. One input for the console page and the API."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from shop.models import RegionShippingFee, ShopSettings
from shop.regions import province
from shop.services import fields
from shop.services.fields import FieldErrors
from tenants import activity
from tenants.money import to_money
from tenants.updates import model_update

FEE_MAX = "9999.99"


@dataclass(frozen=True)
class RegionFeeInput:
    province_code: str
    fee: object
    free_over_applies: bool = False


@dataclass(frozen=True)
class ShippingRulesInput:
    shipping_flat_fee: object = "0"
    free_shipping_over: object = None
    region_fees: tuple[RegionFeeInput, ...] = ()
    unpaid_timeout_minutes: object = 30
    auto_complete_days: object = 10
    after_sale_days: object = 15


def _fee(value, key: str, errors: FieldErrors):
    amount = fields.money(value, key, errors, required=True, allow_zero=True, label=_("The fee"))
    if amount is not None and amount > to_money(FEE_MAX):
        errors.add(key, _("A shipping fee is at most %(max)s.") % {"max": FEE_MAX})
    return amount


def _bounded(value, key: str, errors: FieldErrors, *, label: str, minimum: int, maximum: int) -> int:
    number = fields.count(value, key, errors, label=label, default=minimum, maximum=maximum)
    if number < minimum:
        errors.add(key, _("%(label)s is at least %(n)s.") % {"label": label, "n": minimum})
    return number


@transaction.atomic
def update_shipping_rules(*, actor, data: ShippingRulesInput) -> ShopSettings:
    errors = FieldErrors()
    values = {
        "shipping_flat_fee": _fee(data.shipping_flat_fee, "shipping_flat_fee", errors),
        "free_shipping_over": fields.money(
            data.free_shipping_over, "free_shipping_over", errors, required=False, label=_("The amount")
        ),
        "unpaid_timeout_minutes": _bounded(
            data.unpaid_timeout_minutes,
            "unpaid_timeout_minutes",
            errors,
            label=_("The time to pay"),
            minimum=5,
            maximum=7 * 24 * 60,
        ),
        "auto_complete_days": _bounded(
            data.auto_complete_days,
            "auto_complete_days",
            errors,
            label=_("The days to confirm receipt"),
            minimum=1,
            maximum=60,
        ),
        "after_sale_days": _bounded(
            data.after_sale_days,
            "after_sale_days",
            errors,
            label=_("The after-sales window"),
            minimum=0,
            maximum=365,
        ),
    }
    regions: dict[str, RegionFeeInput] = {}
    for index, region in enumerate(data.region_fees):
        code = str(region.province_code or "").strip()
        if province(code) is None:
            errors.add(f"region_fees.{index}.province_code", _("Choose a province or region from the list."))
            continue
        if code in regions:
            errors.add(f"region_fees.{index}.province_code", _("This province is listed twice."))
            continue
        regions[code] = RegionFeeInput(
            province_code=code,
            fee=_fee(region.fee, f"region_fees.{index}.fee", errors),
            free_over_applies=bool(region.free_over_applies),
        )
    errors.raise_if_any()
    settings = ShopSettings.objects.select_for_update().filter(pk=1).first() or ShopSettings.load()
    changes = model_update(instance=settings, fields=list(values), data=values)
    before = {r.province_code: (str(r.fee), r.free_over_applies) for r in RegionShippingFee.objects.all()}
    after = {code: (str(r.fee), r.free_over_applies) for code, r in regions.items()}
    if before != after:
        RegionShippingFee.objects.exclude(province_code__in=list(regions)).delete()
        for code, region in regions.items():
            RegionShippingFee.objects.update_or_create(
                province_code=code,
                defaults={"fee": region.fee, "free_over_applies": region.free_over_applies},
            )
        changes["region_fees"] = [before, after]
    if changes:
        activity.record(
            actor=actor,
            action="shipping_rules.updated",
            target_type="shop_settings",
            target_id="1",
            changes=changes,
        )
    return settings
