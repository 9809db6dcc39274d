"""No hostile input gets a server error, on any page: hypothesis throws NUL bytes and other control
characters, exponents, numbers far beyond any column, other scripts' digits and odd text at every page of
the store host and the platform host — the storefront, the console (as the store's owner), the operator
console (as an operator), the API's lists (with the owner's token) — as query parameters of a GET and as
the fields of a form POST. A refused request (4xx) says why and changes nothing.

The pages come from the URL confs, so a new page is fuzzed without being listed here. Path parameters are
filled with the ids of real objects and with hostile numbers; a POST sends the fields of the forms the
pages render (discovered by reading them), with hostile values in some of them."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from tenants.models import OperatorAction, StoreTemplate
from tests.conftest import console_client, host_client, owner_of, signed_in_client
from tests.factories import PASSWORD
from tests.fuzz_objects import store_objects
from tests.snapshots import Snapshot

pytestmark = pytest.mark.usefixtures("media_root")

FUZZ = settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
NUMBERS = [
    "1e5",
    "1E+999999",
    "9e9999",
    "-1",
    "0",
    "2147483648",
    "99999999999999999999",
    "-99999999999999999999",
    "١٢",
    "²",
    "１２",
    "߂",
    "NaN",
    "Infinity",
]
ODD_TEXT = ["", " ", "' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd", "%00", "草莓" * 300]
CONTROLS = ["\x00", "a\x00b", "\x07\x1b", "\x0b"]
# A quarter of the values holds a control character (refused at the request edge); the others go on to
# the forms and services.
HOSTILE = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(ODD_TEXT) | st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
    st.sampled_from(NUMBERS),
    st.sampled_from(CONTROLS),
)
# Query parameters that no filter form shows (links, paging, exports, hand-offs); the fields of the
# pages' GET forms (their filters) are added as they are found. Pages ignore the others.
QUERY_NAMES = [
    "q",
    "search",
    "category",
    "brand",
    "product",
    "price_min",
    "price_max",
    "sort",
    "page",
    "status",
    "low_stock",
    "sku",
    "unread",
    "format",
    "plan",
    "created_from",
    "created_to",
    "action",
    "target_type",
    "target_id",
    "subdomain",
    "next",
    "t",
    "welcome",
]
HOSTILE_IDS = ["0", "2147483648", "99999999999999999999", "١٢", "%00"]
# Values a page's own word-parameters take; anything else is a 404.
WORDS = {
    "action": ["main", "up", "down", "delete"],
    "direction": ["up", "down"],
    "provider": ["sandbox", "wechat", "stripe"],
}
# Pages left out: the health check takes no input and waits for a worker; logging out would end the
# fuzzing client's session.
SKIPPED = re.compile(r"^(healthz|ping|.*logout/)$")
GENERIC_FIELDS = ["name", "title", "id", "ids", "amount", "reason", "sort_order", "code", "email"]


def _routes(urlconf: str) -> list[tuple[str, tuple[str, ...]]]:
    """(route, parameter names) of every page of a URL conf; regex routes (the API's router, media) are
    written with <name> placeholders, their format-suffix twins left out."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "(?P<format>" not in route:
                found.append(route)

    walk(get_resolver(urlconf).url_patterns, "")
    routes = []
    for route in found:
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route)
        route = route.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
        if not SKIPPED.match(route):
            routes.append((route, tuple(re.findall(r"<(\w+)>", route))))
    return sorted(set(routes), key=lambda item: ("delete" in item[0], item[0]))


def _real(route: str, name: str, ids: dict) -> str:
    """The id of a real object for a path parameter: `pk` after "products/" is a product, and so on."""
    if name in WORDS:
        return WORDS[name][0]
    if name == "pk":
        return str(ids[route.split("<pk>")[0].rstrip("/").rsplit("/", 1)[-1]])
    return str(ids.get(name, ""))


def _path(route: str, values: dict) -> str:
    return "/" + re.sub(r"<(\w+)>", lambda m: values[m.group(1)], route)


class _Forms(HTMLParser):
    """The forms of a page: `forms` = {absolute action path: {field name: value}} of its POST forms,
    `query` = the fields of its GET forms (filters); files left out."""

    def __init__(self, page: str):
        super().__init__()
        self.page, self.forms, self.query, self.current = page, {}, {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            action = urlsplit(urljoin(self.page, attrs.get("action") or self.page)).path
            self.current = self.forms.setdefault(action, {})
        elif tag == "form":
            self.current = self.query
        elif (
            self.current is not None
            and tag in ("input", "select", "textarea")
            and attrs.get("name")
            and attrs.get("type") != "file"  # uploads are not fuzzed here
        ):
            self.current.setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


@pytest.fixture
def world(store_a, store_b, operator):
    """Store A's objects, its owner's console and API clients, and the operator's console."""
    ids = store_objects(store_a)
    buyer = ids.pop("buyer")
    with schema_context(store_a.schema_name):
        token = Token.objects.get_or_create(user=owner_of(store_a))[0].key
        buyer_token = Token.objects.get_or_create(user=buyer)[0].key
    connection.set_schema_to_public()
    ids.update(
        store_id=store_b.pk,  # the operator acts on another store: store A stays open to be fuzzed
        plan_id=store_b.subscription.plan_id,
        template_id=StoreTemplate.objects.order_by("pk").first().pk,
    )
    operator_client = host_client("localhost")
    operator_client.post("/operator/login/", {"username": operator.email, "password": PASSWORD})
    api = Client(HTTP_HOST=store_a.host, HTTP_AUTHORIZATION=f"Token {token}")
    buyer_client = signed_in_client(store_a, buyer)
    return {
        "ids": ids,
        "snapshot": Snapshot(store_a.schema_name),
        "tenant": {
            "console/": console_client(store_a, owner_of(store_a)),
            "api/v1/buyer/": Client(HTTP_HOST=store_a.host, HTTP_AUTHORIZATION=f"Token {buyer_token}"),
            "api/": api,
            # the buyer's pages, signed in as the buyer of the objects' orders
            **dict.fromkeys(
                ("account/", "cart/", "checkout/", "orders/", "pay/", "after-sales/"), buyer_client
            ),
            "": host_client(store_a.host),
        },
        "public": {"operator/": operator_client, "": host_client("localhost")},
    }


def _client(clients: dict, route: str) -> Client:
    """The owner for the console, the operator for the operator console, the token for the API; login
    pages and everything else anonymously."""
    if "login" not in route and "sign-in" not in route:
        for prefix, client in sorted(clients.items(), key=lambda item: -len(item[0])):
            if prefix and route.startswith(prefix):
                return client
    return clients[""]


def _discover_forms(routes, clients, ids) -> tuple[dict[str, dict], list[str]]:
    """What the pages at their real paths render: their POST forms, and every query parameter name."""
    forms, query_names = {}, set(QUERY_NAMES)
    for route, names in routes:
        path = _path(route, {name: _real(route, name, ids) for name in names})
        response = _client(clients, route).get(path)
        connection.set_schema_to_public()
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser = _Forms(path)
            parser.feed(response.content.decode())
            for action, fields in parser.forms.items():
                forms.setdefault(action, {}).update(fields)
            query_names.update(parser.query)
    return forms, sorted(query_names)


def _check(response, before: dict, snapshot: Snapshot, what: str) -> None:
    connection.set_schema_to_public()
    assert response.status_code < 500, f"{what} -> {response.status_code}: {response.content[:300]!r}"
    if response.status_code >= 400:
        assert response.content.strip(), f"{what} -> {response.status_code} without a word of why"
        assert snapshot.take() == before, f"{what} -> {response.status_code}, yet something changed"


def _fuzz_pages(urlconf: str, clients: dict, world) -> int:
    """GET and POST every page of the URL conf with hostile values; return how many requests were sent."""
    ids, snapshot = world["ids"], world["snapshot"]
    routes = _routes(urlconf)
    forms, query_names = _discover_forms(routes, clients, ids)
    sent = []

    def fuzz(route, names, client):
        path_values = st.fixed_dictionaries(
            {
                name: st.sampled_from([_real(route, name, ids), *HOSTILE_IDS, *WORDS.get(name, [])])
                for name in names
            }
        )

        @FUZZ
        @given(values=path_values, query=st.dictionaries(st.sampled_from(query_names), HOSTILE, max_size=4))
        def get(values, query):
            path = _path(route, values)
            before = snapshot.take()
            _check(client.get(path, query), before, snapshot, f"GET {path} {query!r}")
            sent.append(path)

        @FUZZ
        @given(values=path_values, data=st.data())
        def post(values, data):
            path = _path(route, values)
            fields = forms.get(path) or dict.fromkeys(GENERIC_FIELDS, "1")
            hostile = data.draw(
                st.dictionaries(st.sampled_from(sorted(fields)), HOSTILE, min_size=1, max_size=3)
            )
            before = snapshot.take()
            _check(client.post(path, {**fields, **hostile}), before, snapshot, f"POST {path} {hostile!r}")
            sent.append(path)

        get()
        post()

    for route, names in routes:
        fuzz(route, names, _client(clients, route))
    return len(sent)


def test_no_page_of_a_store_answers_hostile_input_with_a_server_error(world):
    assert _fuzz_pages("config.urls_tenant", world["tenant"], world) > 300


def test_no_page_of_the_platform_answers_hostile_input_with_a_server_error(world, store_a):
    assert _fuzz_pages("config.urls_public", world["public"], world) > 100
    # The operator pages acted on store B: store A stayed open for the store host's pages.
    assert not OperatorAction.objects.filter(target_type="store", target_id=str(store_a.pk)).exists()
