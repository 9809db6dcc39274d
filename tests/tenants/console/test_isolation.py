"""One store's console session, credentials, staff and settings mean nothing on another store."""

from tests.conftest import fresh_store, host_client, make_staff, text, user_in
from tests.factories import PASSWORD
from tests.tenants.conftest import settings_post


def test_an_owner_session_of_store_a_is_anonymous_on_store_b(owner_client_a, store_a, store_b):
    assert owner_client_a.get("/console/").status_code == 200
    for path in ["/console/", "/console/settings/", "/console/staff/"]:
        response = owner_client_a.get(path, HTTP_HOST=store_b.host)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/console/login/"), path
    owner_client_a.post(
        "/console/settings/", {"name": "Taken over", "template": "fresh"}, HTTP_HOST=store_b.host
    )
    owner_client_a.post(
        "/console/staff/",
        {"email": "mole@b.example", "name": "Mole", "role": "admin"},
        HTTP_HOST=store_b.host,
    )
    store = fresh_store(store_b)
    assert (store.name, store.template.code) == ("Store B", "urban")
    assert user_in(store_b, "mole@b.example") is None


def test_store_a_credentials_fail_on_store_b(client_b, store_b):
    response = client_b.post("/console/login/", {"username": "alice@a.example", "password": PASSWORD})
    assert response.status_code == 200
    assert "Wrong email or password." in text(response)
    assert client_b.get("/console/")["Location"].startswith("/console/login/")


def test_staff_pages_show_only_this_stores_people(owner_client_a, store_a, store_b):
    make_staff(store_b, email="bstaff@b.example")
    page = text(owner_client_a.get("/console/staff/"))
    assert "alice@a.example" in page
    assert "bob@b.example" not in page and "bstaff@b.example" not in page


def test_a_member_added_on_store_a_does_not_exist_on_store_b(owner_client_a, store_a, store_b):
    owner_client_a.post(
        "/console/staff/",
        {"email": "dan@a.example", "name": "Dan", "role": "admin", "password": "ledger-and-ink-42"},
    )
    assert user_in(store_a, "dan@a.example") is not None
    assert user_in(store_b, "dan@a.example") is None
    response = host_client(store_b.host).post(
        "/console/login/", {"username": "dan@a.example", "password": "ledger-and-ink-42"}
    )
    assert "Wrong email or password." in text(response)


def test_settings_of_store_a_leave_store_b_alone(owner_client_a, store_a, store_b):
    owner_client_a.post("/console/settings/", settings_post(store_a, name="Only A", template="classic"))
    assert fresh_store(store_b).name == "Store B"
    assert "template-urban" in text(host_client(store_b.host).get("/"))
