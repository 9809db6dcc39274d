"""The one phone-number parser. Every phone number the product keeps (a buyer's sign-in number, an
address's contact) goes through `parse_phone` and is stored in E.164 ("+8613800138000").

Numbers are read as a person types them in China: "138 0013 8000", "+86 138-0013-8000",
"8613800138000" and "0086…" all mean the same mobile. Only ASCII digits, spaces and + - ( ) . are
accepted: `phonenumbers` itself would quietly read full-width or Arabic-Indic digits, so a number that
looks different from what is stored could pass, and that is refused here instead."""

import re

import phonenumbers
from django.utils.translation import gettext as _

from tenants.errors import ErrorCode, InvalidInput

DEFAULT_REGION = "CN"
# Longer than any real number written with spaces and dashes; anything longer is not a phone number.
MAX_INPUT_LENGTH = 32
_ALLOWED = re.compile(r"[0-9 +\-().]+")
_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def parse_phone(value, *, field: str = "phone", mobile: bool = False, region: str = DEFAULT_REGION) -> str:
    """`value` as an E.164 number, or InvalidInput on `field` saying what is wrong with it. With
    `mobile`, a number that cannot receive text messages (a landline) is refused too."""
    text = value if isinstance(value, str) else ""
    text = text.strip()
    if not text:
        raise InvalidInput({field: [_("Enter a phone number.")]})
    if "\x00" in text or len(text) > MAX_INPUT_LENGTH or not _ALLOWED.fullmatch(text):
        raise InvalidInput(
            {field: [_("Enter the phone number with the digits 0–9 only, e.g. 138 0013 8000.")]},
            code=ErrorCode.INVALID_CHARACTERS,
        )
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidInput({field: [_("This is not a valid phone number.")]})
    if mobile and phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise InvalidInput({field: [_("Enter a mobile number: the code is sent by text message.")]})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """How a stored number is shown to its owner: national format for Chinese numbers
    ("138 0013 8000"), international for the others ("+852 5123 4567")."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == DEFAULT_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def mask_phone(e164: str) -> str:
    """A number as logs and staff lists show it: "+86 138****8000" — enough to tell two buyers apart,
    not enough to call them."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return "****"
    national = str(number.national_number)
    if len(national) <= 7:
        return f"+{number.country_code} ****{national[-2:]}"
    return f"+{number.country_code} {national[:3]}****{national[-4:]}"
