"""Field-by-field parsing for the shop's write services: each parser reads one raw value (from a form,
a serializer or an imported cell), records a message under its field key when the value is wrong, and
returns the clean value, so a service reports every bad field at once (InvalidInput with keys such as
"title" or "skus.3.price") and saves nothing."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from tenants.errors import InvalidInput
from tenants.inputs import clean_text, id_or_none, parse_money

MAX_PRICE = Decimal("99999999.99")
MAX_COUNT = 10_000_000
# A whole number as typed: ASCII digits only (int() would also take "١٢" or "²"), optionally ".0".
_WHOLE = re.compile(r"-?[0-9]{1,12}(?:\.0+)?")


class FieldErrors(dict):
    """{field key: [messages]} collected while parsing."""

    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise InvalidInput(dict(self))


def text(value, key: str, errors: FieldErrors, *, max_length: int, required=False, label=None) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    no_control_characters(value, key, errors)
    if required and not value:
        errors.add(key, _("%(label)s is required.") % {"label": label or _("This field")})
    elif len(value) > max_length:
        errors.add(key, _("At most %(n)s characters.") % {"n": max_length})
    return value


def no_control_characters(value: str, key: str, errors: FieldErrors) -> None:
    # Also refused at the request edge; the importer and tasks call the services too.
    try:
        clean_text(value, field=key)
    except InvalidInput as error:
        errors.add(key, error.message)


def money(value, key: str, errors: FieldErrors, *, required: bool, allow_zero=False, label=None):
    """A price: above 0 (or >= 0 with allow_zero), at most MAX_PRICE; None when blank and optional."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(key, _("%(label)s is required.") % {"label": label or _("The price")})
        return None
    try:
        amount = parse_money(value, field=key)
    except InvalidInput as error:
        errors.add(key, error.message)
        return None
    if amount < 0 or (amount == 0 and not allow_zero):
        errors.add(
            key, _("The amount must be above 0.") if not allow_zero else _("The amount cannot be negative.")
        )
        return None
    if amount > MAX_PRICE:
        errors.add(key, _("The amount is too large."))
        return None
    return amount


def count(value, key: str, errors: FieldErrors, *, label: str, default=0, maximum=MAX_COUNT) -> int:
    """A whole number from 0 to `maximum` (ints, or digit strings from a file)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        errors.add(key, _("%(label)s must be a whole number.") % {"label": label})
        return default
    if isinstance(value, str):
        typed = value.strip()
        if _WHOLE.fullmatch(typed):
            value = int(typed.split(".")[0])
    elif isinstance(value, Decimal) and value.is_finite() and value == int(value):
        value = int(value)
    if not isinstance(value, int):
        errors.add(key, _("%(label)s must be a whole number.") % {"label": label})
        return default
    if value < 0:
        errors.add(key, _("%(label)s cannot be below 0.") % {"label": label})
        return default
    if value > maximum:
        errors.add(key, _("%(label)s is too large.") % {"label": label})
        return default
    return value


def position(value, key: str, errors: FieldErrors) -> int:
    """A sort order: a whole number that the database column holds (negative allowed)."""
    if value in (None, ""):
        return 0
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        value = int(value.strip().split(".")[0])
    if not isinstance(value, int) or isinstance(value, bool) or not -1_000_000 <= value <= 1_000_000:
        errors.add(
            key,
            _("The order is a whole number from %(min)s to %(max)s.") % {"min": -1_000_000, "max": 1_000_000},
        )
        return 0
    return value


def existing(model, value, key: str, errors: FieldErrors, message: str):
    """The row of `model` with id `value` (or the instance itself); None when blank."""
    if value in (None, "", 0):
        return None
    if isinstance(value, model):
        return value
    pk = id_or_none(value)
    if pk is None:
        errors.add(key, message)
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        errors.add(key, message)
    return found
