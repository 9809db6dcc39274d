"""The address book: phone numbers in E.164, provinces by GB/T 2260 code, exactly one default, at most
20 addresses, deletion that leaves nothing behind — and never another buyer's address."""

import pytest
from django.db import IntegrityError, transaction

from shop import regions
from shop.models import Address
from shop.selectors.buyers import buyer_addresses, default_address
from shop.services import addresses
from shop.services.addresses import AddressInput
from tenants.errors import Conflict, InvalidInput, NotFound
from tests.shop.conftest import PHONE_1, PHONE_2, make_buyer

pytestmark = pytest.mark.django_db


def home(**changes) -> AddressInput:
    data = {
        "contact_name": "王芳",
        "phone": "139 1234 5678",
        "province_code": "310000",
        "city": "上海市",
        "district": "浦东新区",
        "detail": "世纪大道 100 号 8 楼",
        "postal_code": "200120",
    }
    return AddressInput(**{**data, **changes})


@pytest.fixture
def buyer(in_store_a):
    return make_buyer(in_store_a, PHONE_1)


@pytest.fixture
def other(in_store_a):
    return make_buyer(in_store_a, PHONE_2)


def test_the_province_list_is_mainland_china_with_hong_kong_macao_and_taiwan():
    assert len(regions.PROVINCES) == 34
    assert len(set(regions.BY_CODE)) == 34 and all(
        len(code) == 6 and code.endswith("0000") for code in regions.BY_CODE
    )
    assert (
        regions.province("440000").name_zh == "广东省" and regions.province("440000").name_en == "Guangdong"
    )
    assert {"810000", "820000", "710000"} <= set(regions.BY_CODE)


def test_province_names_follow_the_language():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert dict(regions.province_choices())["110000"] == "北京市"
    with translation.override("en"):
        assert dict(regions.province_choices())["110000"] == "Beijing"


def test_the_first_address_is_the_default_and_its_phone_is_stored_in_e164(buyer):
    address = addresses.add_address(buyer=buyer, data=home())
    assert address.is_default and address.phone == "+8613912345678"
    assert address.province_name == "Shanghai" and default_address(buyer) == address


def test_making_another_address_the_default_moves_it(buyer):
    first = addresses.add_address(buyer=buyer, data=home())
    second = addresses.add_address(buyer=buyer, data=home(detail="公司", is_default=True))
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)
    addresses.set_default_address(buyer=buyer, address_id=first.pk)
    assert list(buyer_addresses(buyer).values_list("pk", "is_default")) == [
        (first.pk, True),
        (second.pk, False),
    ]


def test_unticking_default_on_an_edit_leaves_the_default_where_it_is(buyer):
    address = addresses.add_address(buyer=buyer, data=home())
    addresses.update_address(buyer=buyer, address_id=address.pk, data=home(city="上海", is_default=False))
    address.refresh_from_db()
    assert address.is_default and address.city == "上海"


def test_deleting_the_default_passes_it_to_the_most_recently_changed_address(buyer):
    first = addresses.add_address(buyer=buyer, data=home(detail="一"))
    second = addresses.add_address(buyer=buyer, data=home(detail="二"))
    third = addresses.add_address(buyer=buyer, data=home(detail="三"))
    addresses.update_address(buyer=buyer, address_id=second.pk, data=home(detail="二号楼"))
    addresses.delete_address(buyer=buyer, address_id=first.pk)
    assert not Address.objects.filter(pk=first.pk).exists()
    assert default_address(buyer).pk == second.pk
    addresses.delete_address(buyer=buyer, address_id=second.pk)
    addresses.delete_address(buyer=buyer, address_id=third.pk)
    assert default_address(buyer) is None


def test_the_database_never_holds_two_defaults_of_one_buyer(buyer):
    addresses.add_address(buyer=buyer, data=home())
    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.create(
            buyer=buyer, is_default=True, **{k: v for k, v in vars(home()).items() if k != "is_default"}
        )


def test_a_book_holds_at_most_twenty_addresses(buyer):
    for n in range(addresses.MAX_ADDRESSES):
        addresses.add_address(buyer=buyer, data=home(detail=f"{n} 号"))
    with pytest.raises(Conflict):
        addresses.add_address(buyer=buyer, data=home())
    assert Address.objects.filter(buyer=buyer).count() == 20


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"contact_name": ""}, "contact_name"),
        ({"contact_name": "名" * 41}, "contact_name"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "１３９１２３４５６７８"}, "phone"),
        ({"province_code": "999999"}, "province_code"),
        ({"province_code": ""}, "province_code"),
        ({"city": ""}, "city"),
        ({"detail": "  "}, "detail"),
        ({"detail": "路" * 201}, "detail"),
        ({"postal_code": "2001２0"}, "postal_code"),
    ],
)
def test_bad_fields_are_refused_by_name_and_nothing_is_saved(buyer, changes, field):
    with pytest.raises(InvalidInput) as refused:
        addresses.add_address(buyer=buyer, data=home(**changes))
    assert field in refused.value.errors
    assert not Address.objects.exists()


def test_a_city_without_districts_needs_no_district(buyer):
    address = addresses.add_address(
        buyer=buyer, data=home(province_code="440000", city="东莞市", district="")
    )
    assert address.region_text == "Guangdong 东莞市"


def test_another_buyers_address_is_not_found_and_stays_as_it_was(buyer, other):
    theirs = addresses.add_address(buyer=other, data=home(detail="别人家"))
    for action in (addresses.set_default_address, addresses.delete_address):
        with pytest.raises(NotFound):
            action(buyer=buyer, address_id=theirs.pk)
    with pytest.raises(NotFound):
        addresses.update_address(buyer=buyer, address_id=theirs.pk, data=home(detail="改了"))
    theirs.refresh_from_db()
    assert (theirs.detail, theirs.is_default, theirs.buyer_id) == ("别人家", True, other.pk)


def test_an_order_keeps_a_snapshot_that_outlives_the_address(buyer):
    address = addresses.add_address(buyer=buyer, data=home())
    snapshot = address.snapshot()
    addresses.delete_address(buyer=buyer, address_id=address.pk)
    assert snapshot == {
        "contact_name": "王芳",
        "phone": "+8613912345678",
        "province_code": "310000",
        "province_name_zh": "上海市",
        "province_name_en": "Shanghai",
        "city": "上海市",
        "district": "浦东新区",
        "detail": "世纪大道 100 号 8 楼",
        "postal_code": "200120",
    }
