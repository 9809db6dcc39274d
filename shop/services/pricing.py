"""The one pricing service: what a set of lines costs — items, discounts, shipping, payable — and what is
paid for each line. The cart page, the checkout page, placing the order and the API all ask it, so a
buyer is charged exactly what they were shown.

Discounts come from the marketing rules (none yet: the list of discount providers is empty until
coupons and full-reduction land); whatever they add up to is allocated across the lines in proportion
to each line's amount by largest remainder (tenants.money.allocate), so the lines' paid amounts sum
exactly to what the order's items cost after discounts. Shipping is never part of a line."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from shop.models import SKU, RegionShippingFee, ShopSettings
from tenants.errors import ErrorCode
from tenants.money import ZERO, allocate, to_money

MAX_QUANTITY = 999


@dataclass(frozen=True)
class Discount:
    """An order-level discount line the checkout shows ("满200减50": -50.00)."""

    label: str
    amount: Decimal


# Marketing rules register here: callables (buyer, lines) -> list[Discount]. None yet.
DISCOUNT_PROVIDERS: list = []


@dataclass
class PricedLine:
    """A line as it costs now. `problem` says why it cannot be bought as asked ("" when it can)."""

    sku: SKU
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    discount_share: Decimal = ZERO
    problem: str = ""
    problem_code: ErrorCode | None = None

    @property
    def paid_amount(self) -> Decimal:
        return self.line_total - self.discount_share

    @property
    def available(self) -> bool:
        return not self.problem


@dataclass
class Quote:
    lines: list[PricedLine]
    items_total: Decimal
    discounts: list[Discount] = field(default_factory=list)
    discount_total: Decimal = ZERO
    shipping_fee: Decimal = ZERO
    free_shipping_over: Decimal | None = None

    @property
    def after_discounts(self) -> Decimal:
        """What the items cost once discounted: the cart's total, before shipping."""
        return self.items_total - self.discount_total

    @property
    def payable(self) -> Decimal:
        return self.after_discounts + self.shipping_fee

    @property
    def problems(self) -> list[PricedLine]:
        return [line for line in self.lines if line.problem]


def line_refusal(sku: SKU, quantity: int) -> tuple[str, ErrorCode | None]:
    """Why this SKU cannot be bought in this quantity now, and its code (("", None) when it can): the
    product is no longer on sale or the SKU is switched off (NOT_FOR_SALE), it is sold out or fewer are
    left than asked for (OUT_OF_STOCK)."""
    if sku.product.status != sku.product.Status.ON_SALE or sku.product.archived_at or sku.retired_at:
        return _("No longer on sale"), ErrorCode.NOT_FOR_SALE
    if not sku.is_active:
        return _("This option is no longer available"), ErrorCode.NOT_FOR_SALE
    if sku.stock <= 0:
        return _("Sold out"), ErrorCode.OUT_OF_STOCK
    if quantity > sku.stock:
        return _("Only %(n)s left") % {"n": sku.stock}, ErrorCode.OUT_OF_STOCK
    return "", None


def price_line(sku: SKU, quantity: int) -> PricedLine:
    unit = to_money(sku.price)
    problem, code = line_refusal(sku, quantity)
    return PricedLine(
        sku=sku,
        quantity=quantity,
        unit_price=unit,
        line_total=unit * quantity,
        problem=problem,
        problem_code=code,
    )


def shipping_fee(*, province_code: str | None, amount_after_discounts: Decimal, settings=None) -> Decimal:
    """The store's fee for one order to this province: the province's own fee when the merchant set one,
    else the flat fee; free from the "free shipping" amount (for a province with its own fee only when
    the merchant said so). Without an address yet (the cart) the flat rule is shown."""
    settings = settings or ShopSettings.load()
    fee, free_applies = to_money(settings.shipping_flat_fee), True
    if province_code:
        regional = RegionShippingFee.objects.filter(province_code=province_code).first()
        if regional is not None:
            fee, free_applies = to_money(regional.fee), regional.free_over_applies
    free_over = settings.free_shipping_over
    if free_applies and free_over is not None and amount_after_discounts >= free_over:
        return ZERO
    return fee


def quote(*, lines: list[tuple[SKU, int]], province_code: str | None = None, buyer=None) -> Quote:
    """Price `lines` ([(sku, quantity)], each SKU with its product loaded) for `buyer`. Lines that cannot
    be bought are priced but flagged and left out of the totals."""
    priced = [price_line(sku, quantity) for sku, quantity in lines]
    buyable = [line for line in priced if line.available]
    items_total = sum((line.line_total for line in buyable), ZERO)
    discounts = [d for provider in DISCOUNT_PROVIDERS for d in provider(buyer, buyable)]
    # Discounts never take the items below zero, whatever the rules add up to.
    discount_total = min(sum((d.amount for d in discounts), ZERO), items_total)
    for line, share in zip(
        buyable, allocate(discount_total, [line.line_total for line in buyable]), strict=True
    ):
        line.discount_share = share
    settings = ShopSettings.load()
    fee = (
        shipping_fee(
            province_code=province_code,
            amount_after_discounts=items_total - discount_total,
            settings=settings,
        )
        if buyable
        else ZERO
    )
    return Quote(
        lines=priced,
        items_total=items_total,
        discounts=discounts,
        discount_total=discount_total,
        shipping_fee=fee,
        free_shipping_over=settings.free_shipping_over,
    )
