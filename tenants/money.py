"""The one money helper. Money is Decimal with two places (fen precision), rounded half-up; never a float.

It lives in the shared kernel so that billing (plan prices), shop (prices, orders, refunds) and referral
(commission) all round the same way without breaking the dependency direction."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Far beyond any price, order or balance (a trillion yuan), and well inside Decimal's 28 digits and the
# database columns' 12-14 digits: anything larger is refused as input, never rounded or overflowed.
MAX_AMOUNT = Decimal("999999999999.99")
# What a person types as an amount: ASCII digits, one optional point, no exponent ("1e5"), no
# other scripts' digits ("١٢"), at most 30 characters.
_AMOUNT_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


class MoneyError(ValueError):
    pass


class TooPrecise(MoneyError):
    """An amount given with more than two decimal places (money input is never rounded)."""


def to_money(value) -> Decimal:
    """Parse a user or stored value into a two-place Decimal. Floats are refused: they are not money.
    Text must be a plain amount ("12.50", "¥1,200", "-3"); exponents, non-ASCII digits, NaN/Infinity and
    amounts beyond MAX_AMOUNT raise MoneyError."""
    if isinstance(value, float):
        raise MoneyError("money is never a float")
    if isinstance(value, bool):
        raise MoneyError("not an amount: a yes/no value")
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    else:
        text = _amount_text(value)
        if len(text) > 30 or not _AMOUNT_TEXT.fullmatch(text):
            raise MoneyError(f"not an amount: {str(value)[:40]!r}")
        amount = Decimal(text)
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        raise MoneyError(f"not an amount: {str(value)[:40]!r}")
    try:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # pragma: no cover - excluded by the bound above
        raise MoneyError(f"not an amount: {str(value)[:40]!r}") from exc


def parse_amount(value) -> Decimal:
    """An amount a person or a client sent (a form field, a JSON value, a spreadsheet cell): what
    `to_money` takes, but never rounded — more than two decimal places ("12.505") is refused, as are
    floats, exponents, non-ASCII digits, NaN and amounts beyond MAX_AMOUNT. Every face reads money
    input through this (tenants.inputs.parse_money, shop.services.fields.money)."""
    amount = to_money(value)
    exact = Decimal(value) if isinstance(value, Decimal | int) else Decimal(_amount_text(value))
    if amount != exact:
        raise TooPrecise(f"more than two decimal places: {str(value)[:40]!r}")
    return amount


_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")


def _amount_text(value) -> str:
    """The amount's text without its currency sign and thousands separators. A comma anywhere else
    ("0,05", "2,5": a decimal comma) is refused, never read as a bigger amount."""
    text = str(value).strip().replace("¥", "").replace("￥", "").strip()
    if "," in text:
        if not _THOUSANDS.fullmatch(text):
            raise MoneyError(f"not an amount: {str(value)[:40]!r}")
        text = text.replace(",", "")
    return text


# Currencies whose smallest unit is the whole unit (Stripe's zero-decimal list): ¥100 is 100 of them, not
# 10000. Every other currency a store may use counts in hundredths (fen, cents).
ZERO_DECIMAL_CURRENCIES = frozenset(
    {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
)


def to_minor_units(amount, currency: str = "CNY") -> int:
    """An amount as the integer payment providers put on the wire: fen for CNY (WeChat Pay's `total`),
    the smallest unit for Stripe's `amount`. A fraction of a zero-decimal currency's unit is refused, never
    rounded away."""
    amount = to_money(amount)
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        if amount != amount.to_integral_value():
            raise MoneyError(f"{currency} has no fractional unit: {amount}")
        return int(amount)
    return int(amount * 100)


def from_minor_units(units, currency: str = "CNY") -> Decimal:
    """The inverse of `to_minor_units`: a provider's integer amount as a two-place Decimal."""
    if isinstance(units, bool) or not isinstance(units, int):
        raise MoneyError(f"not an amount in minor units: {str(units)[:40]!r}")
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return to_money(units)
    return to_money(Decimal(units) / 100)


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` across `weights` in proportion, to the fen, by largest remainder: the shares always
    sum exactly to `total` (used to spread an order's discount over its items)."""
    total = to_money(total)
    if total < 0 or any(w < 0 for w in weights):
        raise MoneyError("allocate() splits a non-negative total over non-negative weights")
    if not weights:
        return []
    weight_sum = sum(weights, Decimal(0))
    if weight_sum <= 0:
        shares = [ZERO] * len(weights)
        shares[0] = total
        return shares
    cents = int(total / CENT)
    raw = [Decimal(cents) * w / weight_sum for w in weights]
    floors = [int(r) for r in raw]
    remainder = cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (raw[i] - floors[i], -i), reverse=True)
    for i in order[:remainder]:
        floors[i] += 1
    return [(Decimal(c) * CENT).quantize(CENT) for c in floors]
