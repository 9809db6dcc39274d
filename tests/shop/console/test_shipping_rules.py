"""The shipping rules page: the flat fee, free shipping from an amount, per-province rows (added in place,
removed, left blank), the order timings; one form, one service input, and each of the service's messages
on the cell it is about."""

import pytest

from shop.models import RegionShippingFee, ShopSettings
from tenants.activity.models import ActivityEntry
from tests.shop.console.conftest import text
from tests.snapshots import Snapshot

URL = "/console/settings/shipping/"


def rules(*rows, **fields) -> dict:
    """What the page posts: the fields, and region-<n>-... for each (province, fee, free shipping) row."""
    data = {
        "shipping_flat_fee": "8",
        "free_shipping_over": "99",
        "unpaid_timeout_minutes": "45",
        "auto_complete_days": "7",
        "after_sale_days": "20",
    }
    for n, (code, fee, free) in enumerate(rows):
        data[f"region-{n}-province_code"] = code
        data[f"region-{n}-fee"] = fee
        if free:
            data[f"region-{n}-free_over_applies"] = "on"
    data.update(fields)
    return data


def cell(page: str, row: int, name: str) -> str:
    """The HTML of one cell of a province row."""
    rows = page.split('<tr class="region-row">')[1:]
    cells = rows[row].split("</td>")
    return cells[{"province_code": 0, "fee": 1, "free_over_applies": 2}[name]]


def test_the_page_shows_the_current_rules(shop, owner_client):
    settings = ShopSettings.load()
    settings.shipping_flat_fee, settings.free_shipping_over = "6.00", "88.00"
    settings.save()
    RegionShippingFee.objects.create(province_code="650000", fee="25.00", free_over_applies=False)

    page = text(owner_client.get(URL))
    assert 'value="6.00"' in page and 'value="88.00"' in page and 'value="30"' in page
    row = page.split('<tr class="region-row">')[1]
    assert '<option value="650000" selected>Xinjiang</option>' in row and 'value="25.00"' in row
    assert 'id="add-region"' in page and "Save the shipping rules" in page


def test_saving_the_rules(shop, owner_client, owner):
    response = owner_client.post(
        URL, rules(("650000", "25", False), ("540000", "30.5", True), ("", "", False))
    )
    assert response.status_code == 302 and response["Location"] == URL
    settings = ShopSettings.load()
    assert (str(settings.shipping_flat_fee), str(settings.free_shipping_over)) == ("8.00", "99.00")
    assert (settings.unpaid_timeout_minutes, settings.auto_complete_days, settings.after_sale_days) == (
        45,
        7,
        20,
    )
    regions = {r.province_code: (str(r.fee), r.free_over_applies) for r in RegionShippingFee.objects.all()}
    assert regions == {"650000": ("25.00", False), "540000": ("30.50", True)}  # the blank row is no row
    assert ActivityEntry.objects.filter(action="shipping_rules.updated", actor=owner).exists()
    assert "The shipping rules are saved." in text(owner_client.get(URL))

    # a row removed in the page is a province removed; empty free shipping is never free
    owner_client.post(URL, rules(("540000", "30.5", True), free_shipping_over=""))
    assert list(RegionShippingFee.objects.values_list("province_code", flat=True)) == ["540000"]
    assert ShopSettings.load().free_shipping_over is None


def test_rows_keep_their_order_whatever_their_numbers(shop, owner_client):
    data = rules()
    data.update(
        {
            "region-7-province_code": "650000",
            "region-7-fee": "abc",
            "region-2-province_code": "540000",
            "region-2-fee": "30",
        }
    )
    page = text(owner_client.post(URL, data))
    # numbered again from 0 in the order they came (2, then 7): the error is on the second row's fee
    assert 'name="region-0-province_code"' in page and 'name="region-1-fee"' in page
    assert "Enter an amount such as 12.50." in cell(page, 1, "fee")
    assert "Enter an amount" not in cell(page, 0, "fee")


def test_each_message_lands_on_its_cell_and_nothing_is_saved(shop, owner_client):
    before = Snapshot(shop.store.schema_name).take()
    response = owner_client.post(
        URL,
        rules(
            ("650000", "25", False),
            ("999999", "10", False),
            ("540000", "1e5", False),
            ("650000", "12", False),
            ("110000", "10000", False),
            shipping_flat_fee="-1",
            auto_complete_days="61",
        ),
    )
    assert response.status_code == 400
    page = text(response)
    assert "Please correct the fields marked below." in page
    assert "Choose a province or region from the list." in cell(page, 1, "province_code")
    assert "Enter an amount such as 12.50." in cell(page, 2, "fee")
    assert "This province is listed twice." in cell(page, 3, "province_code")
    assert "A shipping fee is at most 9999.99." in cell(page, 4, "fee")
    assert 'class="error"' not in cell(page, 0, "province_code") + cell(page, 0, "fee")
    flat = page.split('id="field-shipping_flat_fee"')[1].split('<div class="field')[0]
    assert "The amount cannot be negative." in flat
    days = page.split('id="field-auto_complete_days"')[1].split('<div class="field')[0]
    assert "too large" in days
    # what was typed stays in the cells
    assert 'value="1e5"' in page and 'value="10000"' in page
    assert Snapshot(shop.store.schema_name).take() == before


@pytest.mark.parametrize(
    "field, value",
    [
        ("shipping_flat_fee", "1e5"),
        ("shipping_flat_fee", "NaN"),
        ("shipping_flat_fee", "١٢"),
        ("shipping_flat_fee", "１２"),
        ("free_shipping_over", "99999999999999999999"),
        ("unpaid_timeout_minutes", "1e3"),
        ("unpaid_timeout_minutes", "²"),
        ("unpaid_timeout_minutes", "4"),
        ("unpaid_timeout_minutes", "99999999999999999999"),
        ("after_sale_days", "-1"),
        ("after_sale_days", "3.5"),
        ("auto_complete_days", ""),
    ],
)
def test_hostile_numbers_are_refused_on_their_field(shop, owner_client, field, value):
    before = Snapshot(shop.store.schema_name).take()
    response = owner_client.post(URL, rules(("650000", "20", False), **{field: value}))
    assert response.status_code == 400
    field_html = text(response).split(f'id="field-{field}"')[1].split('<div class="field')[0]
    assert 'class="error"' in field_html
    assert Snapshot(shop.store.schema_name).take() == before


def test_a_row_is_added_in_place_numbered_after_the_others(shop, owner_client):
    response = owner_client.get(
        "/console/settings/shipping/row/",
        {
            "region-0-province_code": "650000",
            "region-4-province_code": "540000",
            "region-99999-province_code": "x",
        },
        HTTP_HX_REQUEST="true",
    )
    body = text(response)
    assert response.status_code == 200 and body.startswith('<tr class="region-row">')
    assert 'name="region-5-province_code"' in body and 'name="region-5-fee"' in body
    assert "Xinjiang" in body and "Remove this row" in body
    assert 'name="region-0-' in text(owner_client.get("/console/settings/shipping/row/"))


def test_finance_sees_the_rules_but_cannot_change_them(shop, finance_client):
    page = text(finance_client.get(URL))
    assert (
        "<fieldset disabled" in page
        and "Save the shipping rules" not in page
        and 'id="add-region"' not in page
    )
    before = Snapshot(shop.store.schema_name).take()
    response = finance_client.post(URL, rules(("650000", "20", False)))
    assert response.status_code == 403
    assert "Only the owner, an administrator or operations staff can change the shipping rules." in text(
        response
    )
    assert Snapshot(shop.store.schema_name).take() == before
