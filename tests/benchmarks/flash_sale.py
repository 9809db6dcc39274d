"""A flash sale through HTTP: many buyers at once place an order for one unit and pay it with the
sandbox — the buyer API's `POST orders/`, `POST orders/<n>/pay/`, then the sandbox's signed notification
through the payment notify endpoint, exactly the path a real provider's notification takes. The same
run on random SKUs shows what the one hot row costs. Then the query counts of the cart and of placing an
order for 1 and 20 lines.

Buyers are made directly (users, tokens, addresses); orders and payments only through the API."""

from __future__ import annotations

import http.client
import json
import queue
import socket
import threading
import time
import uuid
from decimal import Decimal

from django.db import connection
from django_tenants.utils import schema_context

from tenants.models import Store

from .common import gunicorn, ratio, table

PHONE_BASE = 13_900_000_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _buyers(schema: str, count: int) -> list[dict]:
    """`count` buyers of the store with a token and an address each (made once, reused by every run)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from shop.models import Address

    User = get_user_model()
    with schema_context(schema):
        phones = [f"+86{PHONE_BASE + i}" for i in range(count)]
        have = set(User.objects.filter(phone__in=phones).values_list("phone", flat=True))
        User.objects.bulk_create(
            User(role=User.Role.CUSTOMER, phone=phone, email=None, name=f"抢购{i}", password="!")
            for i, phone in enumerate(phones)
            if phone not in have
        )
        users = list(User.objects.filter(phone__in=phones).order_by("phone"))
        Token.objects.filter(user__in=users, key="").delete()  # an interrupted run's
        have_token = set(Token.objects.filter(user__in=users).values_list("user_id", flat=True))
        Token.objects.bulk_create(
            [Token(user=u, key=Token.generate_key()) for u in users if u.pk not in have_token]
        )
        tokens = dict(Token.objects.filter(user__in=users).values_list("user_id", "key"))
        with_address = set(Address.objects.filter(buyer__in=users).values_list("buyer_id", flat=True))
        Address.objects.bulk_create(
            Address(
                buyer=u,
                contact_name=u.name,
                phone=u.phone,
                province_code="310000",
                city="上海市",
                detail="秒杀路 1 号",
                is_default=True,
            )
            for u in users
            if u.pk not in with_address
        )
        addresses = dict(Address.objects.filter(buyer__in=users).values_list("buyer_id", "pk"))
    connection.set_schema_to_public()
    return [{"token": tokens[u.pk], "address": addresses[u.pk]} for u in users]


def _skus(schema: str, *, hot_units: int, random_count: int) -> tuple[int, list[int]]:
    from shop.models import SKU, Product
    from shop.services import products

    with schema_context(schema):
        for product in Product.objects.filter(title__startswith="秒杀 "):
            products.delete_product(product=product.pk, actor=None)
        hot = Product.objects.create(
            title="秒杀 爆款", status="on_sale", min_price=1, max_price=1, in_stock=True
        )
        hot_sku = SKU.objects.create(product=hot, spec_key="", price=Decimal("9.90"), stock=hot_units)
        spread = Product.objects.bulk_create(
            Product(title=f"秒杀 随机 {i}", status="on_sale", min_price=1, max_price=1, in_stock=True)
            for i in range(random_count)
        )
        randoms = SKU.objects.bulk_create(
            SKU(product=p, spec_key="", price=Decimal("9.90"), stock=1_000_000) for p in spread
        )
    connection.set_schema_to_public()
    return hot_sku.pk, [s.pk for s in randoms]


def _sandbox_notification(store: Store, out_trade_no: str, amount: str) -> tuple[dict, bytes]:
    from shop.payments.registry import provider_for

    with schema_context(store.schema_name):
        headers, body = provider_for(store, "sandbox").build_notification(
            kind="payment_succeeded", out_trade_no=out_trade_no, amount=Decimal(amount)
        )
    connection.set_schema_to_public()
    return headers, body


def _buy(conn, host: str, store: Store, buyer: dict, sku: int) -> tuple[str, float]:
    """One buyer's place-order and pay; ("paid" | "sold_out" | "error <status>", seconds)."""
    started = time.perf_counter()
    auth = {"Host": host, "Authorization": f"Token {buyer['token']}", "Content-Type": "application/json"}
    body = json.dumps({"lines": [{"sku": sku, "quantity": 1}], "address": buyer["address"]})
    conn.request("POST", "/api/v1/buyer/orders/", body, {**auth, "Idempotency-Key": uuid.uuid4().hex})
    answer = conn.getresponse()
    placed = json.loads(answer.read() or b"{}")
    if answer.status == 409:
        return "sold_out", time.perf_counter() - started
    if answer.status != 201:
        return f"error {answer.status}", time.perf_counter() - started
    conn.request(
        "POST", f"/api/v1/buyer/orders/{placed['number']}/pay/", json.dumps({"provider": "sandbox"}), auth
    )
    answer = conn.getresponse()
    started_pay = json.loads(answer.read() or b"{}")
    if answer.status != 200:
        return f"error {answer.status}", time.perf_counter() - started
    headers, notification = _sandbox_notification(store, started_pay["out_trade_no"], started_pay["amount"])
    conn.request(
        "POST",
        "/api/v1/webhooks/payments/sandbox/",
        notification,
        {"Host": host, **headers, "Content-Type": "application/json"},
    )
    answer = conn.getresponse()
    answer.read()
    if answer.status >= 300:
        return f"error notify {answer.status}", time.perf_counter() - started
    return "paid", time.perf_counter() - started


def _rush(port: int, host: str, store: Store, buyers: list[dict], pick, *, clients: int) -> dict:
    """Every buyer tries once, `clients` at a time; returns outcomes, latencies of the paid, elapsed."""
    todo: queue.Queue = queue.Queue()
    for buyer in buyers:
        todo.put(buyer)
    outcomes: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            try:
                buyer = todo.get_nowait()
            except queue.Empty:
                break
            try:
                outcome, seconds = _buy(conn, host, store, buyer, pick())
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                outcome, seconds = f"error {type(error).__name__}", 0.0
            with lock:
                outcomes.append(outcome)
                if outcome == "paid":
                    latencies.append(seconds)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"outcomes": outcomes, "latencies": latencies, "elapsed": time.perf_counter() - started}


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] * 1000


def _stock_check(schema: str, sku: int, units: int) -> dict:
    from django.db.models import Sum

    from shop.models import SKU, Order, OrderLine, StockMovement

    with schema_context(schema):
        stock = SKU.objects.get(pk=sku).stock
        moved = StockMovement.objects.filter(sku_id=sku).aggregate(n=Sum("change"))["n"] or 0
        ordered = OrderLine.objects.filter(sku_id=sku).aggregate(n=Sum("quantity"))["n"] or 0
        paid = Order.objects.filter(lines__sku_id=sku, status="paid").count()
    connection.set_schema_to_public()
    return {
        "stock": stock,
        "sold": ordered,
        "paid": paid,
        "movements_sum": moved,
        "oversold": ordered > units,
    }


def query_counts(store: Store) -> list[list]:
    """Queries of the cart (GET buyer/cart/) and of placing an order (POST buyer/orders/) with 1 and 20
    lines, through the Django test client in this process."""
    from django.contrib.auth import get_user_model
    from django.db import connection as db
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from shop.models import SKU, CartLine, Product
    from shop.services import cart
    from shop.services.addresses import AddressInput, add_address

    rows = []
    with schema_context(store.schema_name):
        User = get_user_model()
        product = Product.objects.create(
            title="秒杀 计数", status="on_sale", min_price=1, max_price=1, in_stock=True
        )
        skus = SKU.objects.bulk_create(
            SKU(product=product, spec_key=f"k{i}", spec_values=[f"k{i}"], price=Decimal("1.00"), stock=100)
            for i in range(20)
        )
    for lines in (1, 20):
        with schema_context(store.schema_name):
            # The same buyer every run (one per phone number): an empty cart, one address.
            buyer, _made = User.objects.get_or_create(
                phone=f"+86{PHONE_BASE - lines}",
                defaults={"role": User.Role.CUSTOMER, "email": None, "password": "!"},
            )
            CartLine.objects.filter(cart__buyer=buyer).delete()
            address = buyer.addresses.first() or add_address(
                buyer=buyer,
                data=AddressInput(
                    contact_name="计数",
                    phone=f"{PHONE_BASE - lines}",
                    province_code="310000",
                    city="上海市",
                    district="",
                    detail="一号",
                ),
            )
            for sku in skus[:lines]:
                cart.add_to_cart(buyer=buyer, sku_id=sku.pk, quantity=1)
            token = Token.objects.get_or_create(user=buyer)[0].key
        connection.set_schema_to_public()
        client = Client(HTTP_HOST=store.host, HTTP_AUTHORIZATION=f"Token {token}")
        client.get("/api/v1/buyer/cart/")  # the host cache, as in a running server
        with CaptureQueriesContext(db) as cart_queries:
            assert client.get("/api/v1/buyer/cart/").status_code == 200
        body = {"from_cart": True, "address": address.pk}
        with CaptureQueriesContext(db) as place_queries:
            placed = client.post(
                "/api/v1/buyer/orders/",
                body,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            )
        assert placed.status_code == 201, placed.content[:300]
        connection.set_schema_to_public()
        rows.append([lines, len(cart_queries), len(place_queries)])
    return rows


def run(*, clients: int = 32, units: int = 200, buyers_per_unit: int = 4, random_skus: int = 200) -> dict:
    store = Store.objects.get(slug="demo")
    schema = store.schema_name
    buyers = _buyers(schema, units * buyers_per_unit)
    hot, randoms = _skus(schema, hot_units=units, random_count=random_skus)
    port = _free_port()
    host = f"{store.host}:{port}"
    results = {}
    with gunicorn(port):
        _rush(port, host, store, buyers[:clients], lambda: randoms[0], clients=clients)  # warm every worker
        results["hot SKU"] = _rush(port, host, store, buyers, lambda: hot, clients=clients)
        import random

        results["random SKUs"] = _rush(
            port, host, store, buyers, lambda: random.choice(randoms), clients=clients
        )
    check = _stock_check(schema, hot, units)
    rows = []
    for label, result in results.items():
        outcomes = result["outcomes"]
        paid = outcomes.count("paid")
        errors = [o for o in outcomes if o.startswith("error")]
        rows.append(
            [
                label,
                len(outcomes),
                paid,
                outcomes.count("sold_out"),
                len(errors),
                f"{paid / result['elapsed']:.0f}",
                f"{_percentile(result['latencies'], 0.5):.0f}",
                f"{_percentile(result['latencies'], 0.99):.0f}",
            ]
        )
    hot_rate = results["hot SKU"]["outcomes"].count("paid") / results["hot SKU"]["elapsed"]
    random_rate = results["random SKUs"]["outcomes"].count("paid") / results["random SKUs"]["elapsed"]
    print(
        table(
            f"Flash sale through HTTP: {units} units of one SKU, {len(buyers)} buyers ({clients} at a time), "
            "each placing an order and paying it with the sandbox (place + pay + notify)",
            ["run", "buyers", "paid", "sold out", "errors", "paid orders/s", "p50 ms", "p99 ms"],
            rows,
        )
    )
    print(f"  hot / random paid orders per second: {ratio(hot_rate, random_rate)}")
    print(
        f"  oversell check: {units} units -> {check['sold']} ordered, {check['paid']} paid, stock now "
        f"{check['stock']}, movements sum {check['movements_sum']}: "
        f"{'OVERSOLD' if check['oversold'] or check['stock'] < 0 else 'no oversell'}"
    )
    errors = sum(1 for r in results.values() for o in r["outcomes"] if o.startswith("error"))
    if errors:
        sample = sorted({o for r in results.values() for o in r["outcomes"] if o.startswith("error")})
        print(f"  errors seen: {', '.join(sample[:5])}")
    counts = query_counts(store)
    print(
        table("Queries per request (buyer API)", ["lines", "GET buyer/cart/", "POST buyer/orders/"], counts)
    )
    # Several SKUs are locked in id order by one statement more than a single SKU needs: 1 line may cost
    # one query less than 2 or 20, never more.
    flat = counts[0][1] == counts[1][1] and 0 <= counts[1][2] - counts[0][2] <= 1
    print(f"  target cart and place-order queries do not grow with the lines: {'met' if flat else 'MISSED'}")
    with schema_context(schema):
        from shop.models import Product

        for product in Product.objects.filter(title__startswith="秒杀 "):
            from shop.services import products

            products.delete_product(product=product.pk, actor=None)
    connection.set_schema_to_public()
    return {"results": results, "check": check, "query_counts": counts}
