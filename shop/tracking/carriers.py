"""The carriers a Chinese merchant ships with, keyed by their Kuaidi100 company codes (the codes most
Chinese tracking services share), with names in Chinese and English and, where the carrier's numbers
follow a pattern stable enough to rely on, a format check.

`parse_carrier(text)` reads what a merchant types or puts in a bulk-ship CSV: a code ("shunfeng"), a
Chinese name ("顺丰", "顺丰速运"), an English one ("SF Express"). `check_tracking_number(carrier, text)`
gives the number as it is stored and sent to the tracking provider, or refuses it with a field error.

Carrier names are proper nouns given in both languages here, not translated text: `Carrier.name` picks
the one of the active language."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from tenants.errors import ErrorCode, InvalidInput

# Kuaidi100 takes numbers of up to 32 characters; Shipment.tracking_number holds 40.
NUMBER_RE = re.compile(r"[0-9A-Z]{6,32}")
# What people put inside a number they copy from a waybill or a chat: spaces, hyphens.
NUMBER_SEPARATORS = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class Carrier:
    code: str  # the Kuaidi100 company code
    name_zh: str
    name_en: str
    # Other names merchants use for it, in either language (matched case-insensitively).
    aliases: tuple[str, ...] = ()
    # The carrier's own number format, after normalisation (upper case, no spaces); None where its
    # numbers are plain digits of no fixed shape or the format changed too often to check.
    number_pattern: re.Pattern | None = field(default=None, compare=False)
    number_example: str = ""
    # Whether the provider needs the recipient's phone to answer about a parcel (SF Express checks its
    # last digits); other carriers are not sent the buyer's phone at all.
    needs_phone: bool = False

    @property
    def name(self) -> str:
        language = translation.get_language() or settings.LANGUAGE_CODE
        return self.name_zh if language.lower().startswith("zh") else self.name_en

    def __str__(self) -> str:
        return self.name


def _pattern(text: str) -> re.Pattern:
    return re.compile(text, re.ASCII)


CARRIERS: dict[str, Carrier] = {
    carrier.code: carrier
    for carrier in (
        Carrier(
            "shunfeng",
            "顺丰速运",
            "SF Express",
            ("顺丰", "顺丰快递", "SF", "SF Express", "Shunfeng"),
            _pattern(r"SF[0-9]{12,15}"),
            "SF1401234567890",
            needs_phone=True,
        ),
        Carrier(
            "zhongtong",
            "中通快递",
            "ZTO Express",
            ("中通", "ZTO", "Zhongtong"),
            _pattern(r"[0-9]{12,15}"),
            "78123456789012",
        ),
        Carrier(
            "yuantong",
            "圆通速递",
            "YTO Express",
            ("圆通", "圆通快递", "YTO", "Yuantong"),
            _pattern(r"YT[0-9]{12,16}"),
            "YT6543210987654",
        ),
        Carrier(
            "yunda",
            "韵达快递",
            "Yunda Express",
            ("韵达", "韵达速递", "Yunda"),
            _pattern(r"[0-9]{13,15}"),
            "4312345678901",
        ),
        Carrier(
            "shentong",
            "申通快递",
            "STO Express",
            ("申通", "STO", "Shentong"),
            _pattern(r"[0-9]{12,15}"),
            "773012345678901",
        ),
        Carrier(
            "jtexpress",
            "极兔速递",
            "J&T Express",
            ("极兔", "极兔快递", "J&T", "JT", "JT Express", "Jitu"),
            _pattern(r"JT[0-9]{13}"),
            "JT5012345678901",
        ),
        Carrier(
            "jd",
            "京东物流",
            "JD Logistics",
            ("京东", "京东快递", "JD", "JD Express", "Jingdong"),
            _pattern(r"JD[0-9A-Z]{11,18}"),
            "JDVA12345678901",
        ),
        Carrier(
            "ems",
            "EMS",
            "EMS",
            ("邮政EMS", "中国邮政EMS", "EMS快递", "China Post EMS"),
            # Domestic EMS numbers are 13 digits; international ones the UPU form, e.g. EA123456789CN.
            _pattern(r"[0-9]{13}|[A-Z]{2}[0-9]{9}[A-Z]{2}"),
            "1012345678901",
        ),
        Carrier(
            "youzhengguonei",
            "邮政快递包裹",
            "China Post Parcel",
            ("邮政", "中国邮政", "邮政包裹", "邮政快递", "China Post"),
            _pattern(r"[0-9]{13}|[A-Z]{2}[0-9]{9}[A-Z]{2}"),
            "9812345678901",
        ),
        Carrier(
            "debangwuliu",
            "德邦",
            "Deppon",
            ("德邦快递", "德邦物流", "Deppon Express", "Debang"),
            # DPK + 12 digits now; older waybills are 8 to 10 plain digits.
            _pattern(r"DPK[0-9]{12}|[0-9]{8,12}"),
            "DPK300012345678",
        ),
        Carrier("huitongkuaidi", "百世快递", "BEST Express", ("百世", "百世汇通", "汇通", "BEST")),
        Carrier("zhaijisong", "宅急送", "ZJS Express", ("ZJS",)),
    )
}


def _folded(text: str) -> str:
    """For matching names: full-width forms made plain (ＳＦ → SF), spaces dropped, case folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


_BY_NAME: dict[str, Carrier] = {}
for _carrier in CARRIERS.values():
    for _name in (_carrier.code, _carrier.name_zh, _carrier.name_en, *_carrier.aliases):
        _BY_NAME.setdefault(_folded(_name), _carrier)


def get_carrier(code: str) -> Carrier | None:
    return CARRIERS.get(code)


def carrier_name(code: str) -> str:
    """The carrier's name in the active language; the code itself for a carrier not listed here (a
    provider may report one we do not know)."""
    carrier = CARRIERS.get(code)
    return carrier.name if carrier else code


def carrier_choices() -> list[tuple[str, str]]:
    """(code, name) for a carrier picker, in the listed order (the most used first)."""
    return [(carrier.code, carrier.name) for carrier in CARRIERS.values()]


def parse_carrier(text, *, field_name: str = "carrier") -> Carrier:
    """The carrier a merchant means by `text`: a Kuaidi100 code or a Chinese or English name."""
    carrier = _BY_NAME.get(_folded(text)) if isinstance(text, str) and text.strip() else None
    if carrier is None:
        if not isinstance(text, str) or not text.strip():
            message = _("Choose a carrier.")
        else:
            message = _("Unknown carrier “%(text)s”: use its name, such as 顺丰 or 中通, or its code.") % {
                "text": text.strip()[:40]
            }
        raise InvalidInput({field_name: [message]}, code=ErrorCode.UNKNOWN_CARRIER)
    return carrier


def check_tracking_number(carrier: Carrier, text, *, field_name: str = "tracking_number") -> str:
    """The tracking number as stored and sent to the provider: full-width characters made plain, spaces
    and hyphens dropped, letters in upper case; refused unless it is 6 to 32 letters and digits and, for
    a carrier with a known format, in that format."""
    number = (
        NUMBER_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
        if isinstance(text, str)
        else ""
    )
    if not number:
        raise InvalidInput(
            {field_name: [_("Enter the tracking number.")]}, code=ErrorCode.INVALID_TRACKING_NUMBER
        )
    if not NUMBER_RE.fullmatch(number):
        raise InvalidInput(
            {field_name: [_("A tracking number is 6 to 32 letters and digits.")]},
            code=ErrorCode.INVALID_TRACKING_NUMBER,
        )
    if carrier.number_pattern is not None and not carrier.number_pattern.fullmatch(number):
        raise InvalidInput(
            {
                field_name: [
                    _("This is not a %(carrier)s tracking number (they look like %(example)s).")
                    % {"carrier": carrier.name, "example": carrier.number_example}
                ]
            },
            code=ErrorCode.INVALID_TRACKING_NUMBER,
        )
    return number
