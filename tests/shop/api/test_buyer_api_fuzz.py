"""The buyer API holds to its schema too: schemathesis over its operations, with all its checks, sent
with a buyer's token (the store API's fuzz test, tests/cross/test_api_fuzz.py, sends the owner's, which the
buyer endpoints refuse before reading the body), and with the ids of the buyer's own rows (an address, a
cart line, an order and its after-sales request) as well as made-up ones."""

from collections import Counter

import pytest
from django.db import connection

from tenants.accounts.services import api_token_for
from tests.cross.test_api_fuzz import _fuzz, _keep_the_test_connection, _schema  # noqa: F401
from tests.fuzz_objects import store_objects
from tests.shop.conftest import PHONE_1, make_buyer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def test_the_buyer_api_holds_to_its_schema(store_a):
    buyer = make_buyer(store_a, PHONE_1)
    token = api_token_for(user=buyer, store=store_a)
    connection.set_schema_to_public()
    # Signing out would end the token the other cases are sent with.
    schema = (
        _schema(store_a.host)
        .include(path_regex="^/api/v1/buyer/")
        .exclude(path="/api/v1/buyer/auth/sign-out/")
    )

    answered = _fuzz(
        schema,
        {"Host": store_a.host, "Authorization": f"Token {token}"},
        objects=lambda: store_objects(store_a, buyer=buyer),
    )

    assert all(answered.values()), [label for label, statuses in answered.items() if not statuses]
    every = sum(answered.values(), Counter())
    assert every[200] and every[400], every
