"""The operator's store list (search, filters, counts, pages) and one store: its facts, suspending and
reactivating it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import Plan
from tenants.models import OperatorAction, Store
from tests.conftest import fresh_store


def listed_stores(response) -> set[str]:
    """The subdomains of the stores in the list's table."""
    return set(re.findall(r'data-store="([^"]+)"', response.content.decode()))


def test_store_list_shows_claimed_stores_with_owner_plan_and_status(operator_client, store_a, store_b):
    response = operator_client.get("/operator/")
    assert response.status_code == 200
    assert listed_stores(response) == {"store-a", "store-b"}  # pool schemas are not stores yet
    html = response.content.decode()
    assert "alice@a.example" in html and "Bob" in html
    assert "http://store-a.localhost/" in html
    assert Plan.objects.get(code="trial").name in html
    assert Plan.objects.get(code="basic").name in html
    assert operator_client.get("/operator/stores/").status_code == 200


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Store A", {"store-a"}),
        ("store-b", {"store-b"}),
        ("alice@a", {"store-a"}),
        ("bob", {"store-b"}),
        ("13800138000", {"store-b"}),
        ("no such store", set()),
    ],
)
def test_search_narrows_the_store_list(operator_client, store_b, query, expected):
    Store.objects.filter(pk=store_b.pk).update(owner_phone="13800138000")
    response = operator_client.get("/operator/", {"q": query})
    assert listed_stores(response) == expected


def test_status_filter_narrows_the_store_list(operator_client, store_b):
    Store.objects.filter(pk=store_b.pk).update(status=Store.Status.SUSPENDED)
    assert listed_stores(operator_client.get("/operator/", {"status": "suspended"})) == {"store-b"}
    assert listed_stores(operator_client.get("/operator/", {"status": "active"})) == {"store-a"}


def test_plan_filter_narrows_the_store_list(operator_client, store_a, store_b):
    assert listed_stores(operator_client.get("/operator/", {"plan": "trial"})) == {"store-a"}
    assert listed_stores(operator_client.get("/operator/", {"plan": "basic"})) == {"store-b"}
    assert listed_stores(operator_client.get("/operator/", {"plan": "flagship"})) == set()


def test_opened_date_filters_narrow_the_store_list(operator_client, store_b):
    month_ago = timezone.now() - timedelta(days=30)
    Store.objects.filter(pk=store_b.pk).update(claimed_at=month_ago)
    cut = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert listed_stores(operator_client.get("/operator/", {"created_from": cut})) == {"store-a"}
    assert listed_stores(operator_client.get("/operator/", {"created_to": cut})) == {"store-b"}
    both = {"created_from": timezone.localtime(month_ago).date().isoformat(), "created_to": cut}
    assert listed_stores(operator_client.get("/operator/", both)) == {"store-b"}


def test_filters_combine_and_a_bad_date_is_reported_not_a_500(operator_client, store_b):
    Store.objects.filter(pk=store_b.pk).update(status=Store.Status.SUSPENDED)
    response = operator_client.get("/operator/", {"q": "store", "status": "suspended", "plan": "basic"})
    assert listed_stores(response) == {"store-b"}
    response = operator_client.get("/operator/", {"created_from": "2024-13-45"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
    assert listed_stores(response) == {"store-a", "store-b"}


def test_store_counts_at_the_top_of_the_list(operator_client, store_b):
    Store.objects.filter(pk=store_b.pk).update(status=Store.Status.SUSPENDED)
    html = operator_client.get("/operator/").content.decode()
    assert 'id="count-active">1<' in html
    assert 'id="count-suspended">1<' in html
    assert 'id="count-new">2<' in html
    Store.objects.filter(pk=store_b.pk).update(claimed_at=timezone.now() - timedelta(days=8))
    html = operator_client.get("/operator/").content.decode()
    assert 'id="count-new">1<' in html


def test_store_list_pages_by_25(operator_client):
    now = timezone.now()
    Store.objects.bulk_create(
        Store(
            schema_name=f"listing_{n}",
            slug=f"listing-{n:02d}",
            name=f"Listing {n:02d}",
            status=Store.Status.ACTIVE,
            claimed_at=now - timedelta(days=1, minutes=n),
        )
        for n in range(30)
    )
    first = listed_stores(operator_client.get("/operator/"))
    second = listed_stores(operator_client.get("/operator/", {"page": 2}))
    assert len(first) == 25
    assert len(second) == 7
    assert not first & second
    assert {"store-a", "store-b"} <= first  # newest first: A and B opened today
    # The filters stay on when paging.
    html = operator_client.get("/operator/", {"q": "listing"}).content.decode()
    assert "?q=listing&amp;page=2" in html


def test_store_detail_shows_the_facts(operator_client, store_b):
    response = operator_client.get(f"/operator/stores/{store_b.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for fact in ("Store B", store_b.host, store_b.schema_name, "bob@b.example", store_b.template.name):
        assert fact in html
    assert Plan.objects.get(code="basic").name in html
    assert "Suspend store" in html


def test_store_detail_of_a_pool_schema_or_unknown_store_is_404(operator_client):
    pool_store = Store.objects.filter(status=Store.Status.POOL).first()
    assert pool_store is not None
    assert operator_client.get(f"/operator/stores/{pool_store.pk}/").status_code == 404
    assert operator_client.get("/operator/stores/999999/").status_code == 404


def test_suspending_a_store_closes_its_storefront_and_locks_its_console(
    operator_client, operator, store_a, owner_client_a
):
    response = operator_client.post(
        f"/operator/stores/{store_a.pk}/suspend/", {"reason": "Selling counterfeit goods"}
    )
    assert response.status_code == 302
    store = fresh_store(store_a)
    assert store.status == Store.Status.SUSPENDED
    assert store.status_reason == "Selling counterfeit goods"
    entry = OperatorAction.objects.get(action="store.suspend", target_id=str(store_a.pk))
    assert entry.actor == operator
    assert entry.reason == "Selling counterfeit goods"

    # The operator sees it on the store's page, with the audit entry.
    html = operator_client.get(f"/operator/stores/{store_a.pk}/").content.decode()
    assert "Reactivate store" in html and "Selling counterfeit goods" in html and "store.suspend" in html

    # Buyers get the "store closed" page.
    storefront = owner_client_a.get("/")
    assert storefront.status_code == 503
    assert "Store A is closed" in storefront.content.decode()

    # The merchant console refuses changes and says why.
    response = owner_client_a.post("/console/settings/", {"name": "Renamed while suspended"}, follow=True)
    assert "suspended by the platform" in response.content.decode()
    assert fresh_store(store_a).name == "Store A"
    api = owner_client_a.post("/api/v1/products/", {"title": "x"})
    assert api.status_code == 403
    assert api.json()["code"] == "store_suspended"


def test_suspending_without_a_reason_is_refused_and_changes_nothing(operator_client, store_a):
    response = operator_client.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "   "})
    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    assert fresh_store(store_a).status == Store.Status.ACTIVE
    assert not OperatorAction.objects.exists()


def test_suspending_a_suspended_store_shows_the_error_not_a_500(operator_client, store_a):
    operator_client.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "Fraud"})
    response = operator_client.post(
        f"/operator/stores/{store_a.pk}/suspend/", {"reason": "Again"}, follow=True
    )
    assert response.status_code == 200
    assert "Only an active store can be suspended." in response.content.decode()
    assert fresh_store(store_a).status_reason == "Fraud"
    assert OperatorAction.objects.filter(action="store.suspend").count() == 1


def test_reactivating_an_active_store_shows_the_error(operator_client, store_a):
    response = operator_client.post(
        f"/operator/stores/{store_a.pk}/reactivate/", {"reason": "oops"}, follow=True
    )
    assert "Only a suspended store can be reactivated." in response.content.decode()
    assert not OperatorAction.objects.exists()


def test_reactivating_reopens_the_store(operator_client, operator, store_a, client_a):
    operator_client.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "Unpaid invoices"})
    assert client_a.get("/").status_code == 503
    response = operator_client.post(f"/operator/stores/{store_a.pk}/reactivate/", {"reason": "Paid up"})
    assert response.status_code == 302
    store = fresh_store(store_a)
    assert store.status == Store.Status.ACTIVE
    assert store.status_reason == "" and store.suspended_at is None
    assert OperatorAction.objects.get(action="store.reactivate").reason == "Paid up"
    storefront = client_a.get("/")
    assert storefront.status_code == 200
    assert "Store A" in storefront.content.decode()


def test_suspending_one_store_leaves_the_other_open(operator_client, store_a, store_b, client_b):
    operator_client.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "Fraud"})
    assert fresh_store(store_b).status == Store.Status.ACTIVE
    assert client_b.get("/").status_code == 200
