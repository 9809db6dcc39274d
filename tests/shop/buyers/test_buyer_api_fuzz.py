"""Bad input never gets a 500 from the buyer API either: schemathesis over its own OpenAPI schema, sent
with a buyer's token (the store API's fuzz test, tests/test_api_fuzz.py, sends the owner's, which the
buyer endpoints refuse before reading the body)."""

import pytest
from django.db import connection

from tenants.accounts.services import api_token_for
from tests.shop.buyers.conftest import PHONE_1, make_buyer
from tests.test_api_fuzz import HEADERS, _fuzz, _keep_the_test_connection, _schema  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer_api(store_a):
    token = api_token_for(user=make_buyer(store_a, PHONE_1), store=store_a)
    connection.set_schema_to_public()
    HEADERS.clear()
    HEADERS.update({"Host": store_a.host, "Authorization": f"Token {token}"})
    # Signing out would end the token the other cases are sent with.
    return (
        _schema(store_a.host)
        .include(path_regex="^/api/v1/buyer/")
        .exclude(path="/api/v1/buyer/auth/sign-out/")
    )


def test_buyer_api_never_answers_bad_input_with_a_500(buyer_api):
    assert _fuzz(buyer_api) >= 60
