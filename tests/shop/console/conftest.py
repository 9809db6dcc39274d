"""Store A with things sold, for the console's order pages: the `shop` of the order tests (its products,
a buyer with an address, orders placed and paid through the sandbox), staff of every role logged in, and
store B's owner."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context

from shop.services import aftersales
from shop.services.aftersales import AfterSaleInput
from tests.conftest import console_client, make_staff, owner_of, text  # noqa: F401 - text for this folder's modules
from tests.shop.services.conftest import Shop

User = get_user_model()


@pytest.fixture
def shop(in_store_a, media_root):
    return Shop(in_store_a)


def paid_order(shop, *lines, buyer=None):
    order = shop.place(list(lines) or [(shop.small, 2), (shop.tea_sku, 1)], buyer=buyer)
    shop.pay(order)
    return order


def ask_refund(shop, order, *, amount="10.00", kind="refund_only", quantity=0, reason="不想要了", line=None):
    line = line or order.lines.order_by("id").first()
    return aftersales.request_after_sale(
        buyer=order.buyer,
        data=AfterSaleInput(
            order_line_id=line.pk,
            kind=kind,
            amount=amount,
            quantity=quantity,
            reason=reason,
            details="坏了两个",
        ),
    )


def staff_client(store, role):
    client = console_client(store, make_staff(store, role=role))
    connection.set_tenant(store)
    return client


@pytest.fixture
def owner(shop):
    return owner_of(shop.store)


@pytest.fixture
def owner_client(shop):
    client = console_client(shop.store, owner_of(shop.store))
    connection.set_tenant(shop.store)
    return client


@pytest.fixture
def finance_client(shop):
    return staff_client(shop.store, User.Role.FINANCE)


@pytest.fixture
def service_client(shop):
    return staff_client(shop.store, User.Role.CUSTOMER_SERVICE)


@pytest.fixture
def operations_client(shop):
    return staff_client(shop.store, User.Role.OPERATIONS)


@pytest.fixture
def owner_client_b(shop, store_b):
    client = console_client(store_b, owner_of(store_b))
    connection.set_tenant(shop.store)
    return client


def in_b(store_b):
    return schema_context(store_b.schema_name)
