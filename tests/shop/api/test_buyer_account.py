"""The buyer API (/api/v1/buyer/): sign-in by SMS code answers with a token; the profile and the
address book answer to a buyer's token only; staff tokens are not buyers and buyer tokens are not staff."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from shop.models import Address
from tests.conftest import make_staff, owner_of
from tests.shop.conftest import PHONE_1, api_client, last_code

pytestmark = pytest.mark.django_db
JSON = "application/json"
ADDRESS = {
    "contact_name": "李雷",
    "phone": "+86 139-1234-5678",
    "province_code": "440000",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技园 1 栋 101",
}


def call(client, method, path, data=None, **extra):
    send = getattr(client, method)
    response = send(path, data, content_type=JSON, **extra) if data is not None else send(path, **extra)
    connection.set_schema_to_public()
    return response


def sign_in(store, phone=PHONE_1) -> str:
    client = api_client(store)
    assert call(client, "post", "/api/v1/buyer/auth/sms-code/", {"phone": phone}).status_code == 200
    response = call(
        client, "post", "/api/v1/buyer/auth/sms-sign-in/", {"phone": phone, "code": last_code(phone)}
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def buyer_client(store, token):
    client = api_client(store)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
    return client


def test_a_buyer_signs_in_by_sms_code_and_gets_a_token(store_a):
    client = api_client(store_a)
    sent = call(client, "post", "/api/v1/buyer/auth/sms-code/", {"phone": "138 0013 8001"})
    assert sent.status_code == 200 and sent.json() == {"phone": PHONE_1, "expires_in": 300, "resend_in": 60}
    response = call(
        client, "post", "/api/v1/buyer/auth/sms-sign-in/", {"phone": "13800138001", "code": last_code()}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["buyer"]["phone"] == PHONE_1 and len(body["token"]) == 40
    me = call(buyer_client(store_a, body["token"]), "get", "/api/v1/buyer/profile/")
    assert me.status_code == 200 and me.json()["id"] == body["buyer"]["id"]


def test_asking_again_too_soon_is_a_429_with_retry_after(store_a):
    client = api_client(store_a)
    call(client, "post", "/api/v1/buyer/auth/sms-code/", {"phone": PHONE_1})
    response = call(client, "post", "/api/v1/buyer/auth/sms-code/", {"phone": PHONE_1})
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited" and 0 < response.json()["retry_after"] <= 60
    assert response["Retry-After"] == str(response.json()["retry_after"])


@pytest.mark.parametrize(
    "path, data, field",
    [
        ("/api/v1/buyer/auth/sms-code/", {"phone": "１３８００１３８０００"}, "phone"),
        ("/api/v1/buyer/auth/sms-code/", {"phone": "1" * 100_000}, "phone"),
        ("/api/v1/buyer/auth/sms-code/", {}, "phone"),
        ("/api/v1/buyer/auth/sms-sign-in/", {"phone": PHONE_1, "code": "abcdef"}, "code"),
        ("/api/v1/buyer/auth/sms-sign-in/", {"phone": PHONE_1, "code": ["123456"]}, "code"),
        ("/api/v1/buyer/auth/wechat-mini/", {"code": "x" * 500}, "code"),
    ],
)
def test_bad_input_is_a_clear_400_on_its_field(store_a, path, data, field):
    response = call(api_client(store_a), "post", path, data)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_a_wrong_code_says_how_many_tries_are_left(store_a):
    client = api_client(store_a)
    call(client, "post", "/api/v1/buyer/auth/sms-code/", {"phone": PHONE_1})
    wrong = f"{(int(last_code()) + 1) % 1_000_000:06d}"
    response = call(client, "post", "/api/v1/buyer/auth/sms-sign-in/", {"phone": PHONE_1, "code": wrong})
    assert response.status_code == 400
    assert response.json() == {"code": ["Wrong code. 4 tries left."], "error_code": "code_invalid"}


def test_the_profile_and_the_phone_number_change_through_the_api(store_a, media_root):
    token = sign_in(store_a)
    client = buyer_client(store_a, token)
    response = call(client, "patch", "/api/v1/buyer/profile/", {"name": "小李"})
    assert response.status_code == 200 and response.json()["name"] == "小李"
    assert (
        call(client, "post", "/api/v1/buyer/auth/sms-code/", {"phone": "+8613800138099"}).status_code == 200
    )
    response = call(
        client, "post", "/api/v1/buyer/profile/phone/", {"phone": "+8613800138099", "code": last_code()}
    )
    assert response.status_code == 200 and response.json()["phone"] == "+8613800138099"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "小\u0000李"}, "name"),
        ({"name": "小李" * 21}, "name"),
        ({"name": 12}, "name"),
        ({"clear_avatar": "t"}, "clear_avatar"),
        ({"clear_avatar": 1.0}, "clear_avatar"),
        ({"clear_avatar": "maybe"}, "clear_avatar"),
        ({}, "non_field_errors"),
    ],
)
def test_a_profile_field_the_input_layer_refuses_is_a_field_error(store_a, body, field):
    client = buyer_client(store_a, sign_in(store_a))
    before = call(client, "get", "/api/v1/buyer/profile/").json()

    response = call(client, "patch", "/api/v1/buyer/profile/", body)

    assert response.status_code == 400 and field in response.json(), response.content
    assert call(client, "get", "/api/v1/buyer/profile/").json() == before


def test_a_phone_number_of_another_buyer_is_a_409(store_a, settings):
    settings.SMS_CODE_RESEND_SECONDS = 0
    sign_in(store_a, phone="+8613800138098")
    token = sign_in(store_a)
    client = buyer_client(store_a, token)
    call(client, "post", "/api/v1/buyer/auth/sms-code/", {"phone": "+8613800138098"})
    response = call(
        client, "post", "/api/v1/buyer/profile/phone/", {"phone": "+8613800138098", "code": last_code()}
    )
    assert response.status_code == 409 and response.json()["code"] == "phone_taken"


def test_the_address_book_through_the_api(store_a):
    client = buyer_client(store_a, sign_in(store_a))
    created = call(client, "post", "/api/v1/buyer/addresses/", ADDRESS)
    assert created.status_code == 201, created.content
    first = created.json()
    assert (
        first["phone"] == "+8613912345678" and first["is_default"] and first["province_name"] == "Guangdong"
    )
    second = call(client, "post", "/api/v1/buyer/addresses/", {**ADDRESS, "detail": "公司"}).json()
    assert not second["is_default"]
    listed = call(client, "get", "/api/v1/buyer/addresses/").json()
    assert [a["id"] for a in listed["results"]] == [first["id"], second["id"]]
    patched = call(client, "patch", f"/api/v1/buyer/addresses/{second['id']}/", {"district": "福田区"})
    assert (
        patched.status_code == 200
        and patched.json()["district"] == "福田区"
        and patched.json()["detail"] == "公司"
    )
    made_default = call(client, "post", f"/api/v1/buyer/addresses/{second['id']}/set-default/")
    assert made_default.status_code == 200 and made_default.json()["is_default"]
    put = call(client, "put", f"/api/v1/buyer/addresses/{first['id']}/", {**ADDRESS, "city": "广州市"})
    assert put.status_code == 200 and put.json()["city"] == "广州市" and put.json()["district"] == "南山区"
    assert call(client, "delete", f"/api/v1/buyer/addresses/{second['id']}/").status_code == 204
    assert call(client, "get", f"/api/v1/buyer/addresses/{first['id']}/").json()["is_default"] is True


def test_address_errors_name_their_fields(store_a):
    client = buyer_client(store_a, sign_in(store_a))
    response = call(
        client, "post", "/api/v1/buyer/addresses/", {**ADDRESS, "phone": "12345", "province_code": "000000"}
    )
    assert response.status_code == 400 and {"province_code"} <= set(response.json())
    response = call(client, "post", "/api/v1/buyer/addresses/", {**ADDRESS, "phone": "12345"})
    assert response.status_code == 400 and set(response.json()) == {"phone", "code"}


def test_signing_out_ends_the_token(store_a):
    token = sign_in(store_a)
    client = buyer_client(store_a, token)
    assert call(client, "post", "/api/v1/buyer/auth/sign-out/").status_code == 204
    assert call(client, "get", "/api/v1/buyer/profile/").status_code == 401


def test_staff_tokens_do_not_act_as_buyers(store_a):
    for user in (owner_of(store_a), make_staff(store_a, role="customer_service")):
        client = api_client(store_a, user)
        for method, path in (("get", "/api/v1/buyer/profile/"), ("get", "/api/v1/buyer/addresses/")):
            assert call(client, method, path).status_code == 403, (user.role, path)
        assert call(client, "post", "/api/v1/buyer/addresses/", ADDRESS).status_code == 403


def test_buyer_tokens_do_not_reach_staff_endpoints(store_a):
    client = buyer_client(store_a, sign_in(store_a))
    for path in (
        "/api/v1/store/",
        "/api/v1/staff/",
        "/api/v1/products/",
        "/api/v1/categories/",
        "/api/v1/wechat-settings/",
    ):
        assert call(client, "get", path).status_code == 403, path
    assert call(client, "patch", "/api/v1/store/", {"name": "mine now"}).status_code == 403


def test_a_buyer_cannot_obtain_a_staff_token(store_a):
    from django.contrib.auth import get_user_model

    with schema_context(store_a.schema_name):
        buyer = get_user_model()(role="customer", email="buyer@example.com", phone=PHONE_1)
        buyer.set_password("plums-and-pears-42")
        buyer.save()
    response = call(
        api_client(store_a),
        "post",
        "/api/v1/auth/token/",
        {"email": "buyer@example.com", "password": "plums-and-pears-42"},
    )
    assert response.status_code == 401


def test_anonymous_callers_are_told_to_authenticate(store_a):
    client = api_client(store_a)
    assert call(client, "get", "/api/v1/buyer/profile/").status_code == 401
    assert call(client, "get", "/api/v1/buyer/addresses/").status_code == 401


def test_every_buyer_endpoint_is_in_the_openapi_docs(store_a):
    schema = call(api_client(store_a), "get", "/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/buyer/auth/sms-code/",
        "/api/v1/buyer/auth/sms-sign-in/",
        "/api/v1/buyer/auth/wechat-mini/",
        "/api/v1/buyer/auth/sign-out/",
        "/api/v1/buyer/profile/",
        "/api/v1/buyer/profile/phone/",
        "/api/v1/buyer/addresses/",
        "/api/v1/buyer/addresses/{id}/",
        "/api/v1/buyer/addresses/{id}/set-default/",
        "/api/v1/wechat-settings/",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/buyer/addresses/{id}/"]) == {"get", "put", "patch", "delete"}
    assert "session_key" not in str(schema)


def test_the_wechat_settings_api_shows_secrets_masked(store_a):
    owner = api_client(store_a, owner_of(store_a))
    data = {
        "official_app_id": "wx1234567890abcdef",
        "official_app_secret": "0123456789abcdef0123456789abcdef",
    }
    response = call(owner, "patch", "/api/v1/wechat-settings/", data)
    assert response.status_code == 200, response.content
    assert response.json()["official_app_secret"] == "••••••cdef" and response.json()["official_enabled"]
    assert (
        "0123456789abcdef0123456789abcdef"
        not in call(owner, "get", "/api/v1/wechat-settings/").content.decode()
    )
    clerk = api_client(store_a, make_staff(store_a, role="operations"))
    assert call(clerk, "get", "/api/v1/wechat-settings/").status_code == 403
    with schema_context(store_a.schema_name):
        assert not Address.objects.exists()
