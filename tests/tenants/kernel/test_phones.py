"""One phone parser: what Chinese buyers type becomes E.164; anything else is a clear field error."""

import pytest

from tenants.errors import ErrorCode, InvalidInput
from tenants.phones import display_phone, mask_phone, parse_phone

MOBILE = "+8613800138000"


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "+86 138-0013-8000",
        "8613800138000",
        "008613800138000",
        " (138) 0013.8000 ",
    ],
)
def test_the_ways_a_chinese_mobile_is_written_all_read_as_one_number(typed):
    assert parse_phone(typed) == MOBILE


def test_numbers_of_hong_kong_and_landlines_are_kept_in_e164():
    assert parse_phone("+852 5123 4567") == "+85251234567"
    assert parse_phone("010-1234 5678") == "+861012345678"


@pytest.mark.parametrize(
    "typed, code",
    [
        ("", ErrorCode.INVALID),
        ("12345", ErrorCode.INVALID),
        ("138001380001234", ErrorCode.INVALID),
        ("+999 1234 5678", ErrorCode.INVALID),
        ("138\x000013 8000", ErrorCode.INVALID_CHARACTERS),
        ("１３８００１３８０００", ErrorCode.INVALID_CHARACTERS),  # full-width digits
        ("١٣٨٠٠١٣٨٠٠٠", ErrorCode.INVALID_CHARACTERS),  # Arabic-Indic digits
        ("138-0013-8000 ext. 5", ErrorCode.INVALID_CHARACTERS),
        ("1" * 10_000, ErrorCode.INVALID_CHARACTERS),
    ],
)
def test_invalid_numbers_and_odd_characters_are_refused_on_the_field(typed, code):
    with pytest.raises(InvalidInput) as refused:
        parse_phone(typed, field="contact_phone")
    assert list(refused.value.errors) == ["contact_phone"]
    assert refused.value.code == code


def test_not_a_string_is_refused_like_an_empty_number():
    with pytest.raises(InvalidInput):
        parse_phone(13800138000)


def test_a_landline_cannot_receive_a_sign_in_code():
    with pytest.raises(InvalidInput) as refused:
        parse_phone("010 1234 5678", mobile=True)
    assert "mobile" in refused.value.message
    assert parse_phone("138 0013 8000", mobile=True) == MOBILE


def test_numbers_are_shown_national_at_home_and_masked_in_logs():
    assert display_phone(MOBILE) == "138 0013 8000"
    assert display_phone("+85251234567") == "+852 5123 4567"
    assert mask_phone(MOBILE) == "+86 138****8000"
    assert mask_phone("") == display_phone("") == ""
