"""A buyer on a phone signs in with the code texted to them (read from the console SMS backend's outbox),
the "send code" button counting down; then adds an address and sees it as their default."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token

from shop.models import Address, SmsCode
from tenants import sms
from tenants.activity.models import ActivityEntry
from tenants.models import Store
from tests.browser.conftest import host_url
from tests.conftest import STORE_A

pytestmark = pytest.mark.browser
PHONE = "+8613700137000"


@pytest.fixture
def store(committed_db):
    store = Store.objects.get(slug=STORE_A["subdomain"])
    connection.set_schema_to_public()
    yield store
    with schema_context(store.schema_name):
        buyers = get_user_model().objects.filter(role="customer", phone=PHONE)
        Address.objects.filter(buyer__in=buyers).delete()
        Token.objects.filter(user__in=buyers).delete()
        ActivityEntry.objects.filter(actor__in=buyers).delete()
        buyers.delete()
        SmsCode.objects.filter(phone=PHONE).delete()
    connection.set_schema_to_public()


def test_buyer_signs_in_by_sms_code_and_adds_a_default_address(page, live_server_url, store):
    page.goto(host_url(live_server_url, store.host, "/account/"))
    page.get_by_role("link", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/account/sign-in/\?next=/account/$"))

    page.get_by_label("Mobile number").fill("137 0013 7000")
    page.get_by_role("button", name="Send code").click()
    expect(page.locator("#code-status")).to_contain_text("A code was sent to 137 0013 7000")
    # the button waits out the resend gap, counting down
    expect(page.locator("#send-code")).to_be_disabled()
    expect(page.locator("#send-code")).to_have_text(re.compile(r"Resend in \d+ s"))
    [message] = [m for m in sms.outbox if m.phone == PHONE]
    code = re.search(r"\b(\d{6})\b", message.text).group(1)

    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.locator("#buyer-card")).to_contain_text("137 0013 7000")

    page.locator("#link-addresses").click()
    expect(page.locator("#no-addresses")).to_be_visible()
    page.get_by_role("link", name="Add an address").click()
    page.get_by_label("Recipient").fill("张三")
    page.get_by_label("Phone").fill("137 0013 7000")
    page.get_by_label("Province / region").select_option("440000")
    page.get_by_label("City").fill("广州市")
    page.get_by_label("District / county").fill("天河区")
    page.get_by_label("Detailed address").fill("体育西路 1 号 2 楼")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/account/addresses/$"))
    address = page.locator("article.address")
    expect(address).to_have_count(1)
    expect(address).to_contain_text("张三")
    expect(address).to_contain_text("Guangdong 广州市 天河区 体育西路 1 号 2 楼")
    expect(address.locator(".badge")).to_have_text("Default")
    with schema_context(store.schema_name):
        saved = Address.objects.get(buyer__phone=PHONE)
        assert (saved.is_default, saved.phone, saved.province_code) == (True, PHONE, "440000")
    connection.set_schema_to_public()
