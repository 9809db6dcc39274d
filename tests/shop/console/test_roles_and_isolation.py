"""Who may do what on the order pages (the owner, administrators and operations ship and cancel and set the
shipping rules; customer service decides after-sales; finance sees everything and changes nothing), each
refusal a 403 that says why and changes nothing; and the walls around a store: store B's owner reaches
nothing of store A, a buyer's session and a visitor open no console page."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django_tenants.utils import schema_context

from shop.permissions import can_change_shipping_rules, can_handle_after_sales, can_handle_orders
from tenants.accounts.models import User
from tests.conftest import host_client, signed_in_client
from tests.shop.console.conftest import ask_refund, paid_order, text
from tests.snapshots import Snapshot

SHIP = {"carrier": "shunfeng", "tracking_number": "SF1401234567890"}
RULES = {
    "shipping_flat_fee": "1",
    "unpaid_timeout_minutes": "30",
    "auto_complete_days": "10",
    "after_sale_days": "15",
}


@pytest.mark.parametrize(
    "role, orders, after_sales",
    [
        ("owner", True, True),
        ("admin", True, True),
        ("operations", True, False),
        ("customer_service", False, True),
        ("finance", False, False),
        ("customer", False, False),
    ],
)
def test_the_rules_of_each_role(role, orders, after_sales):
    user = User(email="staff@example.com", role=role, is_active=True)
    assert can_handle_orders(user) is orders and can_change_shipping_rules(user) is orders
    assert can_handle_after_sales(user) is after_sales
    gone = User(email="gone@example.com", role=role, is_active=False)
    assert not (can_handle_orders(gone) or can_handle_after_sales(gone) or can_change_shipping_rules(gone))
    assert not can_handle_orders(AnonymousUser()) and not can_handle_after_sales(AnonymousUser())


@pytest.fixture
def things(shop):
    """A paid order, an unpaid one and an open refund request."""
    paid = paid_order(shop)
    return {
        "paid": paid,
        "unpaid": shop.place([(shop.large, 1)]),
        "request": ask_refund(shop, paid_order(shop, (shop.tea_sku, 1))),
    }


def order_handler_posts(client, things):
    csv = b"\xef\xbb\xbf\xe8\xae\xa2\xe5\x8d\x95\xe5\x8f\xb7,carrier,tracking_number\r\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [
        client.post(f"/console/orders/{things['paid'].pk}/ship/", SHIP),
        client.post(f"/console/orders/{things['paid'].pk}/ship/", SHIP, HTTP_HX_REQUEST="true"),
        client.post(f"/console/orders/{things['unpaid'].pk}/cancel/", {"reason": "不卖了"}),
        client.post(
            "/console/orders/ship/", {"file": SimpleUploadedFile("s.csv", csv + b"1,shunfeng,SF1\r\n")}
        ),
        client.post("/console/settings/shipping/", RULES),
    ]


def after_sale_posts(client, things):
    pk = things["request"].pk
    return [
        client.post(f"/console/after-sales/{pk}/approve/"),
        client.post(f"/console/after-sales/{pk}/reject/", {"reason": "不行"}),
        client.post(f"/console/after-sales/{pk}/receive/", {"restock": "on"}),
    ]


def look_at_everything(client, things):
    for path in (
        "/console/",
        "/console/orders/",
        f"/console/orders/{things['paid'].pk}/",
        "/console/orders/export/",
        "/console/orders/ship/",
        "/console/orders/ship/template/",
        "/console/after-sales/",
        f"/console/after-sales/{things['request'].pk}/",
        "/console/settings/shipping/",
    ):
        assert client.get(path).status_code == 200, path


def test_finance_sees_everything_and_changes_nothing(shop, finance_client, things):
    look_at_everything(finance_client, things)
    order_page = text(finance_client.get(f"/console/orders/{things['paid'].pk}/"))
    assert 'action="/console/orders/' not in order_page.split('id="ship-order"')[1].split("</section>")[0]
    assert "Your role can look but not ship." in order_page
    request_page = text(finance_client.get(f"/console/after-sales/{things['request'].pk}/"))
    assert "/approve/" not in request_page and "can look at after-sales but not decide them" in request_page

    before = Snapshot(shop.store.schema_name).take()
    refused = order_handler_posts(finance_client, things) + after_sale_posts(finance_client, things)
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert "Only the owner, an administrator or operations staff can ship or cancel orders." in text(
        refused[0]
    )
    assert (
        text(refused[1]) == "Only the owner, an administrator or operations staff can ship or cancel orders."
    )
    assert "Only the owner, an administrator or customer service can decide after-sales requests." in text(
        refused[-1]
    )
    assert Snapshot(shop.store.schema_name).take() == before


def test_customer_service_decides_after_sales_but_does_not_ship(shop, service_client, things):
    look_at_everything(service_client, things)
    before = Snapshot(shop.store.schema_name).take()
    refused = order_handler_posts(service_client, things)
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert Snapshot(shop.store.schema_name).take() == before

    response = service_client.post(
        f"/console/after-sales/{things['request'].pk}/reject/", {"reason": "已过期"}
    )
    assert response.status_code == 302
    things["request"].refresh_from_db()
    assert things["request"].status == "rejected"


def test_operations_ship_but_do_not_decide_after_sales(shop, operations_client, things):
    before = Snapshot(shop.store.schema_name).take()
    refused = after_sale_posts(operations_client, things)
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert Snapshot(shop.store.schema_name).take() == before

    assert operations_client.post(f"/console/orders/{things['paid'].pk}/ship/", SHIP).status_code == 302
    assert (
        operations_client.post(
            f"/console/orders/{things['unpaid'].pk}/cancel/", {"reason": "缺货"}
        ).status_code
        == 302
    )
    assert operations_client.post("/console/settings/shipping/", RULES).status_code == 302


# --- the walls around a store --------------------------------------------------------------------------


def test_store_bs_owner_reaches_nothing_of_store_a(shop, owner_client_b, store_b, things):
    order, request = things["paid"], things["request"]
    with schema_context(store_b.schema_name):
        from shop.models import AfterSale, Order

        # store B has no orders of its own: every id of A's names nothing in B
        assert not Order.objects.exists() and not AfterSale.objects.exists()
        before = Snapshot(store_b.schema_name).take()
    a_before = Snapshot(shop.store.schema_name).take()

    for pk in (order.pk, things["unpaid"].pk):
        assert owner_client_b.get(f"/console/orders/{pk}/").status_code == 404
        assert owner_client_b.post(f"/console/orders/{pk}/ship/", SHIP).status_code == 404
        assert owner_client_b.post(f"/console/orders/{pk}/cancel/", {"reason": "x"}).status_code == 404
    assert owner_client_b.get(f"/console/after-sales/{request.pk}/").status_code == 404
    for action in ("approve", "reject", "receive"):
        response = owner_client_b.post(f"/console/after-sales/{request.pk}/{action}/", {"reason": "x"})
        assert response.status_code == 404
    listing = text(owner_client_b.get("/console/orders/"))
    assert order.number not in listing and "No orders yet" in listing and 'id="tab-count-all">0<' in listing
    for term in (order.number, "13800138001"):
        assert "0 orders" in text(owner_client_b.get("/console/orders/", {"search": term}))
    queue = text(owner_client_b.get("/console/after-sales/"))
    assert request.number not in queue and 'id="queue-count-open">0<' in queue
    export = owner_client_b.get("/console/orders/export/").content.decode("utf-8-sig")
    assert export.count("\r\n") == 1 and order.number not in export
    template = owner_client_b.get("/console/orders/ship/template/").content.decode("utf-8-sig")
    assert order.number not in template
    # a file naming A's order ships nothing anywhere
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "s.csv", f"订单号,快递公司,运单号\r\n{order.number},顺丰,SF1401234567890\r\n".encode()
    )
    report = text(owner_client_b.post("/console/orders/ship/", {"file": upload}))
    assert "No order with this number." in report

    with schema_context(store_b.schema_name):
        assert Snapshot(store_b.schema_name).take() == before
        from shop.models import Shipment

        assert not Shipment.objects.exists()
    connection.set_tenant(shop.store)
    assert Snapshot(shop.store.schema_name).take() == a_before


def test_a_session_of_store_a_is_no_login_on_store_b(shop, things, owner_client, store_b):
    stolen = host_client(store_b.host)
    stolen.cookies = owner_client.cookies
    for path in ("/console/orders/", "/console/after-sales/", "/console/settings/shipping/"):
        response = stolen.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/console/login/")


CONSOLE_PAGES = [
    "/console/orders/",
    "/console/orders/{order}/",
    "/console/orders/export/",
    "/console/orders/ship/",
    "/console/orders/ship/template/",
    "/console/after-sales/",
    "/console/after-sales/{request}/",
    "/console/settings/shipping/",
    "/console/settings/shipping/row/",
]
CONSOLE_POSTS = [
    ("/console/orders/{order}/ship/", SHIP),
    ("/console/orders/{unpaid}/cancel/", {"reason": "x"}),
    ("/console/orders/ship/", {}),
    ("/console/after-sales/{request}/approve/", {}),
    ("/console/after-sales/{request}/reject/", {"reason": "x"}),
    ("/console/after-sales/{request}/receive/", {}),
    ("/console/settings/shipping/", RULES),
]


def _paths(things, paths):
    ids = {"order": things["paid"].pk, "unpaid": things["unpaid"].pk, "request": things["request"].pk}
    return [path.format(**ids) for path in paths]


@pytest.mark.parametrize("who", ["buyer", "visitor"])
def test_a_buyer_or_a_visitor_opens_no_console_page(shop, things, who):
    client = signed_in_client(shop.store, shop.buyer) if who == "buyer" else host_client(shop.store.host)
    connection.set_tenant(shop.store)
    before = Snapshot(shop.store.schema_name).take()
    for path in _paths(things, CONSOLE_PAGES):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/console/login/"), path
    for path, data in zip(
        _paths(things, [p for p, _ in CONSOLE_POSTS]), [d for _, d in CONSOLE_POSTS], strict=True
    ):
        response = client.post(path, data)
        assert response.status_code == 302 and response["Location"].startswith("/console/login/"), path
    connection.set_tenant(shop.store)
    assert Snapshot(shop.store.schema_name).take() == before
