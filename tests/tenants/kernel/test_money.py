"""Amounts on the wire: integers of the smallest unit, through the one money helper."""

from decimal import Decimal

import pytest

from tenants.money import MoneyError, from_minor_units, to_minor_units


@pytest.mark.parametrize(
    ("amount", "currency", "units"),
    [
        (Decimal("12.50"), "CNY", 1250),
        (Decimal("0.01"), "CNY", 1),
        ("999999999999.99", "CNY", 99999999999999),
        (Decimal("1500"), "JPY", 1500),
        (Decimal("19.99"), "usd", 1999),
    ],
)
def test_amounts_become_minor_units_and_back(amount, currency, units):
    assert to_minor_units(amount, currency) == units
    assert from_minor_units(units, currency) == Decimal(str(amount)).quantize(Decimal("0.01"))


@pytest.mark.parametrize("bad", [12.5, "1e3", True])
def test_minor_units_refuse_what_is_not_money(bad):
    with pytest.raises(MoneyError):
        to_minor_units(bad)


def test_a_fraction_of_a_yen_is_refused_not_rounded():
    with pytest.raises(MoneyError):
        to_minor_units(Decimal("1500.50"), "JPY")


@pytest.mark.parametrize("bad", [12.5, "1250", True, None])
def test_only_integers_come_back_from_minor_units(bad):
    with pytest.raises(MoneyError):
        from_minor_units(bad)
