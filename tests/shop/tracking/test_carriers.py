"""The carriers a merchant ships with: a code or a Chinese or English name, as typed or put in a
bulk-ship CSV, and each carrier's tracking-number format."""

import pytest
from django.utils import translation

from shop.tracking.carriers import (
    CARRIERS,
    carrier_choices,
    carrier_name,
    check_tracking_number,
    parse_carrier,
)
from tenants.errors import ErrorCode, InvalidInput


@pytest.mark.parametrize(
    "text, code",
    [
        ("shunfeng", "shunfeng"),
        ("顺丰", "shunfeng"),
        ("顺丰速运", "shunfeng"),
        ("SF Express", "shunfeng"),
        ("  sf   express ", "shunfeng"),
        ("ＳＦ", "shunfeng"),  # typed with a Chinese keyboard's full-width letters
        ("中通", "zhongtong"),
        ("中通快递", "zhongtong"),
        ("ZTO Express", "zhongtong"),
        ("圆通速递", "yuantong"),
        ("韵达", "yunda"),
        ("申通快递", "shentong"),
        ("极兔", "jtexpress"),
        ("J&T Express", "jtexpress"),
        ("京东物流", "jd"),
        ("JD", "jd"),
        ("EMS", "ems"),
        ("邮政EMS", "ems"),
        ("邮政", "youzhengguonei"),
        ("邮政快递包裹", "youzhengguonei"),
        ("德邦", "debangwuliu"),
        ("DEBANGWULIU", "debangwuliu"),
        ("百世快递", "huitongkuaidi"),
    ],
)
def test_a_carrier_is_found_by_its_code_or_its_chinese_or_english_name(text, code):
    assert parse_carrier(text).code == code


@pytest.mark.parametrize("text", ["顺风快递公司", "UPS", "shunfeng2", "\x00sf"])
def test_an_unknown_carrier_is_refused_on_the_carrier_field(text):
    with pytest.raises(InvalidInput) as caught:
        parse_carrier(text)
    assert caught.value.code == ErrorCode.UNKNOWN_CARRIER
    assert "Unknown carrier" in caught.value.as_dict()["carrier"][0]


@pytest.mark.parametrize("text", ["", "   ", None, 42])
def test_no_carrier_asks_for_one(text):
    with pytest.raises(InvalidInput) as caught:
        parse_carrier(text, field_name="rows.3.carrier")
    assert caught.value.as_dict() == {"rows.3.carrier": ["Choose a carrier."]}


def test_a_carrier_is_named_in_the_language_of_the_reader():
    with translation.override("zh-hans"):
        assert parse_carrier("shunfeng").name == "顺丰速运"
        assert dict(carrier_choices())["jtexpress"] == "极兔速递"
    with translation.override("en"):
        assert carrier_name("shunfeng") == "SF Express"
        assert dict(carrier_choices())["jtexpress"] == "J&T Express"
    # a carrier a provider reports that we do not list keeps its code
    assert carrier_name("fengwang") == "fengwang"


@pytest.mark.parametrize(
    "code, text, stored",
    [
        ("shunfeng", "SF1401234567890", "SF1401234567890"),
        ("shunfeng", "sf 1401 2345 67890", "SF1401234567890"),
        ("zhongtong", "78123456789012", "78123456789012"),
        ("zhongtong", "７８１２３４５６７８９０１２", "78123456789012"),  # full-width digits
        ("yuantong", "yt6543210987654", "YT6543210987654"),
        ("yunda", "4312-3456-78901", "4312345678901"),
        ("shentong", "773012345678901", "773012345678901"),
        ("jtexpress", "JT5012345678901", "JT5012345678901"),
        ("jd", "JDVA12345678901", "JDVA12345678901"),
        ("ems", "1012345678901", "1012345678901"),
        ("ems", "EA123456789CN", "EA123456789CN"),
        ("youzhengguonei", "9812345678901", "9812345678901"),
        ("debangwuliu", "DPK300012345678", "DPK300012345678"),
        ("debangwuliu", "5123456789", "5123456789"),
        ("zhaijisong", "A12345678b", "A12345678B"),  # no known format: letters and digits
    ],
)
def test_a_tracking_number_in_its_carriers_format_is_stored_plain(code, text, stored):
    assert check_tracking_number(CARRIERS[code], text) == stored


@pytest.mark.parametrize(
    "code, text",
    [
        ("shunfeng", "1401234567890"),  # SF numbers start with SF
        ("zhongtong", "ZT123456789012"),
        ("yuantong", "6543210987654"),
        ("jtexpress", "JT50123"),
        ("ems", "EA12345678CN"),
    ],
)
def test_a_number_not_in_its_carriers_format_is_refused_with_an_example(code, text):
    carrier = CARRIERS[code]
    with pytest.raises(InvalidInput) as caught:
        check_tracking_number(carrier, text)
    assert caught.value.code == ErrorCode.INVALID_TRACKING_NUMBER
    message = caught.value.as_dict()["tracking_number"][0]
    assert carrier.name in message and carrier.number_example in message


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Enter the tracking number."),
        ("  ", "Enter the tracking number."),
        (None, "Enter the tracking number."),
        ("78123", "A tracking number is 6 to 32 letters and digits."),
        ("7" * 33, "A tracking number is 6 to 32 letters and digits."),
        ("٧٨١٢٣٤٥٦٧٨٩٠١٢", "A tracking number is 6 to 32 letters and digits."),  # Arabic-Indic digits
        ("7812345678\x009012", "A tracking number is 6 to 32 letters and digits."),
        ("78123456789012'; --", "A tracking number is 6 to 32 letters and digits."),
    ],
)
def test_a_number_that_is_no_tracking_number_at_all_is_refused(text, message):
    with pytest.raises(InvalidInput) as caught:
        check_tracking_number(CARRIERS["zhongtong"], text, field_name="rows.1.tracking_number")
    assert caught.value.as_dict() == {"rows.1.tracking_number": [message]}


def test_every_carriers_example_number_passes_its_own_check():
    for carrier in CARRIERS.values():
        if carrier.number_pattern is not None:
            assert check_tracking_number(carrier, carrier.number_example) == carrier.number_example
