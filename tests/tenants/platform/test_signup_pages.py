"""Signup on the platform host: the wizard's pages, the live subdomain check, and the hand-off login link
that lands the new owner in their console."""

import pytest
from django.core import signing

from tenants.models import Store
from tenants.services.login_tokens import issue_login_token
from tests.tenants.conftest import GOOD


@pytest.mark.django_db
class TestHandOffLogin:
    def test_signup_wizard_lands_the_owner_logged_in_on_the_store_console(self, platform_client):
        response = platform_client.post(
            "/signup/",
            {
                **{k: v for k, v in GOOD.items() if k not in ("template_code", "plan_code")},
                "template": "classic",
                "plan": "trial",
            },
        )
        assert response.status_code == 302
        location = response["Location"]
        assert location.startswith("http://acme.localhost/console/login/token/?t=")
        store_client = type(platform_client)(HTTP_HOST="acme.localhost")
        landed = store_client.get(location.split("acme.localhost", 1)[1])
        assert landed.status_code == 302 and landed["Location"] == "/console/"
        dashboard = store_client.get("/console/")
        assert dashboard.status_code == 200
        assert "Acme Fruit" in dashboard.content.decode()

    def test_a_login_link_works_once(self, store_a, client_a):
        from tests.conftest import owner_of

        token = issue_login_token(store=store_a, user=owner_of(store_a))
        first = client_a.get(f"/console/login/token/?t={token}")
        assert first.status_code == 302
        other = type(client_a)(HTTP_HOST=store_a.host)
        second = other.get(f"/console/login/token/?t={token}")
        assert second.status_code == 409
        assert "already been used" in second.content.decode()
        assert other.get("/console/").status_code == 302  # still anonymous

    def test_an_expired_login_link_is_refused(self, store_a, client_a, settings, monkeypatch):
        from tests.conftest import owner_of

        token = issue_login_token(store=store_a, user=owner_of(store_a))
        settings.LOGIN_TOKEN_MAX_AGE = -1
        response = client_a.get(f"/console/login/token/?t={token}")
        assert response.status_code == 400
        assert "expired" in response.content.decode()

    def test_a_forged_login_link_is_refused(self, client_a):
        forged = signing.dumps({"s": "public", "u": 1, "n": "x"}, salt="wrong-salt")
        response = client_a.get(f"/console/login/token/?t={forged}")
        assert response.status_code == 400
        assert "not valid" in response.content.decode()

    def test_a_login_link_for_store_b_does_not_open_store_a(self, store_a, store_b, client_a):
        from tests.conftest import owner_of

        token = issue_login_token(store=store_b, user=owner_of(store_b))
        response = client_a.get(f"/console/login/token/?t={token}")
        assert response.status_code == 400
        assert client_a.get("/console/").status_code == 302


@pytest.mark.django_db
class TestSignupPages:
    def test_wizard_shows_templates_and_plans_with_trial_preselected(self, platform_client):
        page = platform_client.get("/signup/").content.decode()
        for name in ("鲜果 Fresh", "潮流 Urban", "国风 Classic", "萌宝 Baby"):
            assert name in page
        assert 'value="trial" checked' in page

    def test_wizard_shows_field_errors_and_keeps_input(self, platform_client):
        response = platform_client.post(
            "/signup/",
            {
                "store_name": "Acme",
                "subdomain": "www",
                "owner_name": "Ann",
                "email": "bad",
                "password": "x",
                "template": "fresh",
                "plan": "trial",
            },
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "reserved" in page and "valid email" in page
        assert 'value="Acme"' in page
        assert not Store.objects.filter(name="Acme").exists()

    def test_live_subdomain_check(self, platform_client):
        assert (
            "is available"
            in platform_client.get("/signup/check-subdomain/?subdomain=fresh-new").content.decode()
        )
        assert "taken" in platform_client.get("/signup/check-subdomain/?subdomain=store-a").content.decode()
        assert "reserved" in platform_client.get("/signup/check-subdomain/?subdomain=admin").content.decode()

    def test_signup_pages_do_not_exist_on_store_hosts(self, client_a):
        assert client_a.get("/signup/").status_code == 404
