"""Host routing, per-store isolation, suspension effects and the platform's plumbing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from tenants.models import Store
from tenants.services.operator import suspend_store
from tests.conftest import host_client, make_staff, owner_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


class TestHostRouting:
    def test_platform_host_serves_the_landing_page(self, platform_client):
        response = platform_client.get("/")
        assert response.status_code == 200
        assert "Open your store" in response.content.decode()

    def test_store_host_serves_its_own_storefront(self, client_a, client_b):
        assert "Store A" in client_a.get("/").content.decode()
        page_b = client_b.get("/").content.decode()
        assert "Store B" in page_b and "Store A" not in page_b

    def test_unknown_host_gets_a_friendly_404_and_reaches_no_store(self):
        response = host_client("nosuchstore.localhost").get("/")
        page = response.content.decode()
        assert response.status_code == 404
        assert "There is no store at this address" in page
        assert "Store A" not in page and "Store B" not in page

    def test_the_unknown_host_page_is_styled_and_links_to_the_platform_on_the_same_port(self):
        visitor = host_client("nosuchstore.localhost:8000")
        page = visitor.get("/").content.decode()
        assert '<a class="btn primary" href="http://localhost:8000/">' in page
        stylesheet = visitor.get("/static/css/app.css")
        assert stylesheet.status_code == 200 and stylesheet["Content-Type"].startswith("text/css")

    def test_an_unclaimed_pool_schema_is_reachable_by_no_host(self):
        pool_store = Store.objects.filter(status=Store.Status.POOL).first()
        assert pool_store is not None and not pool_store.domains.exists()
        response = host_client(f"{pool_store.schema_name}.localhost").get("/")
        assert response.status_code == 404

    def test_host_not_under_the_platform_domain_is_refused(self):
        response = host_client("evil.example.com").get("/")
        assert response.status_code == 404
        assert "Store A" not in response.content.decode()

    def test_each_store_uses_its_template(self, client_a, client_b):
        # store A signed up with "fresh" (green), store B with "urban"
        assert "#1aa35a" in client_a.get("/").content.decode()
        assert "#111111" in client_b.get("/").content.decode()

    def test_store_pages_are_not_served_on_the_platform_host(self, platform_client):
        assert platform_client.get("/console/").status_code == 404
        assert platform_client.get("/distributor/").status_code == 404


class TestRequestCost:
    def test_a_cached_host_costs_no_public_query_and_one_search_path(self, owner_client_a, monkeypatch):
        owner_client_a.get("/console/")  # warms the host cache
        sets = []
        wrapper = type(connections["default"])
        original = wrapper._get_cursor_search_paths

        def counting(self):
            paths = original(self)
            sets.append(paths)
            return paths

        monkeypatch.setattr(wrapper, "_get_cursor_search_paths", counting)
        with CaptureQueriesContext(connection) as queries:
            response = owner_client_a.get("/console/")  # session + user + page queries, in the store
        assert response.status_code == 200
        assert len(queries.captured_queries) >= 2
        assert not any("tenants_domain" in q["sql"] for q in queries.captured_queries)
        assert len(sets) == 1

    def test_store_change_drops_the_cached_host(self, client_a, store_a):
        client_a.get("/")
        store_a.name = "Store A renamed"
        store_a.save()
        assert "Store A renamed" in client_a.get("/").content.decode()


class TestIsolation:
    def test_store_a_owner_cannot_log_in_to_store_b(self, client_b, store_a):
        response = client_b.post(
            "/console/login/", {"username": owner_of(store_a).email, "password": PASSWORD}
        )
        assert response.status_code == 200
        assert "Wrong email or password" in response.content.decode()

    def test_store_a_session_is_anonymous_on_store_b(self, owner_client_a, store_a, store_b):
        assert owner_client_a.get("/console/").status_code == 200
        # replay store A's session cookie against store B's host
        cookie = owner_client_a.cookies["sessionid"].value
        intruder = host_client(store_b.host)
        intruder.cookies["sessionid"] = cookie
        response = intruder.get("/console/")
        assert response.status_code == 302 and "/console/login/" in response["Location"]

    def test_store_a_token_does_not_open_store_b_api(self, store_a, store_b):
        with schema_context(store_a.schema_name):
            token = Token.objects.create(user=owner_of(store_a)).key
        connection.set_schema_to_public()
        response_a = host_client(store_a.host).get("/api/v1/store/", HTTP_AUTHORIZATION=f"Token {token}")
        assert response_a.status_code == 200 and response_a.json()["slug"] == "store-a"
        response_b = host_client(store_b.host).get("/api/v1/store/", HTTP_AUTHORIZATION=f"Token {token}")
        assert response_b.status_code == 401

    def test_store_a_staff_list_never_shows_store_b_people(self, store_a, store_b):
        make_staff(store_b, email="bobs-helper@b.example")
        with schema_context(store_a.schema_name):
            token = Token.objects.create(user=owner_of(store_a)).key
        connection.set_schema_to_public()
        emails = [
            u["email"]
            for u in host_client(store_a.host)
            .get("/api/v1/staff/", HTTP_AUTHORIZATION=f"Token {token}")
            .json()["results"]
        ]
        assert "alice@a.example" in emails and "bobs-helper@b.example" not in emails

    def test_no_store_user_reaches_the_operator_console(self, owner_client_a, store_a):
        # not on the store's host (no such URL there) ...
        assert owner_client_a.get("/operator/").status_code == 404
        # ... and store credentials do not exist on the platform
        platform = host_client("localhost")
        platform.post("/operator/login/", {"username": owner_of(store_a).email, "password": PASSWORD})
        response = platform.get("/operator/")
        assert response.status_code == 302 and "/operator/login/" in response["Location"]

    def test_the_same_email_may_be_a_user_of_two_stores_independently(self, store_a, store_b):
        make_staff(store_a, email="shared@example.com")
        make_staff(store_b, email="shared@example.com")
        for store in (store_a, store_b):
            with schema_context(store.schema_name):
                assert get_user_model().objects.filter(email="shared@example.com").count() == 1

    def test_cache_keys_are_per_store(self, store_a, store_b):
        with schema_context(store_a.schema_name):
            cache.set("greeting", "hello from A")
        with schema_context(store_b.schema_name):
            assert cache.get("greeting") is None
        with schema_context(store_a.schema_name):
            assert cache.get("greeting") == "hello from A"


class TestSuspension:
    def test_suspended_store_shows_closed_storefront_and_read_only_console(
        self, store_a, owner_client_a, operator
    ):
        suspend_store(store=store_a, actor=operator, reason="Unpaid invoice")
        storefront = host_client(store_a.host).get("/")
        assert storefront.status_code == 503
        assert "is closed" in storefront.content.decode()
        console = owner_client_a.get("/console/")
        assert console.status_code == 200
        assert "Unpaid invoice" in console.content.decode()
        with schema_context(store_a.schema_name):
            token = Token.objects.create(user=owner_of(store_a)).key
        connection.set_schema_to_public()
        api = host_client(store_a.host)
        assert api.get("/api/v1/store/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
        refused = api.patch(
            "/api/v1/store/",
            {"name": "X"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
        assert refused.status_code == 403 and "Unpaid invoice" in refused.json()["detail"]
        connection.set_schema_to_public()
        assert Store.objects.get(pk=store_a.pk).name == "Store A"

    def test_a_visitor_of_a_suspended_store_can_still_switch_language(self, store_a, operator):
        suspend_store(store=store_a, actor=operator, reason="Review")
        client = host_client(store_a.host)
        response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
        assert response.status_code == 302
        assert client.cookies["django_language"].value == "zh-hans"
        assert client.get("/").status_code == 503

    def test_healthz_answers_on_a_suspended_store(self, store_a, operator):
        suspend_store(store=store_a, actor=operator, reason="Review")
        response = host_client(store_a.host).get("/healthz")
        assert response.json()["checks"]["database"]["ok"] is True


class TestHealth:
    def test_healthz_reports_database_redis_and_celery(self, platform_client):
        body = platform_client.get("/healthz").json()
        assert body["checks"]["database"]["ok"] is True
        assert body["checks"]["redis"]["ok"] is True
        assert "celery" in body["checks"]
