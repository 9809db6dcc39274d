"""The owner sets the store's WeChat apps in the console (/console/settings/wechat/); secrets are shown
masked and kept when the field is left empty."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from shop.models import WechatSettings
from tests.conftest import login_client, make_staff

pytestmark = pytest.mark.django_db
SECRET = "0123456789abcdef0123456789abcdef"


def test_the_owner_sets_the_official_account_and_sees_the_secret_masked(store_a, owner_client_a):
    page = owner_client_a.get("/console/settings/wechat/").content.decode()
    connection.set_schema_to_public()
    assert "store-a.localhost" in page and 'name="official_app_secret"' in page
    data = {
        "official_app_id": "wx1234567890abcdef",
        "official_app_secret": SECRET,
        "official_asks_for_profile": "on",
    }
    response = owner_client_a.post("/console/settings/wechat/", data)
    connection.set_schema_to_public()
    assert response.status_code == 302
    page = owner_client_a.get("/console/settings/wechat/").content.decode()
    connection.set_schema_to_public()
    assert SECRET not in page and 'placeholder="••••••cdef"' in page and "in use" in page
    response = owner_client_a.post("/console/settings/wechat/", {**data, "official_app_secret": ""})
    connection.set_schema_to_public()
    with schema_context(store_a.schema_name):
        config = WechatSettings.objects.get()
        assert config.official_app_secret == SECRET and config.official_asks_for_profile


def test_a_bad_app_id_is_shown_on_its_field(owner_client_a):
    page = owner_client_a.post(
        "/console/settings/wechat/", {"official_app_id": "gh_123", "official_app_secret": SECRET}
    ).content.decode()
    connection.set_schema_to_public()
    assert '<div class="field invalid" id="field-official_app_id">' in page


def test_the_page_is_for_the_owner_and_admins_only(store_a, client_a):
    clerk = make_staff(store_a, role="operations")
    client = login_client(client_a, store_a, clerk)
    response = client.get("/console/settings/wechat/")
    connection.set_schema_to_public()
    assert response.status_code == 302 and response["Location"] == "/console/"
