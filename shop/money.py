"""The one money helper. Money is Decimal with two places (fen precision), rounded half-up; never a float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class MoneyError(ValueError):
    pass


def to_money(value) -> Decimal:
    """Parse a user or stored value into a two-place Decimal. Floats are refused: they are not money."""
    if isinstance(value, float):
        raise MoneyError("money is never a float")
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("¥", "").replace("￥", ""))
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"not an amount: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


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
