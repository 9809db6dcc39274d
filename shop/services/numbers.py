"""Numbers the buyer, the merchant and the providers read: order, payment, refund and after-sales
numbers. Date first (in the store's time zone) so support can tell an order's day at a glance, then
random digits so numbers give nothing away (not how many orders a store has)."""

import secrets

from django.utils import timezone


def new_number(prefix: str = "", *, digits: int = 10) -> str:
    """e.g. "20261201" + 10 random digits; WeChat takes up to 32 letters and digits."""
    return f"{prefix}{timezone.localtime():%Y%m%d}{secrets.randbelow(10**digits):0{digits}d}"
