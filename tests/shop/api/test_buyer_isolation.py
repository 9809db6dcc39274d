"""A buyer only ever sees and acts on their own data. For every account page and buyer endpoint: buyer 1
cannot read or change buyer 2's rows in the same store (404, nothing changed), and a buyer of store A is
unknown in store B (their session and their token do nothing there)."""

import pytest
from django.conf import settings
from django.db import connection
from django.forms.models import model_to_dict
from django_tenants.utils import schema_context

from shop.models import Address
from shop.services import addresses
from shop.services.addresses import AddressInput
from tests.conftest import host_client
from tests.shop.conftest import PHONE_1, api_client, last_code, sign_in_by_sms, signed_in_client

pytestmark = pytest.mark.django_db
JSON = "application/json"
HTMX = {"HTTP_HX_REQUEST": "true"}
ADDRESS = {
    "contact_name": "收件人",
    "phone": "13912345678",
    "province_code": "330000",
    "city": "杭州市",
    "district": "西湖区",
    "detail": "文三路 1 号",
    "postal_code": "",
}

# (method, path) of every page that acts on one address; {id} is the address's id.
ADDRESS_PAGES = [
    ("get", "/account/addresses/{id}/"),
    ("post", "/account/addresses/{id}/"),
    ("post", "/account/addresses/{id}/default/"),
    ("post", "/account/addresses/{id}/delete/"),
]
# (method, path, body) of every buyer endpoint that acts on one address.
ADDRESS_ENDPOINTS = [
    ("get", "/api/v1/buyer/addresses/{id}/", None),
    ("put", "/api/v1/buyer/addresses/{id}/", ADDRESS),
    ("patch", "/api/v1/buyer/addresses/{id}/", {"detail": "改掉"}),
    ("delete", "/api/v1/buyer/addresses/{id}/", None),
    ("post", "/api/v1/buyer/addresses/{id}/set-default/", None),
]
# Every page of a signed-in buyer, and every buyer endpoint (a store-B visitor must get none of them).
BUYER_PAGES = ["/account/profile/", "/account/phone/", "/account/addresses/", "/account/addresses/new/"]
BUYER_ENDPOINTS = [
    ("get", "/api/v1/buyer/profile/"),
    ("patch", "/api/v1/buyer/profile/"),
    ("post", "/api/v1/buyer/profile/phone/"),
    ("get", "/api/v1/buyer/addresses/"),
    ("post", "/api/v1/buyer/addresses/"),
    ("post", "/api/v1/buyer/auth/sign-out/"),
]


def send(client, method, path, data=None, **extra):
    caller = getattr(client, method)
    if method == "get":
        response = caller(path, **extra)
    elif path.startswith("/api/"):
        response = caller(path, data or {}, content_type=JSON, **extra)
    else:
        response = caller(path, data or {}, **extra)
    connection.set_schema_to_public()
    return response


def address_of(store, buyer, **changes):
    with schema_context(store.schema_name):
        return addresses.add_address(buyer=buyer, data=AddressInput(**{**ADDRESS, **changes}))


def state_of(store, address):
    with schema_context(store.schema_name):
        return model_to_dict(Address.objects.get(pk=address.pk))


@pytest.fixture
def theirs(store_a, buyer_2):
    return address_of(store_a, buyer_2, detail="买家二的家")


@pytest.fixture
def mine(store_a, buyer_1):
    return address_of(store_a, buyer_1, detail="买家一的家")


@pytest.mark.parametrize("method, path", ADDRESS_PAGES)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_buyer_cannot_open_or_change_another_buyers_address_on_the_pages(
    store_a, buyer_1, mine, theirs, method, path, htmx
):
    before = state_of(store_a, theirs)
    client = signed_in_client(store_a, buyer_1)
    data = {**ADDRESS, "detail": "改掉", "is_default": "on"}
    response = send(client, method, path.format(id=theirs.pk), data, **(HTMX if htmx else {}))
    assert response.status_code == 404
    assert "买家二的家" not in response.content.decode()
    assert state_of(store_a, theirs) == before
    assert state_of(store_a, mine)["is_default"] is True


@pytest.mark.parametrize("method, path, body", ADDRESS_ENDPOINTS)
def test_a_buyer_cannot_read_or_change_another_buyers_address_through_the_api(
    store_a, buyer_1, mine, theirs, method, path, body
):
    before = state_of(store_a, theirs)
    response = send(api_client(store_a, buyer_1), method, path.format(id=theirs.pk), body)
    assert response.status_code == 404
    assert "买家二的家" not in response.content.decode()
    assert state_of(store_a, theirs) == before


def test_lists_and_the_me_tab_show_only_the_buyers_own(store_a, buyer_1, buyer_2, mine, theirs):
    pages = signed_in_client(store_a, buyer_1)
    for path in ("/account/", "/account/addresses/", "/account/profile/", "/account/phone/"):
        page = send(pages, "get", path).content.decode()
        assert "买家二" not in page and "138 0013 8002" not in page, path
    listed = send(api_client(store_a, buyer_1), "get", "/api/v1/buyer/addresses/").json()
    assert [a["id"] for a in listed["results"]] == [mine.pk]
    profile = send(api_client(store_a, buyer_1), "get", "/api/v1/buyer/profile/").json()
    assert profile["id"] == buyer_1.pk and profile["phone"] == PHONE_1


def test_an_address_added_goes_to_the_caller_whatever_the_body_says(store_a, buyer_1, buyer_2):
    body = {**ADDRESS, "buyer": buyer_2.pk, "buyer_id": buyer_2.pk}
    # The API refuses fields it does not know, by name; the page's form ignores them.
    refused = send(api_client(store_a, buyer_1), "post", "/api/v1/buyer/addresses/", body)
    assert refused.status_code == 400 and {"buyer", "buyer_id"} <= set(refused.json())
    created = send(api_client(store_a, buyer_1), "post", "/api/v1/buyer/addresses/", ADDRESS).json()
    send(signed_in_client(store_a, buyer_1), "post", "/account/addresses/new/", body)
    with schema_context(store_a.schema_name):
        assert Address.objects.get(pk=created["id"]).buyer_id == buyer_1.pk
        assert Address.objects.filter(buyer=buyer_1).count() == 2
        assert not Address.objects.filter(buyer=buyer_2).exists()


def test_profile_writes_and_sign_out_touch_only_the_caller(store_a, buyer_1, buyer_2):
    body = {"id": buyer_2.pk, "name": "改名", "phone": "+8613800138099"}
    # The API refuses fields it does not know (nothing changes); the page's form ignores them.
    assert send(api_client(store_a, buyer_1), "patch", "/api/v1/buyer/profile/", body).status_code == 400
    assert (
        send(api_client(store_a, buyer_1), "patch", "/api/v1/buyer/profile/", {"name": "改名"}).status_code
        == 200
    )
    assert send(signed_in_client(store_a, buyer_1), "post", "/account/profile/", body).status_code == 302
    second = api_client(store_a, buyer_2)
    assert send(api_client(store_a, buyer_1), "post", "/api/v1/buyer/auth/sign-out/").status_code == 204
    assert send(second, "get", "/api/v1/buyer/profile/").json()["name"] == "买家二"
    with schema_context(store_a.schema_name):
        buyer_2.refresh_from_db()
        buyer_1.refresh_from_db()
    assert (buyer_2.name, buyer_2.phone) == ("买家二", "+8613800138002")
    assert (buyer_1.name, buyer_1.phone) == ("改名", PHONE_1)


# --- across stores ----------------------------------------------------------------------------------


def test_a_store_a_session_does_nothing_in_store_b(store_a, store_b, client_a, buyer_b):
    sign_in_by_sms(client_a, PHONE_1)
    session_cookie = client_a.cookies[settings.SESSION_COOKIE_NAME].value
    b_address = address_of(store_b, buyer_b, detail="B 店的地址")

    def on_b():
        """A browser sends store A's host-only cookie to A only; here it is sent to B on purpose."""
        client = host_client(store_b.host)
        client.cookies[settings.SESSION_COOKIE_NAME] = session_cookie
        return client

    for path in BUYER_PAGES:
        response = send(on_b(), "get", path)
        assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/"), path
    assert 'id="sign-in-card"' in send(on_b(), "get", "/account/").content.decode()
    for method, path in ADDRESS_PAGES:
        response = send(on_b(), method, path.format(id=b_address.pk), ADDRESS)
        assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/"), path
    for method, path in BUYER_ENDPOINTS:
        assert send(on_b(), method, path, {}).status_code in (401, 403), path
    assert state_of(store_b, b_address)["detail"] == "B 店的地址"
    # and in its own store the session still works
    assert send(client_a, "get", "/account/addresses/").status_code == 200


def test_a_store_a_token_is_unknown_in_store_b(store_a, store_b, buyer_1, buyer_b):
    b_address = address_of(store_b, buyer_b, detail="B 店的地址")
    token_client = api_client(store_a, buyer_1)
    for method, path in BUYER_ENDPOINTS:
        assert send(token_client, method, path, {}, HTTP_HOST=store_b.host).status_code == 401, path
    for method, path, body in ADDRESS_ENDPOINTS:
        response = send(token_client, method, path.format(id=b_address.pk), body, HTTP_HOST=store_b.host)
        assert response.status_code == 401, path
    assert state_of(store_b, b_address)["detail"] == "B 店的地址"
    assert send(token_client, "get", "/api/v1/buyer/profile/").status_code == 200


def test_a_code_sent_by_store_a_does_not_sign_in_at_store_b(store_a, store_b, client_a, client_b):
    send(client_a, "post", "/account/sign-in/code/", {"phone": PHONE_1})
    response = send(client_b, "post", "/account/sign-in/", {"phone": PHONE_1, "code": last_code()})
    assert response.status_code == 200 and "No code was sent to this number" in response.content.decode()
