"""Amounts on the wire: integers of the smallest unit, through the one money helper."""

from decimal import Decimal

import pytest

from tenants.money import MoneyError, from_minor_units, parse_amount, to_minor_units, to_money


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


@pytest.mark.parametrize("text", ["0,05", "2,5", "1,0", "12,50", "1,2345", ",5", "1,,000"])
def test_a_comma_that_is_no_thousands_separator_is_refused_never_read_bigger(text):
    for parse in (to_money, parse_amount):
        with pytest.raises(MoneyError):
            parse(text)


@pytest.mark.parametrize(
    ("text", "amount"), [("1,200", "1200.00"), ("¥12,345.60", "12345.60"), ("-1,000", "-1000.00")]
)
def test_thousands_separators_are_read(text, amount):
    assert str(parse_amount(text)) == amount
