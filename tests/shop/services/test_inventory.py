"""Stock: reserve, release, adjust — never oversold, every change logged, alerts once per crossing."""

import threading
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop import tasks
from shop.models import SKU, MerchantNotification, Product, ShopSettings, StockMovement
from shop.services import products
from shop.services.inventory import OutOfStock, adjust_stock, release_stock, reserve_stock
from shop.services.product_bulk import apply_bulk_action
from shop.services.shop_settings import update_shop_settings
from tenants.errors import InvalidInput, NotFound
from tests.conftest import owner_of, run_in_threads
from tests.shop.factories import new_product, update_product

# Tests get the transactional `db` through `in_store_a`; the concurrency tests commit for real instead.


def only_sku(product) -> SKU:
    return SKU.objects.get(product=product)


def movements_sum(sku) -> int:
    return StockMovement.objects.filter(sku=sku).aggregate(total=Sum("change"))["total"] or 0


def two_sku_matrix(*, stock=5, threshold=0) -> dict:
    """The specs and SKUs of a product sold in 5斤 and 10斤 boxes, `stock` of each."""
    return {
        "specs": [{"name": "规格", "values": ["5斤", "10斤"]}],
        "skus": [
            {"spec_values": ["5斤"], "price": "39.90", "stock": stock, "low_stock_threshold": threshold},
            {"spec_values": ["10斤"], "price": "69.90", "stock": stock, "low_stock_threshold": threshold},
        ],
    }


def two_sku_product(store, *, stock=5, threshold=0, status=Product.Status.ON_SALE):
    matrix = two_sku_matrix(stock=stock, threshold=threshold)
    product = new_product(store, title="烟台红富士苹果", status=status, **matrix)
    return product, list(product.skus.order_by("id"))


# ---------------------------------------------------------------------------------------------
# Reserve
# ---------------------------------------------------------------------------------------------


def test_reserving_takes_the_stock_and_logs_an_order_movement(in_store_a):
    product = new_product(in_store_a, stock=10)
    sku = only_sku(product)

    result = reserve_stock([(sku.pk, 3)], reference="ORDER-1")

    assert result == {sku.pk: 7}
    sku.refresh_from_db()
    product.refresh_from_db()
    assert sku.stock == 7 and product.in_stock
    movement = StockMovement.objects.get(sku=sku, reason="order")
    assert (movement.change, movement.stock_after, movement.reference) == (-3, 7, "ORDER-1")


def test_repeated_skus_in_one_reservation_are_added_up(in_store_a):
    sku = only_sku(new_product(in_store_a, stock=10))
    reserve_stock([(sku.pk, 2), (sku.pk, 3)], reference="ORDER-2")
    sku.refresh_from_db()
    assert sku.stock == 5
    assert list(StockMovement.objects.filter(sku=sku, reason="order").values_list("change", flat=True)) == [
        -5
    ]


def test_a_reservation_of_several_skus_is_all_or_nothing(in_store_a):
    product, (small, big) = two_sku_product(in_store_a, stock=5)
    adjust_stock(sku=big, new_stock=1)

    with pytest.raises(OutOfStock) as caught:
        reserve_stock([(small.pk, 2), (big.pk, 2)], reference="ORDER-3")

    assert caught.value.sku_ids == [big.pk]
    assert caught.value.status_code == 409
    assert "Not enough stock" in caught.value.message
    small.refresh_from_db()
    product.refresh_from_db()
    assert small.stock == 5  # the first SKU's decrement was rolled back
    assert product.in_stock
    assert not StockMovement.objects.filter(reason="order").exists()


def test_a_sold_out_sku_says_sold_out(in_store_a):
    sku = only_sku(new_product(in_store_a, stock=0))
    with pytest.raises(OutOfStock, match="Sold out"):
        reserve_stock([(sku.pk, 1)], reference="ORDER-4")


def test_a_disabled_sku_cannot_be_reserved(in_store_a):
    product, (small, _big) = two_sku_product(in_store_a, stock=5)
    SKU.objects.filter(pk=small.pk).update(is_active=False)
    with pytest.raises(OutOfStock):
        reserve_stock([(small.pk, 1)], reference="ORDER-5")


def test_an_unknown_sku_is_not_found(in_store_a):
    with pytest.raises(NotFound):
        reserve_stock([(987654, 1)], reference="ORDER-6")


@pytest.mark.parametrize("qty", [0, -1, 1.5, "2", True, None])
def test_quantity_must_be_a_positive_whole_number(in_store_a, qty):
    sku = only_sku(new_product(in_store_a, stock=10))
    with pytest.raises(InvalidInput) as caught:
        reserve_stock([(sku.pk, qty)], reference="ORDER-7")
    assert "items.0.quantity" in caught.value.errors
    sku.refresh_from_db()
    assert sku.stock == 10


def test_a_reservation_needs_a_reference(in_store_a):
    sku = only_sku(new_product(in_store_a, stock=10))
    with pytest.raises(InvalidInput) as caught:
        reserve_stock([(sku.pk, 1)], reference=" ")
    assert "reference" in caught.value.errors


# ---------------------------------------------------------------------------------------------
# Release and adjust
# ---------------------------------------------------------------------------------------------


def test_releasing_the_same_order_twice_adds_the_stock_once(in_store_a):
    product, (small, big) = two_sku_product(in_store_a, stock=5)
    reserve_stock([(small.pk, 2), (big.pk, 1)], reference="ORDER-8")

    first = release_stock([(small.pk, 2), (big.pk, 1)], reference="ORDER-8", reason="cancel")
    second = release_stock([(small.pk, 2), (big.pk, 1)], reference="ORDER-8", reason="cancel")

    assert first == {small.pk: 5, big.pk: 5}
    assert second == {}
    product.refresh_from_db()
    assert product.in_stock
    assert StockMovement.objects.filter(reference="ORDER-8", reason="cancel").count() == 2


def test_a_return_after_a_cancel_of_the_same_reference_is_not_counted_twice(in_store_a):
    sku = only_sku(new_product(in_store_a, stock=5))
    reserve_stock([(sku.pk, 2)], reference="ORDER-9")
    release_stock([(sku.pk, 2)], reference="ORDER-9", reason="cancel")
    assert release_stock([(sku.pk, 2)], reference="ORDER-9", reason="return") == {}
    sku.refresh_from_db()
    assert sku.stock == 5


def test_release_reason_must_be_cancel_or_return(in_store_a):
    sku = only_sku(new_product(in_store_a, stock=5))
    with pytest.raises(InvalidInput):
        release_stock([(sku.pk, 1)], reference="ORDER-10", reason="adjustment")


def test_manual_adjustment_logs_who_why_and_the_new_stock(in_store_a):
    owner = owner_of(in_store_a)
    connection.set_schema(in_store_a.schema_name)
    sku = only_sku(new_product(in_store_a, stock=5))

    movement = adjust_stock(sku=sku, new_stock=12, note="盘点 stocktake", actor=owner)

    assert (movement.change, movement.stock_after, movement.reason) == (7, 12, "adjustment")
    assert movement.actor == owner and movement.note == "盘点 stocktake"
    assert adjust_stock(sku=sku, delta=-2).stock_after == 10
    assert adjust_stock(sku=sku, new_stock=10) is None  # no change, no movement
    sku.refresh_from_db()
    assert sku.stock == 10 and sku.product.in_stock


@pytest.mark.parametrize("kwargs, field", [({"new_stock": -1}, "new_stock"), ({"delta": -6}, "delta")])
def test_stock_below_zero_is_refused_with_a_clear_message(in_store_a, kwargs, field):
    sku = only_sku(new_product(in_store_a, stock=5))
    with pytest.raises(InvalidInput) as caught:
        adjust_stock(sku=sku, **kwargs)
    assert field in caught.value.errors
    sku.refresh_from_db()
    assert sku.stock == 5
    assert movements_sum(sku) == 5


def test_the_database_itself_refuses_negative_stock(in_store_a):
    from django.db import IntegrityError, transaction

    sku = only_sku(new_product(in_store_a, stock=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        SKU.objects.filter(pk=sku.pk).update(stock=-1)


# ---------------------------------------------------------------------------------------------
# Low-stock alerts and automatic off-sale
# ---------------------------------------------------------------------------------------------


def test_low_stock_alert_fires_once_per_crossing(in_store_a, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.send_low_stock_email, "delay", lambda *args: queued.append(args))
    product, (sku, _other) = two_sku_product(in_store_a, stock=10, threshold=5)

    with django_capture_on_commit_callbacks(execute=True):
        reserve_stock([(sku.pk, 4)], reference="A1")  # 10 -> 6: still above
        assert MerchantNotification.objects.count() == 0
        reserve_stock([(sku.pk, 2)], reference="A2")  # 6 -> 4: crosses
        reserve_stock([(sku.pk, 1)], reference="A3")  # 4 -> 3: already told
        reserve_stock([(sku.pk, 3)], reference="A4")  # 3 -> 0: already told

    notice = MerchantNotification.objects.get()
    assert notice.kind == "low_stock" and "5斤" in notice.title and "Only 4 left" in notice.body
    assert queued == [(sku.pk, 4)]
    sku.refresh_from_db()
    assert sku.low_stock_alerted

    adjust_stock(sku=sku, new_stock=8)  # restocked above the threshold: the flag is cleared
    sku.refresh_from_db()
    assert not sku.low_stock_alerted
    with django_capture_on_commit_callbacks(execute=True):
        reserve_stock([(sku.pk, 3)], reference="A5")  # 8 -> 5: crosses again
    assert MerchantNotification.objects.count() == 2
    assert queued == [(sku.pk, 4), (sku.pk, 5)]


def test_low_stock_email_goes_to_the_owner_unless_switched_off(in_store_a, settings):
    settings.PUBLIC_URL_SCHEME, settings.PUBLIC_PORT = "https", ""
    product, (sku, _other) = two_sku_product(in_store_a, stock=3, threshold=5)

    assert tasks.send_low_stock_email(sku.pk, 3) is True
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [in_store_a.owner_email]
    assert "Low stock" in mail.outbox[0].subject and "5斤" in mail.outbox[0].subject
    restock = f"https://{in_store_a.host}/console/products/{product.pk}/stock/"
    assert f"Restock it in your console: {restock}" in mail.outbox[0].body

    update_shop_settings(actor=None, auto_off_sale_when_sold_out=False, low_stock_email=False)
    assert tasks.send_low_stock_email(sku.pk, 3) is False
    assert len(mail.outbox) == 1


def test_a_product_goes_off_sale_when_every_sku_sells_out_and_back_on_when_restocked(in_store_a):
    update_shop_settings(actor=None, auto_off_sale_when_sold_out=True, low_stock_email=True)
    product, (small, big) = two_sku_product(in_store_a, stock=1)

    reserve_stock([(small.pk, 1)], reference="B1")
    product.refresh_from_db()
    assert product.status == Product.Status.ON_SALE  # one SKU left

    reserve_stock([(big.pk, 1)], reference="B2")
    product.refresh_from_db()
    assert (product.status, product.off_sale_by_stock, product.in_stock) == ("off_sale", True, False)

    release_stock([(big.pk, 1)], reference="B2")
    product.refresh_from_db()
    assert (product.status, product.off_sale_by_stock, product.in_stock) == ("on_sale", False, True)


def test_sold_out_products_stay_on_sale_when_the_store_prefers(in_store_a):
    assert ShopSettings.load().auto_off_sale_when_sold_out is False
    product = new_product(in_store_a, stock=1)
    reserve_stock([(only_sku(product).pk, 1)], reference="C1")
    product.refresh_from_db()
    assert product.status == Product.Status.ON_SALE and product.is_sold_out


def test_a_restock_never_undoes_the_merchants_own_off_sale(in_store_a):
    update_shop_settings(actor=None, auto_off_sale_when_sold_out=True, low_stock_email=True)
    product = new_product(in_store_a, stock=1)
    sku = only_sku(product)
    reserve_stock([(sku.pk, 1)], reference="D1")
    products.set_product_status(
        product=product, status="off_sale", actor=None
    )  # the merchant decides: off sale for good
    adjust_stock(sku=sku, new_stock=20)
    product.refresh_from_db()
    assert product.status == Product.Status.OFF_SALE


def test_a_sale_that_leaves_stock_touches_only_the_sku_and_its_movement(in_store_a):
    product, (small, big) = two_sku_product(in_store_a, stock=5)

    with CaptureQueriesContext(connection) as captured:
        reserve_stock([(small.pk, 2)], reference="E1")

    statements = [q["sql"] for q in captured if "shop_" in q["sql"]]
    assert len(statements) == 1 and "shop_product" not in statements[0]  # the product row is not written
    assert StockMovement.objects.get(reference="E1").stock_after == 3


def test_one_connection_serving_two_stores_takes_stock_in_each_stores_own_schema(store_a, store_b):
    # The stock statement is prepared once per connection; switching stores must re-aim it. The two
    # SKUs share an id on purpose: a statement stuck on store A's tables would sell A's stock.
    with schema_context(store_a.schema_name):
        sku_a = only_sku(new_product(store_a, stock=10))
        reserve_stock([(sku_a.pk, 1)], reference="A-1")
    with schema_context(store_b.schema_name):
        product_b = new_product(store_b, stock=10)
        SKU.objects.filter(product=product_b).delete()
        SKU.objects.create(id=sku_a.pk, product=product_b, spec_key="", price="9.90", stock=10)
        reserve_stock([(sku_a.pk, 2)], reference="B-1")
    with schema_context(store_a.schema_name):
        reserve_stock([(sku_a.pk, 1)], reference="A-2")
        assert SKU.objects.get(pk=sku_a.pk).stock == 8
        assert sorted(StockMovement.objects.values_list("reference", flat=True)) == ["", "A-1", "A-2"]
    with schema_context(store_b.schema_name):
        assert SKU.objects.get(pk=sku_a.pk).stock == 8
        assert list(StockMovement.objects.filter(reason="order").values_list("reference", flat=True)) == [
            "B-1"
        ]


def test_a_product_is_sold_out_only_when_its_last_active_sku_is(in_store_a):
    product, (small, big) = two_sku_product(in_store_a, stock=1)
    SKU.objects.filter(pk=big.pk).update(is_active=False)
    products.refresh_denormalised(product)

    reserve_stock([(small.pk, 1)], reference="F1")
    product.refresh_from_db()
    assert not product.in_stock and product.is_sold_out  # the disabled SKU's 1 is not for sale

    adjust_stock(sku=big, new_stock=9)  # restocking a disabled SKU does not make the product available
    product.refresh_from_db()
    assert not product.in_stock

    release_stock([(small.pk, 1)], reference="F1")
    product.refresh_from_db()
    assert product.in_stock


# ---------------------------------------------------------------------------------------------
# Property: stock = initial + movements, never negative
# ---------------------------------------------------------------------------------------------

operations = st.lists(
    st.one_of(
        st.tuples(st.just("reserve"), st.integers(1, 6)),
        st.tuples(st.just("release"), st.integers(1, 6), st.sampled_from(["R1", "R2", "R3"])),
        st.tuples(st.just("adjust_delta"), st.integers(-8, 8)),
        st.tuples(st.just("adjust_to"), st.integers(-2, 15)),
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(initial=st.integers(0, 10), ops=operations)
def test_stock_always_equals_its_movements_and_is_never_negative(in_store_a, initial, ops):
    product = new_product(in_store_a, stock=initial)
    sku = only_sku(product)
    expected = initial
    released: set[str] = set()
    for number, op in enumerate(ops):
        kind, amount = op[0], op[1]
        try:
            if kind == "reserve":
                reserve_stock([(sku.pk, amount)], reference=f"O{number}")
                assert expected >= amount
                expected -= amount
            elif kind == "release":
                release_stock([(sku.pk, amount)], reference=op[2])
                if op[2] not in released:
                    released.add(op[2])
                    expected += amount
            elif kind == "adjust_delta":
                if amount == 0:
                    continue
                adjust_stock(sku=sku, delta=amount)
                assert expected + amount >= 0
                expected += amount
            else:
                adjust_stock(sku=sku, new_stock=amount)
                assert amount >= 0
                expected = amount
        except OutOfStock:
            assert kind == "reserve" and expected < amount
        except InvalidInput:
            assert kind.startswith("adjust") and (
                expected + amount < 0 if kind == "adjust_delta" else amount < 0
            )
        sku.refresh_from_db()
        assert sku.stock == expected >= 0
    product.refresh_from_db()
    assert sku.stock == movements_sum(sku)
    assert product.in_stock == (sku.stock > 0)


two_sku_operations = st.lists(
    st.one_of(
        st.tuples(st.just("reserve"), st.integers(0, 1), st.integers(1, 4)),
        st.tuples(st.just("release"), st.integers(0, 1), st.integers(1, 4), st.sampled_from(["R1", "R2"])),
        st.tuples(st.just("adjust_to"), st.integers(0, 1), st.integers(0, 6)),
    ),
    max_size=20,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.integers(1, 4), second=st.integers(0, 4), ops=two_sku_operations)
def test_sold_out_and_automatic_off_sale_follow_the_skus_stock(in_store_a, first, second, ops):
    update_shop_settings(actor=None, auto_off_sale_when_sold_out=True, low_stock_email=False)
    specs = [{"name": "规格", "values": ["5斤", "10斤"]}]
    skus = [
        {"spec_values": ["5斤"], "price": "39.90", "stock": first},
        {"spec_values": ["10斤"], "price": "69.90", "stock": second},
    ]
    product = new_product(in_store_a, specs=specs, skus=skus)
    sku_ids = list(product.skus.order_by("id").values_list("pk", flat=True))
    for number, op in enumerate(ops):
        kind, sku_id = op[0], sku_ids[op[1]]
        try:
            if kind == "reserve":
                reserve_stock([(sku_id, op[2])], reference=f"O{number}")
            elif kind == "release":
                release_stock([(sku_id, op[2])], reference=op[3])
            else:
                adjust_stock(sku=sku_id, new_stock=op[2])
        except OutOfStock:
            pass
        product.refresh_from_db()
        available = SKU.objects.filter(product=product, stock__gt=0).exists()
        assert product.in_stock == available
        assert (product.status, product.off_sale_by_stock) == (
            ("on_sale", False) if available else ("off_sale", True)
        )


# ---------------------------------------------------------------------------------------------
# Concurrency against the real database (committed data, one connection per thread)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def committed_catalogue(committed_store):
    """Products created for real (committed) in store A; deleted again afterwards."""
    store_a = committed_store
    made = []

    def make(**kwargs):
        with schema_context(store_a.schema_name):
            product = new_product(store_a, **kwargs)
        made.append(product.pk)
        return product

    yield make
    with schema_context(store_a.schema_name):
        if made:
            apply_bulk_action(actor=None, action="delete", product_ids=made)
        MerchantNotification.objects.all().delete()
        ShopSettings.objects.all().delete()


def test_k_units_of_stock_sell_exactly_k_times_to_many_concurrent_buyers(
    committed_store, committed_catalogue
):
    stock, buyers = 7, 40
    product = committed_catalogue(
        title="限量礼盒", skus=[{"price": "99", "stock": stock, "low_stock_threshold": 3}]
    )
    with schema_context(committed_store.schema_name):
        update_shop_settings(actor=None, auto_off_sale_when_sold_out=True, low_stock_email=False)
        sku_id = only_sku(product).pk

    results = run_in_threads(
        committed_store.schema_name,
        [lambda n=n: reserve_stock([(sku_id, 1)], reference=f"RUSH-{n}") for n in range(buyers)],
    )

    outcomes = Counter(type(result).__name__ for result in results)
    assert outcomes == {"dict": stock, "OutOfStock": buyers - stock}, results
    assert all("Sold out" in r.message for r in results if isinstance(r, OutOfStock))
    with schema_context(committed_store.schema_name):
        sku = SKU.objects.get(pk=sku_id)
        orders = StockMovement.objects.filter(sku=sku, reason="order")
        assert sku.stock == 0
        assert orders.count() == stock
        assert orders.aggregate(total=Sum("change"))["total"] == -stock
        assert movements_sum(sku) == 0
        assert Product.objects.get(pk=product.pk).in_stock is False
        assert sorted(orders.values_list("stock_after", flat=True)) == list(range(stock))
        # The side effects happened exactly once too: one low-stock notice, and off sale when sold out.
        assert MerchantNotification.objects.filter(kind="low_stock").count() == 1
        product.refresh_from_db()
        assert (product.status, product.off_sale_by_stock) == ("off_sale", True)


def test_reserving_several_skus_from_opposite_orders_never_deadlocks(committed_store, committed_catalogue):
    first = committed_catalogue(title="苹果", stock=1000)
    second = committed_catalogue(title="橙子", stock=1000)
    with schema_context(committed_store.schema_name):
        a, b = only_sku(first).pk, only_sku(second).pk

    def buy(n, items):
        def job():
            for round_ in range(5):
                reserve_stock(items, reference=f"X-{n}-{round_}")
                release_stock(items, reference=f"X-{n}-{round_}")
            return "ok"

        return job

    jobs = [buy(n, [(a, 1), (b, 2)] if n % 2 else [(b, 2), (a, 1)]) for n in range(16)]
    results = run_in_threads(committed_store.schema_name, jobs)

    assert results == ["ok"] * 16, [r for r in results if r != "ok"]
    with schema_context(committed_store.schema_name):
        assert SKU.objects.get(pk=a).stock == 1000 == movements_sum(SKU.objects.get(pk=a))
        assert SKU.objects.get(pk=b).stock == 1000 == movements_sum(SKU.objects.get(pk=b))


def test_a_concurrent_double_release_adds_the_stock_once(committed_store, committed_catalogue):
    product = committed_catalogue(title="葡萄", stock=5)
    with schema_context(committed_store.schema_name):
        sku_id = only_sku(product).pk
        reserve_stock([(sku_id, 3)], reference="DOUBLE")

    results = run_in_threads(
        committed_store.schema_name,
        [lambda: release_stock([(sku_id, 3)], reference="DOUBLE") for _ in range(8)],
    )

    assert sorted(map(len, results)) == [0] * 7 + [1], results
    with schema_context(committed_store.schema_name):
        assert SKU.objects.get(pk=sku_id).stock == 5


def test_a_sku_selling_out_while_another_is_restocked_leaves_the_product_in_stock(
    committed_store, committed_catalogue
):
    product = committed_catalogue(title="车厘子", **two_sku_matrix(stock=0))
    with schema_context(committed_store.schema_name):
        update_shop_settings(actor=None, auto_off_sale_when_sold_out=True, low_stock_email=False)
        selling, restocked = product.skus.order_by("id").values_list("pk", flat=True)

    for round_ in range(6):
        with schema_context(committed_store.schema_name):
            adjust_stock(sku=selling, new_stock=3)
            adjust_stock(sku=restocked, new_stock=0)
        jobs = [lambda n=n, r=round_: reserve_stock([(selling, 1)], reference=f"L-{r}-{n}") for n in range(4)]
        jobs.append(lambda: adjust_stock(sku=restocked, delta=5))
        results = run_in_threads(committed_store.schema_name, jobs)

        assert Counter(type(r).__name__ for r in results) == {"dict": 3, "OutOfStock": 1, "StockMovement": 1}
        with schema_context(committed_store.schema_name):
            product.refresh_from_db()
            assert (product.in_stock, product.status) == (True, "on_sale"), f"round {round_}"


def _orphan_movements() -> int:
    """Movements whose SKU row is gone (the movement table has no database FK on its SKU: see the
    model). Counted in SQL, not through the ORM relation."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM shop_stockmovement m LEFT JOIN shop_sku s ON s.id = m.sku_id "
            "WHERE s.id IS NULL"
        )
        return cursor.fetchone()[0]


def _sale_in_flight_while(committed_store, sku_id, delete):
    """A sale has updated the SKU and written its movement but not committed yet when `delete` starts;
    the sale commits 0.3 s later. Returns what the sale and the delete returned (or raised)."""
    sold = threading.Event()

    def sale():
        with transaction.atomic():
            reserve_stock([(sku_id, 1)], reference="IN-FLIGHT")
            sold.set()
            time.sleep(0.3)
        return "sold"

    def deleter():
        assert sold.wait(10)
        delete()
        return "deleted"

    # The barrier in _run_in_threads starts both together; the event orders them.
    return run_in_threads(committed_store.schema_name, [sale, deleter])


def test_deleting_a_product_during_a_sale_leaves_no_movement_without_its_sku(
    committed_store, committed_catalogue
):
    product = committed_catalogue(title="秒杀礼盒", stock=10)
    with schema_context(committed_store.schema_name):
        sku_id = only_sku(product).pk

    results = _sale_in_flight_while(
        committed_store,
        sku_id,
        lambda: apply_bulk_action(actor=None, action="delete", product_ids=[product.pk]).changed,
    )

    assert results == ["sold", "deleted"], results
    with schema_context(committed_store.schema_name):
        assert not Product.objects.filter(pk=product.pk).exists()
        assert _orphan_movements() == 0


def test_removing_a_spec_during_a_sale_leaves_no_movement_without_its_sku(
    committed_store, committed_catalogue
):
    product = committed_catalogue(title="蜂蜜", **two_sku_matrix(stock=10))
    with schema_context(committed_store.schema_name):
        small = product.skus.get(spec_key="5斤")
        version = Product.objects.get(pk=product.pk).version

    def drop_small():
        update_product(
            store=committed_store,
            product=product.pk,
            expected_version=version,
            title="蜂蜜",
            specs=[{"name": "规格", "values": ["10斤"]}],
            skus=[{"spec_values": ["10斤"], "price": "69.90"}],
        )

    results = _sale_in_flight_while(committed_store, small.pk, drop_small)

    assert results == ["sold", "deleted"], results
    with schema_context(committed_store.schema_name):
        assert list(product.skus.values_list("spec_key", flat=True)) == ["10斤"]
        assert _orphan_movements() == 0
