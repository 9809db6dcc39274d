"""Logging in to the merchant console on a store host: email and password, lockout, who may not, logout,
and the one-time login link the signup hands off with."""

import time

import pytest
from django.core import signing
from django_tenants.utils import schema_context

from tenants.services.login_tokens import issue_login_token
from tests.conftest import host_client, make_staff, owner_of, text
from tests.factories import PASSWORD, UserFactory

WRONG = "not-the-password"

WRONG = "not-the-password"


def test_owner_logs_in_with_email_and_password(client_a, store_a):
    response = client_a.post("/console/login/", {"username": "Alice@A.example", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    dashboard = client_a.get("/console/")
    assert dashboard.status_code == 200
    assert "Store A" in text(dashboard)


def test_login_returns_to_the_page_asked_for(client_a, store_a):
    response = client_a.post(
        "/console/login/?next=/console/staff/",
        {"username": "alice@a.example", "password": PASSWORD, "next": "/console/staff/"},
    )
    assert response["Location"] == "/console/staff/"


def test_login_does_not_redirect_to_another_site(client_a, store_a):
    response = client_a.post(
        "/console/login/",
        {"username": "alice@a.example", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/console/"


def test_wrong_password_says_so_and_logs_nobody_in(client_a, store_a):
    response = client_a.post("/console/login/", {"username": "alice@a.example", "password": WRONG})
    assert response.status_code == 200
    assert "Wrong email or password." in text(response)
    assert client_a.get("/console/")["Location"].startswith("/console/login/")


def test_a_deactivated_member_with_the_right_password_is_told_why(client_a, store_a):
    make_staff(store_a, email="dora@a.example", is_active=False)

    right = client_a.post("/console/login/", {"username": "dora@a.example", "password": PASSWORD})
    wrong = client_a.post("/console/login/", {"username": "dora@a.example", "password": WRONG})

    assert "This account has been deactivated. Ask the store owner to reactivate it." in text(right)
    # a wrong password tells nothing about the account
    assert "Wrong email or password." in text(wrong) and "deactivated" not in text(wrong)
    assert client_a.get("/console/")["Location"].startswith("/console/login/")


def test_unknown_email_gets_the_same_message(client_a, store_a):
    response = client_a.post("/console/login/", {"username": "nobody@a.example", "password": WRONG})
    assert "Wrong email or password." in text(response)


def test_login_locks_out_after_five_failures_while_another_email_can_still_try(client_a, store_a):
    colleague = make_staff(store_a, email="carol@a.example")
    for attempt in range(4):
        response = client_a.post("/console/login/", {"username": "alice@a.example", "password": WRONG})
        assert response.status_code == 200, attempt
        assert "Wrong email or password." in text(response)
    fifth = client_a.post("/console/login/", {"username": "alice@a.example", "password": WRONG})
    assert fifth.status_code == 429
    assert "Too many failed logins" in text(fifth)
    # Locked means locked: even the right password is refused now.
    right = client_a.post("/console/login/", {"username": "alice@a.example", "password": PASSWORD})
    assert right.status_code == 429
    assert client_a.get("/console/")["Location"].startswith("/console/login/")
    # The lock is per email (and IP): a colleague from the same address still logs in.
    other_wrong = client_a.post("/console/login/", {"username": colleague.email, "password": WRONG})
    assert other_wrong.status_code == 200
    assert "Wrong email or password." in text(other_wrong)
    other_right = client_a.post("/console/login/", {"username": colleague.email, "password": PASSWORD})
    assert other_right.status_code == 302


def test_lockout_counts_the_email_in_any_spelling(client_a, store_a):
    for spelling in [
        "alice@a.example",
        "ALICE@a.example",
        "Alice@A.Example",
        " alice@a.example",
        "aLice@a.example",
    ]:
        client_a.post("/console/login/", {"username": spelling, "password": WRONG})
    response = client_a.post("/console/login/", {"username": "alice@a.example", "password": PASSWORD})
    assert response.status_code == 429


def test_lockout_on_one_store_leaves_the_same_email_free_on_another(client_a, client_b, store_a, store_b):
    make_staff(store_a, email="shared@example.com")
    make_staff(store_b, email="shared@example.com")
    for _ in range(5):
        client_a.post("/console/login/", {"username": "shared@example.com", "password": WRONG})
    assert (
        client_a.post("/console/login/", {"username": "shared@example.com", "password": PASSWORD}).status_code
        == 429
    )
    response = client_b.post("/console/login/", {"username": "shared@example.com", "password": PASSWORD})
    assert response.status_code == 302


def test_a_customer_cannot_log_in_to_the_console(client_a, store_a):
    with schema_context(store_a.schema_name):
        UserFactory(email="buyer@a.example")
    response = client_a.post("/console/login/", {"username": "buyer@a.example", "password": PASSWORD})
    assert response.status_code == 200
    assert "cannot open the merchant console" in text(response)
    assert client_a.get("/console/")["Location"].startswith("/console/login/")


def test_logout_ends_the_session(owner_client_a):
    response = owner_client_a.post("/console/logout/")
    assert response["Location"] == "/console/login/"
    assert owner_client_a.get("/console/")["Location"].startswith("/console/login/")


def test_console_login_is_not_served_on_the_platform_host(platform_client):
    assert platform_client.get("/console/login/").status_code == 404


def test_login_link_logs_the_owner_in_on_the_store_host(client_a, store_a):
    token = issue_login_token(store=store_a, user=owner_of(store_a))
    response = client_a.get(f"/console/login/token/?t={token}&welcome=1")
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    dashboard = client_a.get("/console/")
    assert dashboard.status_code == 200
    assert "Welcome! Your store is open." in text(dashboard)


def test_a_used_login_link_is_refused_the_second_time(client_a, store_a):
    token = issue_login_token(store=store_a, user=owner_of(store_a))
    assert client_a.get(f"/console/login/token/?t={token}").status_code == 302
    second = host_client(store_a.host).get(f"/console/login/token/?t={token}")
    assert second.status_code == 409
    assert "already been used" in text(second)


def test_an_expired_login_link_says_it_expired(client_a, store_a, monkeypatch):
    an_hour_ago = signing.b62_encode(int(time.time()) - 3600)
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: an_hour_ago)
    token = issue_login_token(store=store_a, user=owner_of(store_a))
    monkeypatch.undo()
    response = client_a.get(f"/console/login/token/?t={token}")
    assert response.status_code == 400
    assert "This login link has expired" in text(response)
    assert client_a.get("/console/")["Location"].startswith("/console/login/")


@pytest.mark.parametrize("token", ["", "nonsense", "eyJzIjoic3RvcmUtYSJ9:1abc:forgedsignature"])
def test_a_forged_login_link_is_not_valid(client_a, store_a, token):
    response = client_a.get(f"/console/login/token/?t={token}")
    assert response.status_code == 400
    assert "This login link is not valid." in text(response)


def test_a_tampered_login_link_is_not_valid(client_a, store_a, store_b):
    token = issue_login_token(store=store_a, user=owner_of(store_a))
    payload, timestamp, signature = token.rsplit(":", 2)
    other = issue_login_token(store=store_b, user=owner_of(store_b)).split(":")[0]
    response = client_a.get(f"/console/login/token/?t={other}:{timestamp}:{signature}")
    assert response.status_code == 400
    assert "This login link is not valid." in text(response)


def test_store_b_login_link_is_refused_on_store_a(client_a, client_b, store_a, store_b):
    token = issue_login_token(store=store_b, user=owner_of(store_b))
    response = client_a.get(f"/console/login/token/?t={token}")
    assert response.status_code == 400
    assert "This login link is for another store." in text(response)
    assert client_a.get("/console/")["Location"].startswith("/console/login/")
    # The refusal did not use the link up: it still works where it belongs.
    assert client_b.get(f"/console/login/token/?t={token}")["Location"] == "/console/"
