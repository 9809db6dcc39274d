"""A store the platform suspended: its console reads but does not write."""

from tests.conftest import fresh_store, login_client, make_staff, owner_of, text, user_in
from tests.tenants.conftest import suspend


def test_suspended_store_console_is_read_only(owner_client_a, store_a, operator):
    member = make_staff(store_a, email="ops@a.example")
    suspend(store_a, operator)
    dashboard = text(owner_client_a.get("/console/"))
    assert "This store is suspended by the platform: Unpaid invoice #42" in dashboard
    assert "Reason: Unpaid invoice #42" in dashboard
    settings_page = owner_client_a.get("/console/settings/")
    assert settings_page.status_code == 200
    assert "disabled" in text(settings_page)
    staff_page = owner_client_a.get("/console/staff/")
    assert staff_page.status_code == 200
    assert "ops@a.example" in text(staff_page)
    assert 'id="add-staff"' not in text(staff_page)

    response = owner_client_a.post(
        "/console/settings/", {"name": "Renamed", "template": "urban"}, HTTP_REFERER="/console/settings/"
    )
    assert response.status_code == 302
    assert "This store is suspended by the platform: Unpaid invoice #42" in text(
        owner_client_a.get(response["Location"])
    )
    owner_client_a.post("/console/staff/", {"email": "new@a.example", "name": "New", "role": "admin"})
    owner_client_a.post(f"/console/staff/{member.pk}/role/", {"role": "admin"})
    owner_client_a.post(f"/console/staff/{member.pk}/active/", {"active": "0"})

    store = fresh_store(store_a)
    assert (store.name, store.template.code) == ("Store A", "fresh")
    assert user_in(store_a, "new@a.example") is None
    member = user_in(store_a, "ops@a.example")
    assert (member.role, member.is_active) == ("operations", True)


def test_a_suspended_store_owner_can_still_log_in_to_read(client_a, store_a, operator):
    suspend(store_a, operator)
    login_client(client_a, store_a, owner_of(store_a))
    assert "Unpaid invoice #42" in text(client_a.get("/console/"))
