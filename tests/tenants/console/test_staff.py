"""The console's staff page: members, adding one (generated or chosen password), roles, deactivating and
reactivating, the plan's staff limit, and who may manage staff."""

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from tests.conftest import (
    console_client,
    fresh_store,
    host_client,
    login_client,
    make_staff,
    owner_of,
    text,
    user_in,
)
from tests.factories import PASSWORD, UserFactory

User = get_user_model()


def test_staff_page_lists_members_with_role_and_status(owner_client_a, store_a):
    make_staff(store_a, email="ops@a.example", name="Olga")
    make_staff(store_a, email="gone@a.example", name="Gus", is_active=False, role="finance")
    page = text(owner_client_a.get("/console/staff/"))
    assert "alice@a.example" in page and "Owner" in page
    assert "ops@a.example" in page and "Olga" in page
    assert "gone@a.example" in page and "Deactivated" in page


def test_adding_a_member_without_password_shows_the_generated_one_once(owner_client_a, store_a):
    response = owner_client_a.post(
        "/console/staff/", {"email": "Dan@A.example", "name": "Dan", "role": "customer_service"}
    )
    assert response.status_code == 302
    first = text(owner_client_a.get("/console/staff/"))
    assert "Dan can now log in to this console." in first
    assert 'id="new-password"' in first
    password = first.split('user-select:all">')[1].split("</code>")[0]
    assert len(password) >= 12
    assert 'id="new-password"' not in text(owner_client_a.get("/console/staff/"))
    dan = user_in(store_a, "dan@a.example")
    assert dan.role == "customer_service" and dan.is_active
    # The member really logs in with it.
    response = host_client(store_a.host).post(
        "/console/login/", {"username": "dan@a.example", "password": password}
    )
    assert response.status_code == 302


def test_adding_a_member_with_a_chosen_password_shows_no_password(owner_client_a, store_a):
    owner_client_a.post(
        "/console/staff/",
        {"email": "fay@a.example", "name": "Fay", "role": "finance", "password": "ledger-and-ink-42"},
    )
    page = text(owner_client_a.get("/console/staff/"))
    assert "Fay can now log in" in page
    assert 'id="new-password"' not in page
    assert (
        host_client(store_a.host)
        .post("/console/login/", {"username": "fay@a.example", "password": "ledger-and-ink-42"})
        .status_code
        == 302
    )


def test_adding_a_member_reports_field_problems(owner_client_a, store_a):
    response = owner_client_a.post(
        "/console/staff/", {"email": "alice@a.example", "name": "Again", "role": "admin", "password": "123"}
    )
    assert response.status_code == 200
    page = text(response)
    assert "Someone with this email is already a user of this store." in page
    assert 'id="field-password"' in page
    with schema_context(store_a.schema_name):
        assert User.objects.filter(role__in=User.STAFF_ROLES).count() == 1


def test_the_owner_role_cannot_be_given_through_the_form(owner_client_a, store_a):
    owner_client_a.post("/console/staff/", {"email": "x@a.example", "name": "X", "role": "owner"})
    assert user_in(store_a, "x@a.example") is None


def test_the_trial_plan_allows_three_staff_including_the_owner(owner_client_a, store_a):
    for email in ["one@a.example", "two@a.example"]:
        response = owner_client_a.post(
            "/console/staff/", {"email": email, "name": "Member", "role": "operations"}
        )
        assert response.status_code == 302
    response = owner_client_a.post(
        "/console/staff/", {"email": "three@a.example", "name": "Member", "role": "operations"}
    )
    assert response.status_code == 200
    assert "Staff accounts: your plan allows 3. Upgrade to 专业版 Pro to add more." in text(response)
    assert user_in(store_a, "three@a.example") is None


def test_changing_a_role_with_a_plain_form_post(owner_client_a, store_a):
    member = make_staff(store_a, email="ops@a.example", name="Olga")
    response = owner_client_a.post(f"/console/staff/{member.pk}/role/", {"role": "finance"})
    assert response.status_code == 302
    assert response["Location"] == "/console/staff/"
    assert user_in(store_a, "ops@a.example").role == "finance"
    assert "Olga is now Finance." in text(owner_client_a.get("/console/staff/"))


def test_changing_a_role_inline_with_htmx_returns_the_row(owner_client_a, store_a):
    member = make_staff(store_a, email="ops@a.example", name="Olga")
    response = owner_client_a.post(
        f"/console/staff/{member.pk}/role/", {"role": "admin"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    row = text(response)
    assert row.strip().startswith(f'<tr id="staff-{member.pk}">')
    assert '<option value="admin" selected>' in row
    assert "Olga is now Administrator." in row
    assert user_in(store_a, "ops@a.example").role == "admin"


def test_the_owners_role_cannot_be_changed(owner_client_a, store_a):
    owner = owner_of(store_a)
    admin = make_staff(store_a, email="adm@a.example", role="admin")
    login_client(owner_client_a, store_a, admin)
    response = owner_client_a.post(f"/console/staff/{owner.pk}/role/", {"role": "finance"}, follow=True)
    assert "The owner&#x27;s role cannot be changed." in text(response)
    assert user_in(store_a, owner.email).role == "owner"
    response = owner_client_a.post(f"/console/staff/{owner.pk}/active/", {"active": "0"}, follow=True)
    assert "The owner cannot be deactivated." in text(response)
    assert user_in(store_a, owner.email).is_active


def test_nonsense_staff_changes_get_a_message_not_an_error(owner_client_a, store_a):
    member = make_staff(store_a, email="ops@a.example")
    response = owner_client_a.post(f"/console/staff/{member.pk}/role/", {"role": "overlord"}, follow=True)
    assert response.status_code == 200
    assert "Choose a role." in text(response)
    response = owner_client_a.post(f"/console/staff/{member.pk}/active/", {"active": "maybe"}, follow=True)
    assert "Choose active or deactivated." in text(response)
    assert owner_client_a.post("/console/staff/999999/role/", {"role": "admin"}).status_code == 404
    member = user_in(store_a, "ops@a.example")
    assert (member.role, member.is_active) == ("operations", True)


def test_a_customer_is_not_a_staff_member_to_manage(owner_client_a, store_a):
    with schema_context(store_a.schema_name):
        buyer = UserFactory(email="buyer@a.example")
    assert owner_client_a.post(f"/console/staff/{buyer.pk}/role/", {"role": "admin"}).status_code == 404
    assert user_in(store_a, "buyer@a.example").role == "customer"


def test_deactivating_a_member_ends_their_access(owner_client_a, store_a):
    member = make_staff(store_a, email="ops@a.example", name="Olga")
    member_client = console_client(store_a, member)
    assert member_client.get("/console/").status_code == 200
    response = owner_client_a.post(f"/console/staff/{member.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    assert not user_in(store_a, "ops@a.example").is_active
    assert member_client.get("/console/")["Location"].startswith("/console/login/")
    again = host_client(store_a.host).post(
        "/console/login/", {"username": "ops@a.example", "password": PASSWORD}
    )
    assert "This account has been deactivated." in text(again)


def test_reactivating_with_htmx_and_the_plan_limit(owner_client_a, store_a):
    sleeper = make_staff(store_a, email="sleeper@a.example", name="Sam", is_active=False)
    make_staff(store_a, email="one@a.example")
    response = owner_client_a.post(
        f"/console/staff/{sleeper.pk}/active/", {"active": "1"}, HTTP_HX_REQUEST="true"
    )
    assert "Sam can log in again." in text(response)
    assert user_in(store_a, "sleeper@a.example").is_active
    # Owner + 2 active = the trial's 3: deactivate one, add a newcomer, then Sam cannot come back.
    owner_client_a.post(f"/console/staff/{sleeper.pk}/active/", {"active": "0"})
    make_staff(store_a, email="two@a.example")
    response = owner_client_a.post(
        f"/console/staff/{sleeper.pk}/active/", {"active": "1"}, HTTP_HX_REQUEST="true"
    )
    assert "Staff accounts: your plan allows 3." in text(response)
    assert "Deactivated" in text(response)
    assert not user_in(store_a, "sleeper@a.example").is_active


def test_managers_cannot_deactivate_themselves(client_a, store_a):
    admin = make_staff(store_a, email="adm@a.example", role="admin")
    login_client(client_a, store_a, admin)
    response = client_a.post(f"/console/staff/{admin.pk}/active/", {"active": "0"}, follow=True)
    assert "You cannot deactivate yourself." in text(response)
    assert user_in(store_a, "adm@a.example").is_active


def test_an_administrator_manages_staff_too(client_a, store_a):
    admin = make_staff(store_a, email="adm@a.example", role="admin")
    login_client(client_a, store_a, admin)
    assert client_a.get("/console/staff/").status_code == 200
    assert client_a.get("/console/settings/").status_code == 200


@pytest.mark.parametrize("role", ["operations", "customer_service", "finance"])
def test_staff_without_management_rights_are_refused_settings_and_staff(client_a, store_a, role):
    member = make_staff(store_a, email="member@a.example", role=role)
    colleague = make_staff(store_a, email="colleague@a.example")
    login_client(client_a, store_a, member)
    for path in ["/console/settings/", "/console/staff/"]:
        response = client_a.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/console/"
    refused = text(client_a.get("/console/settings/", follow=True))
    assert "Only the owner or an administrator can open that page." in refused
    client_a.post("/console/settings/", {"name": "Hijacked", "template": "urban"})
    client_a.post("/console/staff/", {"email": "new@a.example", "name": "New", "role": "admin"})
    client_a.post(f"/console/staff/{colleague.pk}/role/", {"role": "admin"})
    client_a.post(f"/console/staff/{colleague.pk}/active/", {"active": "0"})
    store = fresh_store(store_a)
    assert (store.name, store.template.code) == ("Store A", "fresh")
    assert user_in(store_a, "new@a.example") is None
    colleague = user_in(store_a, "colleague@a.example")
    assert (colleague.role, colleague.is_active) == ("operations", True)
