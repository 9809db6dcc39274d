"""The platform operator gives a store its WeChat Pay sub-merchant number (the platform as service
provider): with a reason, in the audit log, refused clearly on bad input, and seen by the merchant."""

import pytest
from django.db import connection

from tenants.models import OperatorAction, StorePaymentAccount
from tests.conftest import console_client, owner_of


def url(store) -> str:
    return f"/operator/stores/{store.pk}/payments/"


def form(**values) -> dict:
    return {f"payments-{name}": value for name, value in values.items()}


def account(store) -> StorePaymentAccount | None:
    connection.set_schema_to_public()
    return StorePaymentAccount.objects.filter(store=store).first()


def test_the_operator_sets_the_sub_merchant_number_with_an_audit_entry(operator_client, operator, store_a):
    page = operator_client.get(f"/operator/stores/{store_a.pk}/").content.decode()
    assert "WeChat Pay through the platform" in page and "Save sub-merchant number" in page
    response = operator_client.post(
        url(store_a), form(wechat_sub_mchid=" 1900000109 ", wechat_sub_appid="", reason="服务商签约完成")
    )
    assert response.status_code == 302
    assert account(store_a).wechat_sub_mchid == "1900000109"
    entry = OperatorAction.objects.get(action="store.wechat_sub_merchant")
    assert entry.actor == operator and entry.target_id == str(store_a.pk) and entry.reason == "服务商签约完成"
    assert entry.changes == {"wechat_sub_mchid": ["", "1900000109"]}
    detail = operator_client.get(f"/operator/stores/{store_a.pk}/").content.decode()
    assert 'id="current-sub-mchid">1900000109<' in detail and "store.wechat_sub_merchant" in detail


def test_the_merchant_sees_the_number_the_platform_set(operator_client, store_a):
    operator_client.post(url(store_a), form(wechat_sub_mchid="1900000109", reason="签约"))
    owner = console_client(store_a, owner_of(store_a))
    html = owner.get("/console/settings/payments/").content.decode()
    connection.set_schema_to_public()
    assert 'id="sub-mchid">1900000109<' in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"wechat_sub_mchid": "1900000109", "reason": ""}, "reason", "Give a reason"),
        ({"wechat_sub_mchid": "19000abc", "reason": "x"}, "wechat_sub_mchid", "8 to 12 digits"),
        ({"wechat_sub_mchid": "1" * 5000, "reason": "x"}, "wechat_sub_mchid", "at most 64"),
        (
            {"wechat_sub_mchid": "1900000109", "wechat_sub_appid": "wechat", "reason": "x"},
            "wechat_sub_appid",
            "“wx”",
        ),
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(operator_client, store_a, data, field, message):
    response = operator_client.post(url(store_a), form(**data))
    assert response.status_code == 400
    html = response.content.decode()
    block = html.split(f'id="field-payments-{field}"', 1)[1].split('<div class="field', 1)[0]
    assert message in block
    assert account(store_a) is None
    assert not OperatorAction.objects.filter(action="store.wechat_sub_merchant").exists()


def test_only_an_operator_can_set_it(platform_client, owner_client_a, store_a):
    response = platform_client.post(url(store_a), form(wechat_sub_mchid="1900000109", reason="x"))
    assert response.status_code == 302 and "/operator/login/" in response["Location"]
    assert owner_client_a.post(url(store_a), form(wechat_sub_mchid="1900000109", reason="x")).status_code in (
        302,
        404,
    )
    assert account(store_a) is None


def test_clearing_the_number_is_audited_too(operator_client, store_a):
    operator_client.post(url(store_a), form(wechat_sub_mchid="1900000109", reason="签约"))
    operator_client.post(url(store_a), form(wechat_sub_mchid="", reason="解约"))
    assert account(store_a).wechat_sub_mchid == ""
    last = OperatorAction.objects.filter(action="store.wechat_sub_merchant").first()
    assert last.changes == {"wechat_sub_mchid": ["1900000109", ""]} and last.reason == "解约"
