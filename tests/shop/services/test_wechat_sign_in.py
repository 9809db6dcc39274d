"""WeChat sign-in with the store's own apps, WeChat's HTTP API faked with `responses`: web OAuth in the
WeChat browser (snsapi_base / snsapi_userinfo) and the mini-program's jscode2session, errcode answers
included. The mini-program's session key stays on the server: in no response, in no log line."""

import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from responses import matchers

from shop.models import WechatIdentity
from shop.services import buyer_auth, wechat
from tenants.activity.models import ActivityEntry
from tenants.errors import (
    Conflict,
    ErrorCode,
    InvalidInput,
    NotAllowed,
    NotFound,
    ProviderUnavailable,
    RateLimited,
)
from tests.conftest import host_client, owner_of
from tests.shop.conftest import PHONE_1, api_client, last_code, make_buyer

pytestmark = pytest.mark.django_db
User = get_user_model()

OA_APP_ID, OA_SECRET = "wx1234567890abcdef", "0123456789abcdef0123456789abcdef"
MINI_APP_ID, MINI_SECRET = "wxfedcba0987654321", "fedcba9876543210fedcba9876543210"
ACCESS_TOKEN_URL = "https://api.weixin.qq.com/sns/oauth2/access_token"
USERINFO_URL = "https://api.weixin.qq.com/sns/userinfo"
JSCODE2SESSION_URL = "https://api.weixin.qq.com/sns/jscode2session"
SESSION_KEY = "tiihtNczf5v6AKRyjwEUhQ=="
WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
)


def configure(store, *, asks_for_profile=False, official=True, mini=True):
    with schema_context(store.schema_name):
        return wechat.update_wechat_settings(
            store=store,
            actor=owner_of(store),
            data=wechat.WechatSettingsInput(
                official_app_id=OA_APP_ID if official else "",
                official_app_secret=OA_SECRET if official else None,
                official_asks_for_profile=asks_for_profile,
                mini_app_id=MINI_APP_ID if mini else "",
                mini_app_secret=MINI_SECRET if mini else None,
            ),
        )


@pytest.fixture
def wechat_api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        yield mocked


def fake_oauth(
    mocked, *, code="OAUTHCODE1", openid="oOA_openid_1", scope="snsapi_base", unionid=None, nickname="小明"
):
    token = {
        "access_token": "ACCESS",
        "expires_in": 7200,
        "refresh_token": "REFRESH",
        "openid": openid,
        "scope": scope,
    }
    mocked.get(
        ACCESS_TOKEN_URL,
        json=token,
        match=[
            matchers.query_param_matcher(
                {"appid": OA_APP_ID, "secret": OA_SECRET, "code": code, "grant_type": "authorization_code"}
            )
        ],
    )
    profile = {"openid": openid, "nickname": nickname, "headimgurl": "https://thirdwx.qlogo.cn/mmopen/a/132"}
    if unionid:
        profile["unionid"] = unionid
    mocked.get(USERINFO_URL, json=profile)


def fake_mini(mocked, *, code="MINICODE1", openid="oMINI_openid_1", unionid=None):
    answer = {"openid": openid, "session_key": SESSION_KEY}
    if unionid:
        answer["unionid"] = unionid
    mocked.get(
        JSCODE2SESSION_URL,
        json=answer,
        match=[
            matchers.query_param_matcher(
                {
                    "appid": MINI_APP_ID,
                    "secret": MINI_SECRET,
                    "js_code": code,
                    "grant_type": "authorization_code",
                }
            )
        ],
    )


# --- the store's apps -------------------------------------------------------------------------------


def test_the_owner_sets_the_apps_and_secrets_are_stored_encrypted_and_logged_masked(store_a):
    config = configure(store_a)
    assert config.official_enabled and config.mini_enabled
    with schema_context(store_a.schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT official_app_secret, mini_app_secret FROM shop_wechatsettings")
        stored = cursor.fetchone()
        assert all(value.startswith("enc1:") and OA_SECRET not in value for value in stored)
        entry = ActivityEntry.objects.get(action="wechat_settings.updated")
    assert entry.changes["official_app_secret"] == ["", "••••••cdef"]
    assert OA_SECRET not in str(entry.changes) and MINI_SECRET not in str(entry.changes)


def test_an_empty_secret_keeps_the_stored_one_and_an_empty_app_id_turns_the_app_off(store_a):
    configure(store_a)
    with schema_context(store_a.schema_name):
        owner = owner_of(store_a)
        config = wechat.update_wechat_settings(
            store=store_a,
            actor=owner,
            data=wechat.WechatSettingsInput(official_app_id=OA_APP_ID, mini_app_id=""),
        )
        assert config.official_app_secret == OA_SECRET
        assert (config.mini_app_id, config.mini_app_secret, config.mini_enabled) == ("", "", False)
        with pytest.raises(InvalidInput) as refused:
            wechat.update_wechat_settings(
                store=store_a,
                actor=owner,
                data=wechat.WechatSettingsInput(official_app_id="wx0000000000000000"),
            )
        assert list(refused.value.errors) == ["official_app_secret"]  # a new AppID needs its own secret


@pytest.mark.parametrize(
    "data, field",
    [
        ({"official_app_id": "not-an-appid", "official_app_secret": OA_SECRET}, "official_app_id"),
        ({"official_app_id": OA_APP_ID, "official_app_secret": "short"}, "official_app_secret"),
        ({"mini_app_id": "wx1234567890ABCDEF\x00", "mini_app_secret": MINI_SECRET}, "mini_app_id"),
    ],
)
def test_app_ids_and_secrets_are_checked(store_a, data, field):
    with schema_context(store_a.schema_name), pytest.raises(InvalidInput) as refused:
        wechat.update_wechat_settings(
            store=store_a, actor=owner_of(store_a), data=wechat.WechatSettingsInput(**data)
        )
    assert field in refused.value.errors


def test_only_the_owner_or_an_admin_changes_the_apps(store_a):
    from tests.conftest import make_staff

    clerk = make_staff(store_a, role="operations")
    with schema_context(store_a.schema_name), pytest.raises(NotAllowed):
        wechat.update_wechat_settings(store=store_a, actor=clerk, data=wechat.WechatSettingsInput())


# --- web OAuth (services) -----------------------------------------------------------------------------


def test_the_authorize_url_asks_for_the_silent_scope_unless_the_store_wants_the_profile(store_a):
    configure(store_a)
    with schema_context(store_a.schema_name):
        url = wechat.wechat_authorize_url(redirect_uri="https://store-a.localhost/cb/", state="abc123")
        assert url.startswith("https://open.weixin.qq.com/connect/oauth2/authorize?appid=" + OA_APP_ID)
        assert "scope=snsapi_base" in url and "state=abc123" in url and url.endswith("#wechat_redirect")
    configure(store_a, asks_for_profile=True)
    with schema_context(store_a.schema_name):
        assert "scope=snsapi_userinfo" in wechat.wechat_authorize_url(redirect_uri="https://x/", state="s")


def test_a_first_oauth_sign_in_makes_a_buyer_and_the_next_finds_them(store_a, wechat_api):
    configure(store_a)
    fake_oauth(wechat_api)
    with schema_context(store_a.schema_name):
        buyer = wechat.sign_in_with_wechat_oauth(code="OAUTHCODE1", redirect_uri="https://x/")
        again = wechat.sign_in_with_wechat_oauth(code="OAUTHCODE1", redirect_uri="https://x/")
        identity = WechatIdentity.objects.get()
        assert again == buyer and (buyer.role, buyer.phone, buyer.name) == ("customer", "", "")
        assert (identity.app_id, identity.openid, identity.buyer_id) == (OA_APP_ID, "oOA_openid_1", buyer.pk)
        assert ActivityEntry.objects.get(action="buyer.created").changes["signed_up_with"] == [
            None,
            f"wechat:{OA_APP_ID}",
        ]
    # snsapi_base: no profile asked for
    assert [call.request.url.split("?")[0] for call in wechat_api.calls] == [
        ACCESS_TOKEN_URL,
        ACCESS_TOKEN_URL,
    ]


def test_with_snsapi_userinfo_the_buyer_gets_their_wechat_nickname_and_avatar(store_a, wechat_api):
    configure(store_a, asks_for_profile=True)
    fake_oauth(wechat_api, scope="snsapi_userinfo", unionid="UNION-1")
    with schema_context(store_a.schema_name):
        buyer = wechat.sign_in_with_wechat_oauth(code="OAUTHCODE1", redirect_uri="https://x/")
        identity = WechatIdentity.objects.get()
    assert buyer.name == "小明"
    assert (identity.unionid, identity.avatar_url) == ("UNION-1", "https://thirdwx.qlogo.cn/mmopen/a/132")


@pytest.mark.parametrize(
    "answer, error, code",
    [
        ({"errcode": 40029, "errmsg": "invalid code"}, InvalidInput, ErrorCode.CODE_INVALID),
        ({"errcode": 40163, "errmsg": "code been used"}, InvalidInput, ErrorCode.CODE_INVALID),
        ({"errcode": 45011, "errmsg": "api minute-quota reach limit"}, RateLimited, ErrorCode.RATE_LIMITED),
        ({"errcode": 40226, "errmsg": "invalid user"}, NotAllowed, ErrorCode.NOT_ALLOWED),
        (
            {"errcode": 40125, "errmsg": "invalid appsecret"},
            ProviderUnavailable,
            ErrorCode.PROVIDER_UNAVAILABLE,
        ),
        ({"errcode": -1, "errmsg": "system error"}, ProviderUnavailable, ErrorCode.PROVIDER_UNAVAILABLE),
    ],
)
def test_errcode_answers_of_wechat_become_domain_errors(store_a, wechat_api, answer, error, code):
    configure(store_a)
    wechat_api.get(ACCESS_TOKEN_URL, json=answer)
    wechat_api.get(JSCODE2SESSION_URL, json=answer)
    with schema_context(store_a.schema_name):
        with pytest.raises(error) as refused:
            wechat.sign_in_with_wechat_oauth(code="OAUTHCODE1", redirect_uri="https://x/")
        assert refused.value.code == code
        with pytest.raises(error):
            wechat.sign_in_with_wechat_mini(code="MINICODE1")
        assert not User.objects.filter(role="customer").exists()
    assert answer["errmsg"] not in refused.value.message


def test_wechat_out_of_reach_is_provider_unavailable(store_a, wechat_api):
    configure(store_a)
    wechat_api.get(ACCESS_TOKEN_URL, body=requests.exceptions.ConnectTimeout("timed out"))
    wechat_api.get(JSCODE2SESSION_URL, body="<html>502</html>", status=502)
    with schema_context(store_a.schema_name):
        with pytest.raises(ProviderUnavailable):
            wechat.sign_in_with_wechat_oauth(code="OAUTHCODE1", redirect_uri="https://x/")
        with pytest.raises(ProviderUnavailable):
            wechat.sign_in_with_wechat_mini(code="MINICODE1")


def test_a_store_without_wechat_apps_offers_no_wechat_sign_in(store_a):
    with schema_context(store_a.schema_name):
        with pytest.raises(NotFound) as refused:
            wechat.sign_in_with_wechat_mini(code="MINICODE1")
        assert refused.value.code == ErrorCode.WECHAT_NOT_CONFIGURED
        with pytest.raises(NotFound):
            wechat.wechat_authorize_url(redirect_uri="https://x/", state="s")


@pytest.mark.parametrize("code", ["", "a b", "x" * 129, "码", "abc\x00"])
def test_an_odd_login_code_is_refused_without_calling_wechat(store_a, wechat_api, code):
    configure(store_a)
    with schema_context(store_a.schema_name), pytest.raises(InvalidInput):
        wechat.sign_in_with_wechat_mini(code=code)
    assert len(wechat_api.calls) == 0


# --- the mini-program -------------------------------------------------------------------------------


def test_a_mini_program_sign_in_keeps_the_session_key_encrypted_on_the_server(store_a, wechat_api, caplog):
    configure(store_a)
    fake_mini(wechat_api)
    with caplog.at_level(logging.DEBUG):
        response = api_client(store_a).post(
            "/api/v1/buyer/auth/wechat-mini/", {"code": "MINICODE1"}, content_type="application/json"
        )
    connection.set_schema_to_public()
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"token", "buyer"} and body["buyer"]["phone"] == ""
    assert SESSION_KEY not in response.content.decode() and "session_key" not in response.content.decode()
    assert SESSION_KEY not in caplog.text
    with schema_context(store_a.schema_name):
        identity = WechatIdentity.objects.get()
        assert identity.session_key == SESSION_KEY
        with connection.cursor() as cursor:
            cursor.execute("SELECT session_key FROM shop_wechatidentity")
            assert cursor.fetchone()[0].startswith("enc1:")
    me = host_client(store_a.host).get("/api/v1/buyer/profile/", HTTP_AUTHORIZATION=f"Token {body['token']}")
    connection.set_schema_to_public()
    assert me.status_code == 200 and me.json()["id"] == body["buyer"]["id"]
    assert SESSION_KEY not in me.content.decode()


def test_a_mini_program_error_answer_is_a_clear_4xx(store_a, wechat_api):
    configure(store_a)
    wechat_api.get(JSCODE2SESSION_URL, json={"errcode": 40029, "errmsg": "invalid code, rid: 6512"})
    response = api_client(store_a).post(
        "/api/v1/buyer/auth/wechat-mini/", {"code": "MINICODE1"}, content_type="application/json"
    )
    connection.set_schema_to_public()
    assert response.status_code == 400
    assert response.json()["error_code"] == "code_invalid" and "rid" not in response.content.decode()


def test_the_unionid_joins_the_mini_program_to_the_buyer_of_the_official_account(store_a, wechat_api):
    configure(store_a, asks_for_profile=True)
    fake_oauth(wechat_api, scope="snsapi_userinfo", unionid="UNION-9")
    fake_mini(wechat_api, unionid="UNION-9")
    with schema_context(store_a.schema_name):
        from_browser = wechat.sign_in_with_wechat_oauth(code="OAUTHCODE1", redirect_uri="https://x/")
        from_mini = wechat.sign_in_with_wechat_mini(code="MINICODE1")
        assert from_mini == from_browser
        assert WechatIdentity.objects.filter(buyer=from_browser).count() == 2
        assert User.objects.filter(role="customer").count() == 1


def test_a_deactivated_buyer_cannot_sign_in_with_wechat(store_a, wechat_api):
    configure(store_a)
    fake_mini(wechat_api)
    with schema_context(store_a.schema_name):
        buyer = wechat.sign_in_with_wechat_mini(code="MINICODE1")
        User.objects.filter(pk=buyer.pk).update(is_active=False)
        with pytest.raises(NotAllowed) as refused:
            wechat.sign_in_with_wechat_mini(code="MINICODE1")
    assert refused.value.code == ErrorCode.ACCOUNT_DEACTIVATED


# --- a phone number for a WeChat-made account -------------------------------------------------------


def test_a_wechat_buyer_binds_a_phone_and_then_signs_in_with_it(store_a, wechat_api):
    configure(store_a)
    fake_mini(wechat_api)
    with schema_context(store_a.schema_name):
        buyer = wechat.sign_in_with_wechat_mini(code="MINICODE1")
        buyer_auth.request_sign_in_code(store=store_a, phone=PHONE_1, ip=None)
        buyer_auth.bind_phone(buyer=buyer, phone=PHONE_1, code=last_code(), ip=None)
        buyer.refresh_from_db()
        assert buyer.phone == PHONE_1
        assert ActivityEntry.objects.get(action="buyer.phone_changed").changes == {
            "phone": [None, "+86 138****8001"]
        }


def test_binding_a_phone_of_another_buyer_is_refused_and_merges_nothing(store_a, wechat_api):
    configure(store_a)
    fake_mini(wechat_api)
    owner_of_phone = make_buyer(store_a, PHONE_1, name="已有账号")
    with schema_context(store_a.schema_name):
        buyer = wechat.sign_in_with_wechat_mini(code="MINICODE1")
        buyer_auth.request_sign_in_code(store=store_a, phone=PHONE_1, ip=None)
        with pytest.raises(Conflict) as refused:
            buyer_auth.bind_phone(buyer=buyer, phone=PHONE_1, code=last_code(), ip=None)
        assert refused.value.code == ErrorCode.PHONE_TAKEN and list(refused.value.as_dict()) == ["phone"]
        buyer.refresh_from_db()
        owner_of_phone.refresh_from_db()
        assert buyer.phone == "" and owner_of_phone.phone == PHONE_1
        assert WechatIdentity.objects.get().buyer_id == buyer.pk
        # the code was not used up: the buyer may sign in to the account of that number with it
        assert buyer_auth.sign_in_with_code(phone=PHONE_1, code=last_code(), ip=None) == owner_of_phone


# --- the storefront's OAuth pages -------------------------------------------------------------------


def _client(store):
    return Client(HTTP_HOST=store.host, HTTP_USER_AGENT=WECHAT_UA)


def start(client, next_url="/account/addresses/"):
    response = client.get("/account/sign-in/wechat/", {"next": next_url})
    connection.set_schema_to_public()
    assert response.status_code == 302, response.content[:300]
    query = parse_qs(urlsplit(response["Location"]).query)
    return response["Location"], query["state"][0]


def callback(client, state, code="OAUTHCODE1"):
    params = {"state": state, **({"code": code} if code else {})}
    response = client.get("/account/sign-in/wechat/callback/", params)
    connection.set_schema_to_public()
    return response


def test_the_sign_in_page_offers_wechat_only_in_the_wechat_browser_of_a_configured_store(store_a):
    page = _client(store_a).get("/account/sign-in/").content.decode()
    assert 'id="wechat-sign-in"' not in page
    configure(store_a)
    connection.set_schema_to_public()
    assert 'id="wechat-sign-in"' in _client(store_a).get("/account/sign-in/").content.decode()
    assert 'id="wechat-sign-in"' not in host_client(store_a.host).get("/account/sign-in/").content.decode()


def test_the_buyer_signs_in_with_wechat_and_lands_on_the_next_page(store_a, wechat_api):
    configure(store_a)
    fake_oauth(wechat_api)
    client = _client(store_a)
    location, state = start(client)
    assert location.startswith("https://open.weixin.qq.com/connect/oauth2/authorize?appid=" + OA_APP_ID)
    assert (
        "redirect_uri=http%3A%2F%2Fstore-a.localhost%2Faccount%2Fsign-in%2Fwechat%2Fcallback%2F" in location
    )
    assert re.fullmatch(r"[0-9a-f]{64}", state)
    response = callback(client, state)
    assert response.status_code == 302 and response["Location"] == "/account/addresses/"
    page = client.get("/account/").content.decode()
    connection.set_schema_to_public()
    assert 'id="buyer-card"' in page


def test_a_callback_with_a_forged_replayed_or_foreign_state_is_refused(store_a, wechat_api):
    configure(store_a)
    fake_oauth(wechat_api)
    forger = _client(store_a)
    _location, state = start(forger)
    assert callback(forger, state[:32] + "0" * 32).status_code == 400
    assert callback(forger, state).status_code == 400  # the failed try used the pending sign-in up
    victim, attacker = _client(store_a), _client(store_a)
    _location, victims_state = start(victim)
    start(attacker)
    assert callback(attacker, victims_state).status_code == 400  # bound to the session that started it
    replayer = _client(store_a)
    _location, state = start(replayer)
    assert callback(replayer, state).status_code == 302
    assert callback(replayer, state).status_code == 400
    # WeChat was asked to exchange a code once only: for the one good callback
    assert len(wechat_api.calls) == 1


def test_a_buyer_who_declines_on_wechat_gets_the_sign_in_page_back(store_a):
    configure(store_a, asks_for_profile=True)
    client = _client(store_a)
    _location, state = start(client)
    response = callback(client, state, code="")
    assert response.status_code == 200 and "WeChat sign-in was cancelled" in response.content.decode()


def test_an_error_answer_of_wechat_on_the_callback_is_a_clear_page(store_a, wechat_api):
    configure(store_a)
    wechat_api.get(ACCESS_TOKEN_URL, json={"errcode": 40029, "errmsg": "invalid code"})
    client = _client(store_a)
    _location, state = start(client)
    response = callback(client, state)
    assert response.status_code == 400
    assert "This WeChat sign-in has expired or was already used" in response.content.decode()
