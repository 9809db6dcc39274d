"""Bad input never gets a 500: schemathesis generates requests from each API's own OpenAPI schema
(valid and invalid bodies, odd parameters) and sends them through the real Django app."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

from tests.conftest import owner_of

HEADERS = {}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI handler must not close the test transaction's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _schema(host):
    app = WSGIHandler()
    loaded = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app, headers={"Host": host})
    # Deleting is covered by the API tests; here it would only empty the store under the other cases.
    return loaded.exclude(method="DELETE")


@pytest.fixture
def store_api(db, store_a):
    with schema_context(store_a.schema_name):
        token = Token.objects.get_or_create(user=owner_of(store_a))[0].key
    connection.set_schema_to_public()
    HEADERS.clear()
    HEADERS.update({"Host": store_a.host, "Authorization": f"Token {token}"})
    return _schema(store_a.host)


@pytest.fixture
def platform_api(db):
    HEADERS.clear()
    HEADERS.update({"Host": "localhost"})
    return _schema("localhost")


FUZZ = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def _fuzz(schema) -> int:
    """Send generated cases for every operation; return how many were sent."""
    sent = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=operation.as_strategy())
        def call(case):
            response = case.call(headers=HEADERS)
            connection.set_schema_to_public()
            sent.append(1)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
            )

        call()
    return len(sent)


def test_store_api_never_answers_bad_input_with_a_500(store_api):
    assert _fuzz(store_api) > 100


def test_platform_api_never_answers_bad_input_with_a_500(platform_api):
    assert _fuzz(platform_api) >= 10
