"""The input layer every face uses (tenants/inputs.py): what it reads, what it refuses and how it says so."""

from decimal import Decimal

import pytest

from tenants.errors import InvalidInput
from tenants.inputs import (
    ID_MAX,
    INT_MAX,
    INT_MIN,
    clean_text,
    contains_control_characters,
    id_or_none,
    parse_bool,
    parse_choice,
    parse_id,
    parse_int,
    parse_money,
)

NOT_WHOLE_NUMBERS = [
    "1e5",
    "1E+999999",
    "9e9999",
    "١٢",
    "²",
    "１２",
    "߂",
    "12.0",
    "0x1f",
    "",
    " ",
    "1 2",
    True,
    1.0,
]


@pytest.mark.parametrize("value, number", [("12", 12), (" -3 ", -3), ("+7", 7), (42, 42), ("0", 0)])
def test_a_whole_number_is_ascii_digits_with_an_optional_sign(value, number):
    assert parse_int(value, field="stock") == number


@pytest.mark.parametrize("value", NOT_WHOLE_NUMBERS)
def test_exponents_other_scripts_digits_floats_and_yes_no_are_no_whole_numbers(value):
    with pytest.raises(InvalidInput) as refused:
        parse_int(value, field="stock")
    assert refused.value.errors == {"stock": ["Enter a whole number using the digits 0 to 9."]}


@pytest.mark.parametrize("value", [INT_MAX + 1, INT_MIN - 1, "99999999999999999999", 10**20])
def test_a_number_beyond_the_integer_column_is_refused_with_the_range(value):
    with pytest.raises(InvalidInput) as refused:
        parse_int(value, field="delta")
    assert refused.value.errors == {"delta": ["Enter a whole number from -2147483648 to 2147483647."]}


def test_narrower_bounds_and_the_default_for_a_value_not_sent():
    assert parse_int(None, field="page", minimum=1, default=1) == 1
    assert parse_int(INT_MAX, field="stock", minimum=0) == INT_MAX
    with pytest.raises(InvalidInput, match="from 1 to 2147483647"):
        parse_int("0", field="page", minimum=1, default=1)


def test_an_id_is_from_1_to_the_bigint_maximum():
    assert parse_id(str(ID_MAX), field="category") == ID_MAX
    assert parse_id(None, field="category", default=None) is None
    for value in ("0", str(ID_MAX + 1), "١٢"):
        with pytest.raises(InvalidInput):
            parse_id(value, field="category")
    assert [id_or_none(v) for v in ("7", "²", "", None, "99999999999999999999")] == [
        7,
        None,
        None,
        None,
        None,
    ]


def test_yes_no_and_choices():
    assert [parse_bool(v, field="x") for v in ("1", "TRUE", "yes", "on", "0", "false", "No", "off")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    assert parse_bool(None, field="low_stock", default=False) is False
    with pytest.raises(InvalidInput, match="Choose yes or no"):
        parse_bool("maybe", field="low_stock")
    assert (parse_bool(1, field="low_stock"), parse_bool(0, field="low_stock")) == (True, False)
    for value in (2, -1, 1.0, "t", "y"):
        with pytest.raises(InvalidInput, match="Choose yes or no"):
            parse_bool(value, field="low_stock")
    assert parse_choice("draft", ["draft", "on_sale"], field="status") == "draft"
    with pytest.raises(InvalidInput) as refused:
        parse_choice("gone", ["draft", "on_sale"], field="status")
    assert refused.value.errors == {"status": ["Choose one of: draft, on_sale."]}


def test_money_goes_through_the_one_money_helper():
    assert parse_money("12.5", field="price") == Decimal("12.50")
    assert parse_money(" ¥1,200.00 ", field="price") == Decimal("1200.00")
    assert parse_money(Decimal("12.50"), field="price") == Decimal("12.50")
    for value in ("12.345", "0.001", Decimal("12.505")):
        # Never rounded: the amount a person typed is the amount, or it is refused.
        with pytest.raises(InvalidInput) as refused:
            parse_money(value, field="price")
        assert refused.value.errors == {"price": ["An amount has at most two decimal places (fen)."]}
    for value in ("1e5", "1E+999999", "１２", "١٢", "NaN", "Infinity", 1.5, True, "9" * 20, "1000000000000"):
        with pytest.raises(InvalidInput) as refused:
            parse_money(value, field="price")
        assert refused.value.errors == {"price": ["Enter an amount such as 12.50."]}


def test_text_keeps_tabs_and_line_breaks_and_refuses_other_control_characters():
    assert clean_text("第一行\r\n\t第二行", field="description") == "第一行\r\n\t第二行"
    for text in ("a\x00b", "\x07", "\x1b[31m", "\x0b"):
        with pytest.raises(InvalidInput, match="control characters"):
            clean_text(text, field="title")
    assert contains_control_characters({"skus": [{"barcode": "69\x00"}]})
    assert contains_control_characters({"ke\x00y": 1})
    assert not contains_control_characters({"title": "苹果\n", "skus": [{"stock": 1}]})
