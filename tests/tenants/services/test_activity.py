"""The activity log and the one field-update helper that feeds it."""

from decimal import Decimal

import pytest

from shop.models import Category, Product
from tenants import activity
from tenants.activity.models import ActivityEntry
from tenants.updates import model_update
from tests.conftest import owner_of


def test_model_update_saves_only_what_changed_and_says_what(in_store_a):
    category = Category.objects.create(name="水果")
    product = Product.objects.create(title="草莓", subtitle="old", min_price=Decimal("9.90"))
    product.refresh_from_db()

    changes = model_update(
        instance=product,
        fields=["title", "subtitle", "category", "min_price"],
        data={"title": "草莓", "subtitle": "new", "category": category, "min_price": Decimal("9.9")},
    )

    assert changes == {"subtitle": ["old", "new"], "category": [None, category.pk]}
    product.refresh_from_db()
    assert product.subtitle == "new" and product.category_id == category.pk


def test_model_update_without_a_change_writes_nothing(in_store_a, django_assert_num_queries):
    product = Product.objects.create(title="草莓")
    with django_assert_num_queries(0):
        assert model_update(instance=product, fields=["title"], data={"title": "草莓", "other": 1}) == {}


def test_record_keeps_who_what_which_object_and_json_values(in_store_a):
    owner = owner_of(in_store_a)
    product = Product.objects.create(title="草莓")
    entry = activity.record(
        actor=owner,
        action="product.updated",
        target=product,
        changes={"min_price": [Decimal("1.00"), Decimal("2.50")]},
        note="why",
    )
    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_label) == (owner.pk, owner.name or owner.email)
    assert (entry.target_type, entry.target_id, entry.target_label) == ("product", str(product.pk), "草莓")
    assert entry.changes == {"min_price": ["1.00", "2.50"]} and entry.note == "why"


def test_the_system_is_an_actor_without_a_user(in_store_a):
    entry = activity.record(actor=None, action="order.closed", target_type="order", target_id="X1")
    assert entry.actor is None and entry.actor_label == ""


def test_a_store_reads_only_its_own_log(store_a, store_b):
    from django_tenants.utils import schema_context

    with schema_context(store_a.schema_name):
        activity.record(actor=None, action="x.done", target_type="x", target_id="1")
    with schema_context(store_b.schema_name):
        assert not ActivityEntry.objects.exists()


@pytest.mark.parametrize("value", ["a" * 2000])
def test_long_values_are_cut(in_store_a, value):
    entry = activity.record(actor=None, action="x.done", target_type="x", changes={"text": [None, value]})
    assert len(entry.changes["text"][1]) == activity.MAX_VALUE_LENGTH + 1
