"""Numbers the buyer, the merchant and the providers read: order, payment, refund and after-sales
numbers. Date first (in the store's time zone) so support can tell an order's day at a glance, then
random digits so numbers give nothing away (not how many orders a store has)."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

# A clash of random numbers is tried again with new digits; after this many tries, with more of them.
TRIES_PER_LENGTH = 3
MORE_DIGITS = 2


def new_number(prefix: str = "", *, digits: int = 10) -> str:
    """e.g. "20261201" + 10 random digits; WeChat takes up to 32 letters and digits."""
    return f"{prefix}{timezone.localtime():%Y%m%d}{secrets.randbelow(10**digits):0{digits}d}"


def create_numbered(model, *, field: str = "number", prefix: str = "", digits: int = 10, **values):
    """Create a `model` row with a new unique number in `field`. A number another row has already (two
    draws alike) is drawn again, with MORE_DIGITS more after every TRIES_PER_LENGTH clashes, up to what
    the column holds; an integrity error that is not such a clash is the caller's (re-raised)."""
    max_length = model._meta.get_field(field).max_length
    longest = max_length - len(prefix) - 8
    tries = 0
    while True:
        number = new_number(prefix, digits=digits)
        try:
            with transaction.atomic():
                return model.objects.create(**{field: number}, **values)
        except IntegrityError:
            if not model.objects.filter(**{field: number}).exists():
                raise
        tries += 1
        if tries % TRIES_PER_LENGTH == 0:
            if digits >= longest:
                raise RuntimeError(f"no free {model.__name__}.{field} after {tries} tries")
            digits = min(digits + MORE_DIGITS, longest)
