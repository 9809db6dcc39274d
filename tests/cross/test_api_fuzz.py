"""Both APIs hold to their OpenAPI schemas: schemathesis generates requests for every operation of the
store API and of the platform API — requests the schema allows and requests that break it — sends them
through the real Django app and runs all its checks on every answer: no server error; status codes,
content types, headers and bodies as documented; invalid data refused; valid data accepted; a declared
authentication enforced.

Operations with ids in their path are also sent the ids of real objects of the store, so that reads,
updates and deletions reach them; DELETE runs last, each against an object made for it."""

import re
from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import owner_of
from tests.fuzz_objects import store_objects

pytestmark = pytest.mark.usefixtures("media_root")

FUZZ = settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
WRITES = ("POST", "PUT", "PATCH")


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


def written_refusals_name_their_fields(ctx, response, case):
    """positive_data_acceptance, for a write: its service holds rules no JSON Schema states (an existing
    category, a unique name, a SKU matrix that matches its specs, a real picture, a strong password), so
    a schema-valid write may be refused — but only by a 400 that names the fields at fault. A bare
    `detail` would mean the schema promised what the input layer refuses."""
    if case.meta.generation.mode.is_positive and response.status_code == 400:
        fields = set(response.json()) - {"detail", "code"}
        assert fields, f"a schema-valid {case.method} was refused without naming a field: {response.text}"
        return None
    return positive_data_acceptance(ctx, response, case)


def _schema(host):
    return schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", WSGIHandler(), headers={"Host": host}
    )


def _path_ids(path: str, ids: dict) -> dict | None:
    """Real values for the path's parameters (/api/v1/<things>/{id}/...), or None without parameters."""
    names = re.findall(r"{(\w+)}", path)
    if not names:
        return None
    # The segment right before {id} names the object ("/api/v1/shop/products/{id}/" → products); any other
    # parameter is named by itself ("image_id", "order_number").
    return {
        name: ids[path.split("/{id}")[0].rsplit("/", 1)[-1]] if name == "id" else ids[name] for name in names
    }


def _can_break(operation, *, path: bool) -> bool:
    """Whether a negative case can be made: something to make invalid (the path too, unless fixed)."""
    return bool((path and len(operation.path_parameters)) or len(operation.query) or len(operation.body))


def _cases(operation, mode, **fixed):
    """Generated cases. Where an operation also reads JSON, its invalid bodies are JSON: in a form every
    value is text, so "a boolean instead of a name" sent as a form is the name "false", no invalid body."""
    cases = operation.as_strategy(generation_mode=mode, **fixed)
    media_types = {body.media_type for body in operation.body}
    if mode.is_negative and len(media_types) > 1 and "application/json" in media_types:
        return cases.filter(lambda case: case.media_type == "application/json")
    return cases


def _fuzz(schema, headers: dict, *, objects=None) -> dict[str, Counter]:
    """Send generated cases for every operation in both modes — with the ids of `objects()` too, made once
    for the others and afresh for each DELETE, which runs last — and return the statuses answered, per
    operation."""
    answered: dict[str, Counter] = {}
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()), key=lambda op: op.method == "delete"
    )
    ids = objects() if objects else {}
    for operation in operations:
        if operation.method == "delete" and objects:
            ids = objects()
        statuses = answered.setdefault(operation.label, Counter())
        real = _path_ids(operation.path, ids) if ids else None
        for mode in GenerationMode:
            if mode.is_positive or _can_break(operation, path=True):
                _send(operation, _cases(operation, mode), headers, statuses)
            if real and (mode.is_positive or _can_break(operation, path=False)):
                _send(operation, _cases(operation, mode, path_parameters=real), headers, statuses)
    return answered


def _send(operation, strategy, headers, statuses: Counter) -> None:
    checks = {}
    if operation.method.upper() in WRITES:
        checks = {
            "excluded_checks": [positive_data_acceptance],
            "additional_checks": [written_refusals_name_their_fields],
        }

    @FUZZ
    @given(case=strategy)
    def call(case):
        try:
            statuses[case.call_and_validate(headers=headers, **checks).status_code] += 1
        finally:
            connection.set_schema_to_public()

    call()


def test_the_store_api_holds_to_its_schema(store_a):
    with schema_context(store_a.schema_name):
        token = Token.objects.get_or_create(user=owner_of(store_a))[0].key
    connection.set_schema_to_public()
    headers = {"Host": store_a.host, "Authorization": f"Token {token}"}

    answered = _fuzz(_schema(store_a.host), headers, objects=lambda: store_objects(store_a))

    assert all(answered.values()), [label for label, statuses in answered.items() if not statuses]
    every = sum(answered.values(), Counter())
    assert every[200] and every[201] and every[204] and every[400] and every[404], every


def test_the_platform_api_holds_to_its_schema(db):
    answered = _fuzz(_schema("localhost"), {"Host": "localhost"})

    assert all(answered.values()), [label for label, statuses in answered.items() if not statuses]
    every = sum(answered.values(), Counter())
    assert every[200] and every[400], every
