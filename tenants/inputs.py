"""The input layer every face uses: small strict parsers that turn what a person or a program sent (a
form field, a query parameter, a JSON value, a spreadsheet cell) into a Python value, or refuse it with
InvalidInput on the field at fault. What passes here fits the database column it is meant for, so bad
input is a clear 4xx in the console, the storefront and the API, never a 500 from PostgreSQL.

- whole numbers: ASCII digits with an optional sign only — no exponent ("1e5"), no other scripts'
  digits ("١٢", "²", "１２"), no floats — and within what the column holds (integer by default);
- ids: whole numbers from 1 to the bigint maximum;
- text: no NUL or other C0 control characters (tab, line feed and carriage return are text);
- money: `tenants.money.parse_amount` (never rounded: at most two decimal places), with a field message.
"""

import datetime
import json
import re

from django.utils.translation import gettext as _

from tenants.errors import InvalidInput
from tenants.money import MoneyError, TooPrecise, parse_amount

INT_MIN = -(2**31)  # PostgreSQL `integer`
INT_MAX = 2**31 - 1
ID_MAX = 2**63 - 1  # `bigint` primary keys
# The longest integer text worth converting: a sign and the 19 digits of ID_MAX.
_MAX_INTEGER_TEXT = 20
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
# C0 control characters PostgreSQL refuses (NUL) or no person types; tab, LF and CR are kept.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_MISSING = object()


def _refuse(field: str, message: str):
    raise InvalidInput({field or "detail": [message]})


def parse_int(value, *, field: str, minimum: int = INT_MIN, maximum: int = INT_MAX, default=_MISSING) -> int:
    """An int, or text of ASCII digits with an optional sign (" 12", "-3"), from `minimum` to `maximum`
    (by default what an integer column holds). None (a value not sent) gives `default` when one is given;
    an empty text is refused like any other non-number.
    Refuses yes/no values, floats, exponents, other scripts' digits and out-of-range numbers."""
    if default is not _MISSING and value is None:
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif (
        isinstance(value, str)
        and len(text := value.strip()) <= _MAX_INTEGER_TEXT
        and (_INTEGER_TEXT.fullmatch(text))
    ):
        number = int(text)
    else:
        _refuse(field, _("Enter a whole number using the digits 0 to 9."))
    if not minimum <= number <= maximum:
        _refuse(
            field,
            _("Enter a whole number from %(minimum)s to %(maximum)s.")
            % {"minimum": minimum, "maximum": maximum},
        )
    return number


def parse_id(value, *, field: str, default=_MISSING) -> int:
    """The id of a row: a whole number from 1 to the bigint maximum."""
    return parse_int(value, field=field, minimum=1, maximum=ID_MAX, default=default)


def id_or_none(value) -> int | None:
    """For filters of a page, where an unusable id is ignored (the filter is off), never an error."""
    try:
        return parse_id(value, field="id", default=None)
    except InvalidInput:
        return None


def parse_bool(value, *, field: str, default=_MISSING) -> bool:
    """True/False, 1/0, or "1"/"0", "true"/"false", "yes"/"no", "on"/"off" in any case."""
    if default is not _MISSING and value is None:
        return default
    if isinstance(value, bool):
        return value
    if type(value) is int and value in (0, 1):
        return bool(value)
    text = value.strip().lower() if isinstance(value, str) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    _refuse(field, _("Choose yes or no (1 or 0)."))


def parse_choice(value, choices, *, field: str, default=_MISSING) -> str:
    """One of `choices` (strings), exactly as listed."""
    if default is not _MISSING and value is None:
        return default
    if isinstance(value, str) and value in choices:
        return value
    _refuse(field, _("Choose one of: %(choices)s.") % {"choices": ", ".join(str(c) for c in choices)})


def parse_money(value, *, field: str):
    """A two-place Decimal by the one money helper (`parse_amount`): no exponent, no more than two decimal
    places, ASCII digits only, within MAX_AMOUNT."""
    try:
        return parse_amount(value)
    except TooPrecise:
        _refuse(field, _("An amount has at most two decimal places (fen)."))
    except MoneyError:
        _refuse(field, _("Enter an amount such as 12.50."))


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL_CHARACTERS.search(text))


def contains_control_characters(value) -> bool:
    """Whether any string in a parsed value (dict keys and values, lists, nested) holds a control
    character."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _CONTROL_CHARACTERS.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def control_characters_message() -> str:
    """What a request refused for its control characters is told."""
    return _(
        "Your request holds an invisible control character (such as a NUL byte) that cannot be used. "
        "Remove it and try again."
    )


def clean_text(value, *, field: str) -> str:
    """Text with no control characters other than tab, line feed and carriage return."""
    text = "" if value is None else str(value)
    if has_control_characters(text):
        _refuse(field, _("Remove the invisible control characters (such as a NUL byte) from this text."))
    return text


def filter_text(value, *, limit: int) -> str:
    """A search or filter word from a query string: control characters dropped (not refused — a filter
    link is not a form), trimmed and cut to `limit`."""
    return _CONTROL_CHARACTERS.sub("", "" if value is None else str(value)).strip()[:limit]


def filter_value(params, name: str, parser, default, *, strict: bool, **options):
    """One query parameter of a list's filters, read by `parser` (parse_choice, parse_id, ...). Not sent
    gives `default`; in a page (`strict` off) an unreadable or empty value is ignored too (a filter link is
    not a form), while the API (`strict`) refuses it with InvalidInput naming the parameter."""
    value = params.get(name)
    if value is None or (value == "" and not strict):
        return default
    try:
        return parser(value, field=name, **options)
    except InvalidInput:
        if strict:
            raise
        return default


def date_or_none(value) -> datetime.date | None:
    """A YYYY-MM-DD filter value, or None when it is not one (the filter is off)."""
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def load_json(text):
    """json.loads for what outsiders send (provider notifications, pushes): a body nested too deeply for the
    parser is a ValueError like any other malformed JSON, not a RecursionError."""
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise ValueError("the JSON is nested too deeply") from exc
