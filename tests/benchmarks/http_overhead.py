"""Requests/s of real pages and endpoints against a no-database hello endpoint on the same server, and
`SET search_path` statements per request."""

from __future__ import annotations

import socket

from django.db import connection, connections
from django.test import Client
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from tenants.models import Store

from .common import gunicorn, load, ratio, table


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def endpoints(store: Store) -> list[tuple[str, str, dict]]:
    """(label, path, headers) on the demo store; catalogue pages when the catalogue has products."""
    with schema_context(store.schema_name):
        from django.contrib.auth import get_user_model

        owner = get_user_model().objects.get(role="owner")
        token = Token.objects.get_or_create(user=owner)[0].key
        auth = {"Authorization": f"Token {token}"}
        found = [("hello (no database)", "/ping", {}), ("storefront home", "/", {})]
        try:
            from shop.models import Category, Product

            product = Product.objects.filter(status="on_sale").order_by("id").first()
            category = Category.objects.filter(parent__isnull=True).order_by("id").first()
        except Exception:  # the catalogue app may not be there
            product = category = None
        if category is not None:
            found.append(("storefront category list", f"/categories/{category.pk}/", {}))
        if product is not None:
            found.append(("storefront search", "/search/?q=%E6%9E%9C", {}))
            found.append(("storefront product detail", f"/products/{product.pk}/", {}))
            found.append(("API list: products", "/api/v1/products/", auth))
        found.append(("API list: staff", "/api/v1/staff/", auth))
    connection.set_schema_to_public()
    return found


def search_path_sets_per_request(store: Store, paths: list[tuple[str, str, dict]], repeat: int = 20) -> dict:
    wrapper = type(connections["default"])
    original = wrapper._get_cursor_search_paths
    counter = {"n": 0}

    def counting(self):
        counter["n"] += 1
        return original(self)

    wrapper._get_cursor_search_paths = counting
    try:
        client = Client(HTTP_HOST=store.host)
        result = {}
        for label, path, headers in paths:
            client.get(path, **{f"HTTP_{k.upper()}": v for k, v in headers.items()})  # warm the host cache
            counter["n"] = 0
            for _ in range(repeat):
                client.get(path, **{f"HTTP_{k.upper()}": v for k, v in headers.items()})
            result[label] = counter["n"] / repeat
        return result
    finally:
        wrapper._get_cursor_search_paths = original
        connection.set_schema_to_public()


def run(seconds: float = 5, connections_: int = 16, workers: int = 2) -> dict:
    store = Store.objects.get(slug="demo")
    paths = endpoints(store)
    sets = search_path_sets_per_request(store, paths)
    port = _free_port()
    results = {}
    with gunicorn(port, workers=workers):
        host = f"{store.host}:{port}"
        for label, path, headers in paths:
            load(f"http://127.0.0.1:{port}{path}", host, seconds=1, connections=4, headers=headers)  # warm-up
            results[label] = load(
                f"http://127.0.0.1:{port}{path}",
                host,
                seconds=seconds,
                connections=connections_,
                headers=headers,
            )
    hello = results["hello (no database)"]["rps"]
    rows = [
        [
            label,
            f"{r['rps']:.0f}",
            f"{r['p50_ms']:.1f}" if r["p50_ms"] is not None else "-",
            r["errors"],
            ratio(r["rps"], hello),
            f"{sets[label]:.2f}",
        ]
        for label, r in results.items()
    ]
    tool = next(iter(results.values()))["tool"]
    print(
        table(
            f"Request overhead: gunicorn {workers} workers x 4 threads, {connections_} connections, "
            f"{seconds:.0f} s each ({tool})",
            ["endpoint", "req/s", "p50 ms", "non-2xx", "vs hello", "SET search_path/req"],
            rows,
        )
    )
    worst = max(sets.values())
    print(f"  target SET search_path per request <= 1: {'met' if worst <= 1 else 'MISSED'} (max {worst:.2f})")
    return results
