"""The public API (plans, templates, signup) and the store API basics."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from tenants.models import Store
from tests.conftest import host_client, make_staff, owner_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = {
    "store_name": "Api Shop",
    "subdomain": "api-shop",
    "owner_name": "Ann",
    "email": "ann@api.example",
    "password": "plums-and-pears-42",
    "template": "baby",
    "plan": "pro",
}


def test_plans_are_listed_for_signup_forms(platform_client):
    plans = platform_client.get("/api/v1/plans/").json()
    codes = [p["code"] for p in plans]
    assert codes == ["trial", "basic", "pro", "flagship"]
    trial = plans[0]
    assert trial["trial_days"] == 7 and trial["is_default"] is True
    assert [p["limits"]["distribution_levels"] for p in plans] == [2, 1, 2, 3]


def test_templates_are_listed_with_theme_tokens(platform_client):
    templates = platform_client.get("/api/v1/templates/").json()
    assert len(templates) >= 3
    assert all(t["theme"]["primary"].startswith("#") for t in templates)
    assert all(t["home_sections"] for t in templates)


def test_platform_endpoints_do_not_answer_on_store_hosts(client_a):
    assert client_a.get("/api/v1/plans/").status_code == 404


def test_signup_by_api_returns_urls_a_login_link_and_a_working_token(platform_client):
    response = platform_client.post("/api/v1/signup/", SIGNUP, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["storefront_url"] == "http://api-shop.localhost/"
    assert body["login_url"].startswith("http://api-shop.localhost/console/login/token/?t=")
    store = Store.objects.get(slug="api-shop")
    assert store.subscription.plan.code == "pro"
    me = host_client("api-shop.localhost").get("/api/v1/store/", HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert me.status_code == 200 and me.json()["name"] == "Api Shop" and me.json()["plan"] == "pro"


def test_signup_by_api_without_a_plan_starts_the_default_trial(platform_client):
    payload = {key: value for key, value in SIGNUP.items() if key != "plan"}
    response = platform_client.post("/api/v1/signup/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Store.objects.get(slug="api-shop").subscription.plan.code == "trial"


def test_signup_by_api_answers_bad_input_with_field_errors(platform_client):
    response = platform_client.post(
        "/api/v1/signup/", {**SIGNUP, "subdomain": "www", "email": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "reserved" in body["subdomain"][0] and "email" in body
    assert not Store.objects.filter(name="Api Shop").exists()


def test_signup_by_api_with_missing_fields_is_a_400(platform_client):
    response = platform_client.post("/api/v1/signup/", {"store_name": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert {"subdomain", "email", "password"} <= set(response.json())


def test_signup_by_api_with_garbage_body_is_a_400(platform_client):
    response = platform_client.post("/api/v1/signup/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_subdomain_check_endpoint(platform_client):
    assert (
        platform_client.get("/api/v1/signup/check-subdomain/?subdomain=store-a").json()["available"] is False
    )
    assert (
        platform_client.get("/api/v1/signup/check-subdomain/?subdomain=free-one").json()["available"] is True
    )


@pytest.mark.parametrize("host", ["localhost", "store-a.localhost"])
def test_openapi_schema_and_docs_on_both_hosts(host):
    client = host_client(host)
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    assert client.get("/api/v1/docs/").status_code == 200


def test_platform_schema_lists_signup_and_store_schema_lists_staff():
    platform = host_client("localhost").get("/api/v1/schema/").content.decode()
    store = host_client("store-a.localhost").get("/api/v1/schema/").content.decode()
    assert "/api/v1/signup/" in platform and "/api/v1/staff/" not in platform
    assert "/api/v1/staff/" in store and "/api/v1/signup/" not in store


class TestStoreApi:
    def test_token_for_staff_credentials(self, store_a):
        client = host_client(store_a.host)
        ok = client.post("/api/v1/auth/token/", {"email": "alice@a.example", "password": PASSWORD})
        assert ok.status_code == 200 and len(ok.json()["token"]) == 40
        bad = client.post("/api/v1/auth/token/", {"email": "alice@a.example", "password": "wrong"})
        assert bad.status_code == 401

    def test_a_deactivated_member_gets_no_token_and_is_told_why(self, store_a):
        make_staff(store_a, email="dora@a.example", is_active=False)
        client = host_client(store_a.host)

        right = client.post("/api/v1/auth/token/", {"email": "dora@a.example", "password": PASSWORD})
        wrong = client.post("/api/v1/auth/token/", {"email": "dora@a.example", "password": "wrong"})

        assert right.status_code == 401 and "deactivated" in right.json()["detail"]
        assert wrong.status_code == 401 and "deactivated" not in wrong.json()["detail"]

    def test_store_b_credentials_get_no_token_on_store_a(self, store_a, store_b):
        response = host_client(store_a.host).post(
            "/api/v1/auth/token/", {"email": "bob@b.example", "password": PASSWORD}
        )
        assert response.status_code == 401

    def test_anonymous_store_api_is_401(self, client_a):
        assert client_a.get("/api/v1/store/").status_code == 401
        assert client_a.get("/api/v1/staff/").status_code == 401

    def test_owner_renames_store_and_switches_template(self, store_a):
        token = _token(store_a, owner_of(store_a))
        client = host_client(store_a.host)
        response = client.patch(
            "/api/v1/store/",
            {"name": "Renamed", "template": "classic"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
        assert response.status_code == 200 and response.json()["template"] == "classic"
        assert "#b7282e" in client.get("/").content.decode()  # classic's primary colour

    def test_bad_store_settings_are_400(self, store_a):
        token = _token(store_a, owner_of(store_a))
        response = host_client(store_a.host).patch(
            "/api/v1/store/",
            {"name": "", "template": "nope"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
        assert response.status_code == 400
        connection.set_schema_to_public()
        assert Store.objects.get(pk=store_a.pk).name == "Store A"

    def test_non_manager_staff_cannot_change_settings_or_staff(self, store_a):
        clerk = make_staff(store_a, email="clerk@a.example", role="customer_service")
        token = _token(store_a, clerk)
        client = host_client(store_a.host)
        auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
        assert client.get("/api/v1/store/", **auth).status_code == 200
        assert (
            client.patch("/api/v1/store/", {"name": "X"}, content_type="application/json", **auth).status_code
            == 403
        )
        response = client.post(
            "/api/v1/staff/", {"email": "n@a.example", "name": "N", "role": "finance"}, **auth
        )
        assert response.status_code == 403

    def test_owner_adds_staff_until_the_plan_limit(self, store_a):
        token = _token(store_a, owner_of(store_a))
        client = host_client(store_a.host)
        auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
        # trial plan: 3 staff accounts, the owner included
        for i in range(2):
            created = client.post(
                "/api/v1/staff/", {"email": f"s{i}@a.example", "name": f"S{i}", "role": "operations"}, **auth
            )
            assert created.status_code == 201, created.content
        refused = client.post(
            "/api/v1/staff/", {"email": "s9@a.example", "name": "S9", "role": "finance"}, **auth
        )
        assert refused.status_code == 403 and refused.json()["code"] == "quota_exceeded"
        assert refused.json()["limit"] == "staff"

    def test_customers_are_not_staff(self, store_a):
        with schema_context(store_a.schema_name):
            from tests.factories import UserFactory

            buyer = UserFactory(email="buyer@a.example")
        token = _token(store_a, buyer)
        assert (
            host_client(store_a.host).get("/api/v1/store/", HTTP_AUTHORIZATION=f"Token {token}").status_code
            == 403
        )


def _token(store, user) -> str:
    with schema_context(store.schema_name):
        key = Token.objects.get_or_create(user=user)[0].key
    connection.set_schema_to_public()
    return key


def test_the_store_api_sets_the_time_zone_and_answers_in_it(store_a):
    token = _token(store_a, owner_of(store_a))
    client = host_client(store_a.host)
    auth = {"HTTP_AUTHORIZATION": f"Token {token}", "content_type": "application/json"}

    bad = client.patch("/api/v1/store/", {"time_zone": "Atlantis/Capital"}, **auth)
    good = client.patch("/api/v1/store/", {"time_zone": "America/New_York"}, **auth)

    assert bad.status_code == 400 and "time_zone" in bad.json()
    assert good.status_code == 200 and good.json()["time_zone"] == "America/New_York"
    # from the next request on, times come back with the store's offset (New York: UTC-5, or -4 in summer)
    again = client.get("/api/v1/store/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert again["claimed_at"].endswith(("-05:00", "-04:00"))
