"""The buyer's pages of the storefront: sign-in by SMS code (HTMX "send code" with its countdown), safe
`?next=` redirects, sign-out, the "Me" tab, profile, phone number and address book."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context
from PIL import Image

from shop.models import Address
from shop.services import addresses
from shop.services.addresses import AddressInput
from tenants import sms
from tests.conftest import host_client
from tests.shop.conftest import PHONE_1, PHONE_2, last_code, make_buyer, sign_in_by_sms, signed_in_client

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
ADDRESS = {
    "contact_name": "韩梅梅",
    "phone": "139 1234 5678",
    "province_code": "110000",
    "city": "北京市",
    "district": "朝阳区",
    "detail": "建国路 88 号",
    "postal_code": "",
}


def get(client, path, **extra):
    response = client.get(path, **extra)
    connection.set_schema_to_public()
    return response


def post(client, path, data=None, **extra):
    response = client.post(path, data or {}, **extra)
    connection.set_schema_to_public()
    return response


def add_address(store, buyer, **changes):
    with schema_context(store.schema_name):
        return addresses.add_address(buyer=buyer, data=AddressInput(**{**ADDRESS, **changes}))


# --- the "Me" tab and signing in --------------------------------------------------------------------


def test_the_me_tab_invites_a_visitor_to_sign_in_and_keeps_orders_distributor_and_language(client_a):
    page = get(client_a, "/account/").content.decode()
    assert 'id="sign-in-card"' in page and "/account/sign-in/?next=/account/" in page
    assert "My orders" in page and "/distributor/" in page and 'class="lang-switch"' in page
    assert "<svg" in page and 'id="sign-out"' not in page


def test_a_buyer_signs_in_with_an_htmx_code_and_lands_on_the_next_page(client_a):
    page = get(client_a, "/account/sign-in/?next=/account/addresses/").content.decode()
    assert 'hx-post="/account/sign-in/code/"' in page and 'name="next" value="/account/addresses/"' in page
    status = post(client_a, "/account/sign-in/code/", {"phone": "138 0013 8001"}, **HTMX)
    fragment = status.content.decode()
    assert status.status_code == 200 and fragment.startswith('<div id="code-status"')
    assert 'data-resend-in="60"' in fragment and "A code was sent to 138 0013 8001" in fragment
    response = post(
        client_a, "/account/sign-in/", {"phone": PHONE_1, "code": last_code(), "next": "/account/addresses/"}
    )
    assert response.status_code == 302 and response["Location"] == "/account/addresses/"
    me = get(client_a, "/account/").content.decode()
    assert 'id="buyer-card"' in me and "138 0013 8001" in me and 'id="sign-out"' in me


def test_the_send_button_counts_down_the_resend_gap_the_server_gives(client_a):
    post(client_a, "/account/sign-in/code/", {"phone": PHONE_1}, **HTMX)
    again = post(client_a, "/account/sign-in/code/", {"phone": PHONE_1}, **HTMX).content.decode()
    assert 'class="code-status error"' in again and "You can ask for another one in" in again
    seconds = int(re.search(r'data-resend-in="(\d+)"', again).group(1))
    assert 55 <= seconds <= 60
    assert len(sms.outbox) == 1
    page = get(client_a, "/account/sign-in/").content.decode()
    assert '"wait": "Resend in %(n)s s"' in page and "htmx:afterSettle" in page


def test_without_javascript_send_code_returns_the_whole_page_with_the_number_kept(client_a):
    response = post(client_a, "/account/sign-in/code/", {"phone": "13800138001", "next": "/account/profile/"})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="sign-in-form"' in page
    assert 'value="13800138001"' in page and 'name="next" value="/account/profile/"' in page
    assert "A code was sent to 138 0013 8001" in page


def test_a_bad_number_or_a_wrong_code_says_so_on_the_field(client_a):
    fragment = post(
        client_a, "/account/sign-in/code/", {"phone": "１３８００１３８００１"}, **HTMX
    ).content.decode()
    assert "digits 0–9 only" in fragment and sms.outbox == []
    post(client_a, "/account/sign-in/code/", {"phone": PHONE_1}, **HTMX)
    page = post(client_a, "/account/sign-in/", {"phone": PHONE_1, "code": "12345x"}).content.decode()
    assert 'id="field-code"' in page and "Enter the 6-digit code" in page
    page = post(client_a, "/account/sign-in/", {"phone": PHONE_1, "code": "1" * 10_000}).content.decode()
    assert "Ensure this value has at most 16 characters" in page
    # A control character is refused at the request edge, for every form alike.
    refused = post(client_a, "/account/sign-in/", {"phone": PHONE_1 + "\x00", "code": "123456"})
    assert refused.status_code == 400 and "invisible control character" in refused.content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/phish", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_never_leaves_the_store(client_a, target):
    response = sign_in_by_sms(client_a, PHONE_1, next_url=target)
    assert response["Location"] == "/account/"


def test_a_signed_in_buyer_going_to_sign_in_goes_on_to_next(store_a, buyer_1):
    client = signed_in_client(store_a, buyer_1)
    response = get(client, "/account/sign-in/?next=/account/profile/")
    assert response.status_code == 302 and response["Location"] == "/account/profile/"


def test_signing_out_ends_the_buyers_session(store_a, buyer_1):
    client = signed_in_client(store_a, buyer_1)
    assert get(client, "/account/profile/").status_code == 200
    assert post(client, "/account/sign-out/").status_code == 302
    assert get(client, "/account/profile/").status_code == 302
    assert 'id="sign-in-card"' in get(client, "/account/").content.decode()


def test_the_sign_in_page_and_the_text_message_in_chinese(client_a):
    page = get(client_a, "/account/sign-in/", **ZH).content.decode()
    assert "登录" in page and "获取验证码" in page and "手机号" in page
    fragment = post(client_a, "/account/sign-in/code/", {"phone": PHONE_1}, **ZH, **HTMX).content.decode()
    assert "验证码已发送至 138 0013 8001，5 分钟内有效。" in fragment
    assert sms.outbox[-1].text.startswith("【Store A】您的验证码是")


@pytest.mark.parametrize(
    "path",
    [
        "/account/profile/",
        "/account/phone/",
        "/account/addresses/",
        "/account/addresses/new/",
        "/account/addresses/1/",
    ],
)
def test_account_pages_send_a_visitor_to_sign_in_and_back(client_a, path):
    response = get(client_a, path)
    assert (
        response.status_code == 302
        and response["Location"] == f"/account/sign-in/?next={path.replace('/', '%2F')}"
    )


def test_an_htmx_action_of_a_signed_out_buyer_sends_the_whole_page_to_sign_in(client_a):
    response = post(
        client_a,
        "/account/addresses/1/default/",
        HTTP_HX_CURRENT_URL="http://store-a.localhost/account/addresses/",
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/account/sign-in/?next=%2Faccount%2Faddresses%2F"


def test_a_staff_session_is_not_a_buyers_and_a_buyers_session_opens_no_console(
    store_a, owner_client_a, buyer_1
):
    assert get(owner_client_a, "/account/addresses/").status_code == 302
    assert 'id="sign-in-card"' in get(owner_client_a, "/account/").content.decode()
    buyer = signed_in_client(store_a, buyer_1)
    response = get(buyer, "/console/")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


# --- profile and phone ------------------------------------------------------------------------------


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (10, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


def test_the_buyer_edits_the_profile(store_a, buyer_1, media_root):
    client = signed_in_client(store_a, buyer_1)
    page = get(client, "/account/profile/").content.decode()
    assert 'value="买家一"' in page and "138 0013 8001" in page
    response = post(client, "/account/profile/", {"name": "新昵称", "avatar": png()})
    assert response.status_code == 302
    me = get(client, "/account/").content.decode()
    assert "新昵称" in me and 'class="avatar" src="/media/' in me
    page = post(client, "/account/profile/", {"name": "名" * 41}).content.decode()
    assert "Ensure this value has at most 40 characters" in page


def test_the_buyer_changes_the_phone_number_with_a_code_sent_to_the_new_one(store_a, buyer_1):
    client = signed_in_client(store_a, buyer_1)
    page = get(client, "/account/phone/").content.decode()
    assert "Your number is 138 0013 8001" in page and 'name="page" value="phone"' in page
    post(client, "/account/sign-in/code/", {"phone": "13800138077"}, **HTMX)
    response = post(client, "/account/phone/", {"phone": "13800138077", "code": last_code()})
    assert response.status_code == 302
    with schema_context(store_a.schema_name):
        buyer_1.refresh_from_db()
    assert buyer_1.phone == "+8613800138077"


def test_a_number_of_another_account_is_refused_on_the_phone_page(store_a, buyer_1):
    buyer_2 = make_buyer(store_a, PHONE_2, name="买家二")  # not the storefront folder's buyer_2, who shops
    client = signed_in_client(store_a, buyer_1)
    post(client, "/account/sign-in/code/", {"phone": buyer_2.phone}, **HTMX)
    page = post(client, "/account/phone/", {"phone": buyer_2.phone, "code": last_code()}).content.decode()
    assert "already belongs to another account" in page
    with schema_context(store_a.schema_name):
        buyer_1.refresh_from_db()
    assert buyer_1.phone == PHONE_1


# --- address book -----------------------------------------------------------------------------------


def test_the_buyer_adds_an_address_which_becomes_the_default(store_a, buyer_1):
    client = signed_in_client(store_a, buyer_1)
    page = get(client, "/account/addresses/").content.decode()
    assert 'id="no-addresses"' in page and 'id="add-address"' in page
    form = get(client, "/account/addresses/new/").content.decode()
    assert (
        '<option value="110000">Beijing</option>' in form
        and '<option value="810000">Hong Kong</option>' in form
    )
    response = post(client, "/account/addresses/new/", ADDRESS)
    assert response.status_code == 302 and response["Location"] == "/account/addresses/"
    page = get(client, "/account/addresses/").content.decode()
    assert "韩梅梅" in page and "139 1234 5678" in page and "Beijing 北京市 朝阳区 建国路 88 号" in page
    assert '<span class="badge primary">Default</span>' in page
    assert "Beijing 北京市 朝阳区" in get(client, "/account/").content.decode()


def test_address_form_errors_land_on_their_fields(store_a, buyer_1):
    client = signed_in_client(store_a, buyer_1)
    page = post(client, "/account/addresses/new/", {**ADDRESS, "phone": "12345"}).content.decode()
    assert (
        '<div class="field invalid" id="field-phone">' in page and "This is not a valid phone number." in page
    )
    page = post(client, "/account/addresses/new/", {**ADDRESS, "province_code": "999999"}).content.decode()
    assert '<div class="field invalid" id="field-province_code">' in page and "Select a valid choice." in page
    with schema_context(store_a.schema_name):
        assert not Address.objects.exists()


def test_the_buyer_edits_sets_default_and_deletes_with_htmx(store_a, buyer_1):
    home = add_address(store_a, buyer_1)
    office = add_address(store_a, buyer_1, detail="望京 SOHO")
    client = signed_in_client(store_a, buyer_1)
    form = get(client, f"/account/addresses/{office.pk}/").content.decode()
    assert 'value="望京 SOHO"' not in form and "望京 SOHO</textarea>" in form
    assert (
        post(client, f"/account/addresses/{office.pk}/", {**ADDRESS, "detail": "望京 SOHO T1"}).status_code
        == 302
    )
    fragment = post(client, f"/account/addresses/{office.pk}/default/", **HTMX).content.decode()
    assert fragment.startswith('<div id="address-list"') and "This is now your default address." in fragment
    assert fragment.index("望京 SOHO T1") < fragment.index("建国路 88 号")
    fragment = post(client, f"/account/addresses/{office.pk}/delete/", **HTMX).content.decode()
    assert "望京 SOHO" not in fragment and "The address is deleted." in fragment
    with schema_context(store_a.schema_name):
        assert list(Address.objects.values_list("pk", "is_default")) == [(home.pk, True)]


def test_without_javascript_the_address_actions_return_to_the_list(store_a, buyer_1):
    first = add_address(store_a, buyer_1)
    second = add_address(store_a, buyer_1, detail="二号")
    client = signed_in_client(store_a, buyer_1)
    response = post(client, f"/account/addresses/{second.pk}/default/")
    assert response.status_code == 302 and response["Location"] == "/account/addresses/"
    assert "This is now your default address." in get(client, "/account/addresses/").content.decode()
    assert post(client, f"/account/addresses/{first.pk}/delete/").status_code == 302


def test_a_full_address_book_offers_no_add_button(store_a, buyer_1):
    for n in range(addresses.MAX_ADDRESSES):
        add_address(store_a, buyer_1, detail=f"{n} 号")
    client = signed_in_client(store_a, buyer_1)
    page = get(client, "/account/addresses/").content.decode()
    assert 'id="add-address"' not in page and "Your address book is full (20 addresses)" in page
    page = post(client, "/account/addresses/new/", ADDRESS).content.decode()
    assert "Your address book is full" in page


def test_the_account_pages_in_chinese(store_a, buyer_1):
    add_address(store_a, buyer_1)
    client = signed_in_client(store_a, buyer_1)
    page = get(client, "/account/addresses/", **ZH).content.decode()
    assert "收货地址" in page and "默认" in page and "北京市 朝阳区" in page
    assert "退出登录" in get(client, "/account/", **ZH).content.decode()


def test_anonymous_tabs_still_answer(client_a):
    for path in ("/", "/categories/", "/distributor/", "/account/", "/account/sign-in/"):
        assert get(client_a, path).status_code == 200, path
    assert host_client("localhost").get("/account/").status_code in (302, 404)
