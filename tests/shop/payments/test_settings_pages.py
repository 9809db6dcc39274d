"""The payment settings in both faces: the console page (owner and administrators change, finance looks)
with its HTMX "test connection" button, and the store API (GET masked / PATCH / POST test). Secrets never
come back in full; bad input is a clear 4xx; one store's settings are out of every other store's reach."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shop.models import PaymentSettings
from tests.conftest import console_client, login_client, make_staff, owner_of
from tests.factories import UserFactory
from tests.shop.payments.fakes import MCHID

User = get_user_model()
PAGE = "/console/settings/payments/"
ENDPOINT = "/api/v1/payment-settings/"


def text(response) -> str:
    connection.set_schema_to_public()
    return response.content.decode()


def stored(store) -> PaymentSettings:
    with schema_context(store.schema_name):
        return PaymentSettings.current()


def exists(store) -> bool:
    with schema_context(store.schema_name):
        return PaymentSettings.objects.exists()


def staff_client(store, role):
    return console_client(store, make_staff(store, role=role))


def api(store, user) -> APIClient:
    with schema_context(store.schema_name):
        key = Token.objects.get_or_create(user=user)[0].key
    connection.set_schema_to_public()
    client = APIClient(HTTP_HOST=store.host)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def form_post(**values) -> dict:
    data = {"wechat_mode": "platform"}
    for key, value in values.items():
        if value is True:
            data[key] = "on"
        elif value is not False:
            data[key] = value
    return data


@pytest.fixture
def configured_a(store_a, owner_client_a, own_wechat, stripe_keys):
    response = owner_client_a.post(PAGE, form_post(**own_wechat, **stripe_keys))
    connection.set_schema_to_public()
    assert response.status_code == 302, text(response)[:2000]
    return {**own_wechat, **stripe_keys}


# --- the console page ---------------------------------------------------------------------------------------


def test_with_nothing_set_up_the_page_says_checkout_uses_the_sandbox(owner_client_a):
    html = text(owner_client_a.get(PAGE))
    assert "checkout uses the sandbox" in html and "Payment settings" in html
    assert 'href="/console/settings/payments/"' in html  # in the navigation


def test_saved_secrets_are_shown_masked_and_never_in_full(owner_client_a, configured_a):
    html = text(owner_client_a.get(PAGE))
    for name in ("wechat_apiv3_key", "stripe_secret_key", "stripe_webhook_secret"):
        secret = configured_a[name]
        assert secret not in html, name
        assert f"••••••{secret[-4:]}" in html
    private_body = configured_a["wechat_private_key"].splitlines()[1]
    assert private_body not in html and "END PRIVATE KEY" not in html
    assert f'value="{MCHID}"' in html  # public values are shown
    for name in ("wechat_apiv3_key", "stripe_secret_key", "stripe_webhook_secret"):
        field = re.search(rf'<input type="password" name="{name}"[^>]*>', html).group(0)
        assert "value=" not in field
    assert re.search(r'<textarea name="wechat_private_key"[^>]*>\s*</textarea>', html)
    assert "ready" in html


def test_the_console_saves_encrypted_and_a_blank_secret_keeps_the_saved_one(
    owner_client_a, store_a, configured_a
):
    assert stored(store_a).stripe_secret_key == configured_a["stripe_secret_key"]
    values = {**configured_a, "wechat_apiv3_key": "", "wechat_private_key": "", "stripe_secret_key": ""}
    response = owner_client_a.post(PAGE, form_post(**values))
    assert response.status_code == 302
    kept = stored(store_a)
    assert kept.wechat_apiv3_key == configured_a["wechat_apiv3_key"]
    assert kept.wechat_private_key.startswith("-----BEGIN PRIVATE KEY-----")
    assert kept.stripe_secret_key == configured_a["stripe_secret_key"]


def test_a_refused_form_never_echoes_the_secrets_it_was_given(owner_client_a, store_a, own_wechat):
    values = {
        **own_wechat,
        "wechat_public_key": "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----",
    }
    response = owner_client_a.post(PAGE, form_post(**values))
    html = text(response)
    assert response.status_code == 400
    assert "pub_key.pem" in html
    assert own_wechat["wechat_apiv3_key"] not in html
    assert own_wechat["wechat_private_key"].splitlines()[1] not in html
    assert (
        not PaymentSettings.objects.exists()
        if False
        else not exists(store_a) or not stored(store_a).wechat_enabled
    )


@pytest.mark.parametrize(
    "values",
    [
        {"stripe_publishable_key": "pk_test_" + "a" * 5000},
        {"wechat_private_key": "x" * 50_000},
        {"wechat_private_key": "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----"},
        {"wechat_mode": "everything"},
    ],
)
def test_bad_input_on_the_page_is_a_400_with_the_field_marked(owner_client_a, store_a, values):
    response = owner_client_a.post(PAGE, form_post(**values))
    assert response.status_code == 400
    assert 'class="error"' in text(response)
    assert not exists(store_a)


def test_finance_sees_the_page_read_only_and_cannot_post(store_a, configured_a):
    finance = staff_client(store_a, User.Role.FINANCE)
    html = text(finance.get(PAGE))
    assert "can look at these settings but not change them" in html and "Save payment settings" not in html
    assert configured_a["stripe_secret_key"] not in html
    response = finance.post(PAGE, form_post(stripe_enabled=False))
    connection.set_schema_to_public()
    assert response.status_code == 302 and stored(store_a).stripe_enabled
    assert finance.post("/console/settings/payments/test/stripe/", HTTP_HX_REQUEST="true").status_code == 403


@pytest.mark.parametrize("role", [User.Role.OPERATIONS, User.Role.CUSTOMER_SERVICE])
def test_other_staff_cannot_open_the_page(store_a, role):
    client = staff_client(store_a, role)
    response = client.get(PAGE)
    connection.set_schema_to_public()
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert 'href="/console/settings/payments/"' not in text(client.get("/console/"))


def test_a_buyer_or_a_visitor_is_sent_to_the_login(store_a, client_a):
    assert client_a.get(PAGE).status_code == 302
    with schema_context(store_a.schema_name):
        client_a.force_login(UserFactory(role=User.Role.CUSTOMER))
    connection.set_schema_to_public()
    response = client_a.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_store_bs_owner_cannot_reach_store_as_settings(store_a, store_b, client_b, configured_a):
    login_client(client_b, store_b, owner_of(store_b))
    html = text(client_b.get(PAGE))
    assert f'value="{MCHID}"' not in html and "checkout uses the sandbox" in html
    response = client_b.get(PAGE, HTTP_HOST=store_a.host)
    connection.set_schema_to_public()
    assert response.status_code == 302 and "/console/login/" in response["Location"]
    response = client_b.post(PAGE, form_post(stripe_enabled=False), HTTP_HOST=store_a.host)
    connection.set_schema_to_public()
    assert response.status_code in (302, 403) and stored(store_a).stripe_enabled


def test_the_test_button_reports_success_and_failure_in_place(owner_client_a, configured_a, rsps):
    rsps.add(
        "GET",
        "https://api.stripe.com/v1/balance",
        json={"object": "balance", "available": [], "livemode": False},
    )
    response = owner_client_a.post("/console/settings/payments/test/stripe/", HTTP_HX_REQUEST="true")
    html = text(response)
    assert response.status_code == 200 and 'data-test-result="ok"' in html and "test mode" in html
    assert rsps.calls[0].request.headers["Authorization"] == f"Bearer {configured_a['stripe_secret_key']}"
    rsps.replace(
        "GET",
        "https://api.stripe.com/v1/balance",
        status=401,
        json={
            "error": {
                "type": "invalid_request_error",
                "message": "Invalid API Key provided: sk_test_****aaaa",
            }
        },
    )
    html = text(owner_client_a.post("/console/settings/payments/test/stripe/", HTTP_HX_REQUEST="true"))
    assert 'data-test-result="failed"' in html and "Invalid API Key" in html


def test_testing_an_unconfigured_or_unknown_provider_is_clear(owner_client_a):
    html = text(owner_client_a.post("/console/settings/payments/test/wechat/", HTTP_HX_REQUEST="true"))
    assert 'data-test-result="failed"' in html and "sub-merchant number" in html
    assert (
        owner_client_a.post("/console/settings/payments/test/paypal/", HTTP_HX_REQUEST="true").status_code
        == 400
    )
    html = text(owner_client_a.post("/console/settings/payments/test/sandbox/", HTTP_HX_REQUEST="true"))
    assert 'data-test-result="ok"' in html


# --- the store API ------------------------------------------------------------------------------------------


def test_the_api_shows_the_settings_with_every_secret_masked(store_a, configured_a):
    response = api(store_a, owner_of(store_a)).get(ENDPOINT)
    assert response.status_code == 200
    data = response.json()
    assert data["wechat_mchid"] == MCHID and data["wechat_mode"] == "own"
    assert data["stripe_secret_key"] == "••••••" + configured_a["stripe_secret_key"][-4:]
    assert data["available_providers"] == ["wechat", "stripe"]
    assert {p["code"]: p["ready"] for p in data["providers"]} == {
        "wechat": True,
        "stripe": True,
        "sandbox": True,
    }
    body = response.content.decode()
    for name in PaymentSettings.SECRET_FIELDS:
        assert configured_a[name].splitlines()[-1 if name != "wechat_private_key" else 1] not in body


def test_patch_changes_only_what_it_sends_and_answers_masked(store_a, stripe_keys):
    client = api(store_a, owner_of(store_a))
    response = client.patch(ENDPOINT, stripe_keys, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["stripe_webhook_secret"].startswith("••••••")
    assert stripe_keys["stripe_secret_key"] not in response.content.decode()
    response = client.patch(ENDPOINT, {"stripe_secret_key": "", "stripe_enabled": False}, format="json")
    assert response.status_code == 200
    kept = stored(store_a)
    assert kept.stripe_secret_key == stripe_keys["stripe_secret_key"] and not kept.stripe_enabled


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"wechat_private_key": "a" * 100_000}, "wechat_private_key"),
        (
            {"wechat_public_key": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"},
            "wechat_public_key",
        ),
        ({"wechat_apiv3_key": "short"}, "wechat_apiv3_key"),
        ({"wechat_enabled": "maybe"}, "wechat_enabled"),
        ({"wechat_mode": "both"}, "wechat_mode"),
        ({"stripe_enabled": True}, "stripe_publishable_key"),
        ({"wechat_appid": ["wx"]}, "wechat_appid"),
    ],
)
def test_bad_input_on_the_api_is_a_400_naming_the_field(store_a, payload, field):
    response = api(store_a, owner_of(store_a)).patch(ENDPOINT, payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not exists(store_a)


def test_finance_reads_the_api_but_cannot_change_or_test(store_a, stripe_keys):
    client = api(store_a, make_staff(store_a, role=User.Role.FINANCE))
    assert client.get(ENDPOINT).status_code == 200
    assert client.patch(ENDPOINT, stripe_keys, format="json").status_code == 403
    assert client.post(ENDPOINT + "test/", {"provider": "sandbox"}, format="json").status_code == 403
    assert not exists(store_a)


@pytest.mark.parametrize("role", [User.Role.OPERATIONS, User.Role.CUSTOMER_SERVICE, User.Role.CUSTOMER])
def test_other_roles_cannot_read_the_api(store_a, role):
    with schema_context(store_a.schema_name):
        user = UserFactory(role=role)
    assert api(store_a, user).get(ENDPOINT).status_code == 403


def test_a_token_of_store_b_is_no_credential_for_store_as_settings(store_a, store_b, stripe_keys):
    client_b = api(store_b, owner_of(store_b))
    key = client_b._credentials["HTTP_AUTHORIZATION"]
    client = APIClient(HTTP_HOST=store_a.host)
    client.credentials(HTTP_AUTHORIZATION=key)
    assert client.get(ENDPOINT).status_code == 401
    assert client.patch(ENDPOINT, stripe_keys, format="json").status_code == 401
    assert not exists(store_a)


def test_the_api_test_call_reports_the_outcome(store_a, configured_a, rsps):
    rsps.add(
        "GET",
        "https://api.stripe.com/v1/balance",
        json={"object": "balance", "available": [], "livemode": False},
    )
    client = api(store_a, owner_of(store_a))
    response = client.post(ENDPOINT + "test/", {"provider": "stripe"}, format="json")
    assert response.status_code == 200 and response.json()["ok"] is True
    assert client.post(ENDPOINT + "test/", {"provider": "paypal"}, format="json").status_code == 400


def test_the_endpoints_are_in_the_openapi_docs(store_a):
    schema = APIClient(HTTP_HOST=store_a.host).get("/api/v1/schema/").content.decode()
    assert "/api/v1/payment-settings/" in schema and "/api/v1/payment-settings/test/" in schema


def test_the_page_speaks_chinese_to_a_chinese_browser(owner_client_a):
    html = text(owner_client_a.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"))
    for words in ("支付设置", "微信支付", "自有商户号", "测试连接", "结账使用沙箱"):
        assert words in html, words
