"""The one parser of the order list's filters: the console ignores what it cannot read (a filter link is
not a form), the API refuses it naming the parameter; any real date is a usable bound."""

import datetime

import pytest

from shop.selectors.orders import OrderFilters
from tenants.errors import InvalidInput

UNREADABLE = {
    "status": "lost",
    "date_from": "2026-02-30",
    "date_to": "soon",
    "payment": "alipay",
    "source": "tv",
    "after_sale": "maybe",
}


def test_the_console_ignores_what_it_cannot_read():
    assert OrderFilters.parse(UNREADABLE) == OrderFilters()
    assert not OrderFilters.parse({name: "" for name in UNREADABLE}).active


@pytest.mark.parametrize("name", UNREADABLE)
def test_the_api_refuses_it_naming_the_parameter(name):
    with pytest.raises(InvalidInput) as refused:
        OrderFilters.parse({name: UNREADABLE[name]}, strict=True)
    assert list(refused.value.errors) == [name]


def test_readable_filters_read_the_same_either_way():
    params = {
        "status": "paid",
        "date_from": "2026-12-01",
        "payment": "wechat",
        "after_sale": "1",
        "search": " 1380 ",
    }
    expected = OrderFilters(
        status="paid", date_from=datetime.date(2026, 12, 1), payment="wechat", after_sale=True, search="1380"
    )
    assert OrderFilters.parse(params) == OrderFilters.parse(params, strict=True) == expected


def test_the_first_and_last_days_of_the_calendar_are_usable_bounds(shop):
    order = shop.place([(shop.small, 1)])
    filters = OrderFilters.parse({"date_from": "0001-01-01", "date_to": "9999-12-31"}, strict=True)
    assert list(filters.orders()) == [order]
