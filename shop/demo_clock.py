"""The demo's clock: the demo seeders (shop/demo.py, shop/demo_orders.py) run the real services at moments
in the past, so that a fresh demo store reads like one that has been trading for weeks.

Services and models take the time from `django.utils.timezone.now()`: the services through the module
(`timezone.now()`), the models' defaults through the function itself (`default=timezone.now`, bound when
the model class was made). Patching `django.utils.timezone.now` would reach the first and miss the second
— an order placed weeks ago with its history, payment and activity entries stamped today. So this
patches what that one function reads, the `datetime` class of its module, and both see the same moment.

Only `timezone.now()` (and `timezone.localtime()` without a value) is frozen: `time.time()` — against
which a payment notification's signed timestamp is checked —, Redis expiries, Celery and the upload
folders of files keep the real time. The only other use of that `datetime` name in Django's module is an
`isinstance` test in `template_localtime`, for templates, which nothing renders while seeding."""

import contextlib
import datetime
from unittest import mock

from django.utils import timezone


@contextlib.contextmanager
def frozen_at(moment: datetime.datetime):
    """Inside the block, it is `moment` (an aware datetime) for everything that asks Django the time."""
    if timezone.is_naive(moment):
        raise ValueError("the demo clock takes an aware datetime")

    class FrozenDatetime(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz) if tz is not None else moment.astimezone().replace(tzinfo=None)

    with mock.patch.object(timezone, "datetime", FrozenDatetime):
        yield
