"""Who gets into the platform operator console (/operator/ on the platform host): anonymous visitors, store
users, public users without the operator flag, wrong passwords and lockout, the create_operator command,
and store hosts, which have no operator console at all."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from billing.models import Plan
from tenants.models import OperatorAction, Store, StoreTemplate
from tests.conftest import fresh_store, make_staff
from tests.factories import PASSWORD, UserFactory
from tests.tenants.operator.conftest import OPERATOR_PAGES


@pytest.mark.parametrize("path", OPERATOR_PAGES)
def test_anonymous_visitor_is_sent_to_the_operator_login(platform_client, path):
    response = platform_client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/operator/login/?next={path}"


def test_anonymous_post_cannot_suspend_a_store(platform_client, store_a):
    response = platform_client.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "spam"})
    assert response.status_code == 302
    assert response["Location"].startswith("/operator/login/")
    assert fresh_store(store_a).status == Store.Status.ACTIVE
    assert not OperatorAction.objects.exists()


def test_store_host_has_no_operator_console(owner_client_a):
    for path in ("/operator/", "/operator/login/", "/operator/plans/"):
        assert owner_client_a.get(path).status_code == 404
    response = owner_client_a.post("/operator/login/", {"username": "alice@a.example", "password": PASSWORD})
    assert response.status_code == 404


def test_store_owner_session_is_unknown_on_the_platform_host(owner_client_a):
    # The same browser (same cookies) on the platform host: the session lives in store A's schema only.
    response = owner_client_a.get("/operator/", HTTP_HOST="localhost")
    assert response.status_code == 302
    assert response["Location"].startswith("/operator/login/")


def test_store_owner_credentials_fail_at_operator_login(platform_client):
    response = platform_client.post("/operator/login/", {"username": "alice@a.example", "password": PASSWORD})
    assert response.status_code == 200
    assert "Wrong email or password" in response.content.decode()
    assert platform_client.get("/operator/").status_code == 302


def test_store_staff_credentials_fail_at_operator_login(platform_client, store_a):
    staff = make_staff(store_a, email="staff@a.example")
    response = platform_client.post("/operator/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Wrong email or password" in response.content.decode()
    assert platform_client.get("/operator/").status_code == 302


def test_public_user_without_operator_flag_is_refused(platform_client):
    connection.set_schema_to_public()
    user = UserFactory(email="someone@platform.example", is_staff=False)
    response = platform_client.post("/operator/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "not a platform operator" in response.content.decode()
    # Even with a session, the console stays shut.
    platform_client.force_login(user)
    response = platform_client.get("/operator/")
    assert response.status_code == 302
    assert response["Location"].startswith("/operator/login/")


def test_operator_wrong_password_shows_an_error(platform_client, operator):
    response = platform_client.post("/operator/login/", {"username": operator.email, "password": "nope-nope"})
    assert response.status_code == 200
    assert "Wrong email or password" in response.content.decode()
    assert platform_client.get("/operator/").status_code == 302


def test_repeated_wrong_passwords_lock_the_account_out(platform_client, operator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        platform_client.post("/operator/login/", {"username": operator.email, "password": "wrong-guess"})
    response = platform_client.post("/operator/login/", {"username": operator.email, "password": PASSWORD})
    assert response.status_code == 429
    assert platform_client.get("/operator/").status_code == 302


def test_operator_login_follows_a_safe_next_only(platform_client, operator):
    response = platform_client.post(
        "/operator/login/?next=/operator/plans/", {"username": operator.email, "password": PASSWORD}
    )
    assert response["Location"] == "/operator/plans/"
    platform_client.post("/operator/logout/")
    response = platform_client.post(
        "/operator/login/",
        {"username": operator.email, "password": PASSWORD, "next": "https://evil.example/phish"},
    )
    assert response["Location"] == "/operator/"


def test_operator_logs_in_and_out(operator_client):
    assert operator_client.get("/operator/").status_code == 200
    response = operator_client.post("/operator/logout/")
    assert response["Location"] == "/operator/login/"
    assert operator_client.get("/operator/").status_code == 302


def test_logout_is_post_only(operator_client):
    assert operator_client.get("/operator/logout/").status_code == 405
    assert operator_client.get("/operator/").status_code == 200


def test_create_operator_command_makes_an_operator_who_can_log_in(platform_client):
    out = io.StringIO()
    call_command(
        "create_operator", "Ops@Platform.example", "--name", "Ops", "--password", PASSWORD, stdout=out
    )
    assert "Operator created" in out.getvalue()
    connection.set_schema_to_public()
    response = platform_client.post(
        "/operator/login/", {"username": "ops@platform.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/operator/"
    assert platform_client.get("/operator/").status_code == 200


def test_create_operator_command_refuses_a_weak_password(platform_client):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_operator", "weak@platform.example", "--password", "12345678")
    response = platform_client.post(
        "/operator/login/", {"username": "weak@platform.example", "password": "12345678"}
    )
    assert response.status_code == 200


def test_operator_pages_render_for_an_operator(operator_client, store_a):
    plan = Plan.objects.first()
    template = StoreTemplate.objects.first()
    for path in [
        *OPERATOR_PAGES,
        f"/operator/stores/{store_a.pk}/",
        f"/operator/plans/{plan.pk}/edit/",
        f"/operator/templates/{template.pk}/edit/",
    ]:
        response = operator_client.get(path)
        assert response.status_code == 200, path
        assert 'href="/operator/audit/"' in response.content.decode()


def test_a_store_host_cannot_suspend_another_store(client_b, store_a):
    # Store B's host knows no operator URLs, whatever store they would name.
    assert client_b.get(f"/operator/stores/{store_a.pk}/").status_code == 404
    assert client_b.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "x"}).status_code == 404
    assert fresh_store(store_a).status == Store.Status.ACTIVE
