"""Provinces of an address: mainland China's provincial-level divisions plus Hong Kong, Macao and Taiwan,
by their GB/T 2260 code. `Address.province_code` is one of these codes, and so will be the regions of
the shipping rules; the names are data for display, in Chinese and English (not UI text to translate)."""

from dataclasses import dataclass

from django.utils import translation


@dataclass(frozen=True)
class Province:
    code: str
    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_zh if (translation.get_language() or "").startswith("zh") else self.name_en


PROVINCES: tuple[Province, ...] = (
    Province("110000", "北京市", "Beijing"),
    Province("120000", "天津市", "Tianjin"),
    Province("130000", "河北省", "Hebei"),
    Province("140000", "山西省", "Shanxi"),
    Province("150000", "内蒙古自治区", "Inner Mongolia"),
    Province("210000", "辽宁省", "Liaoning"),
    Province("220000", "吉林省", "Jilin"),
    Province("230000", "黑龙江省", "Heilongjiang"),
    Province("310000", "上海市", "Shanghai"),
    Province("320000", "江苏省", "Jiangsu"),
    Province("330000", "浙江省", "Zhejiang"),
    Province("340000", "安徽省", "Anhui"),
    Province("350000", "福建省", "Fujian"),
    Province("360000", "江西省", "Jiangxi"),
    Province("370000", "山东省", "Shandong"),
    Province("410000", "河南省", "Henan"),
    Province("420000", "湖北省", "Hubei"),
    Province("430000", "湖南省", "Hunan"),
    Province("440000", "广东省", "Guangdong"),
    Province("450000", "广西壮族自治区", "Guangxi"),
    Province("460000", "海南省", "Hainan"),
    Province("500000", "重庆市", "Chongqing"),
    Province("510000", "四川省", "Sichuan"),
    Province("520000", "贵州省", "Guizhou"),
    Province("530000", "云南省", "Yunnan"),
    Province("540000", "西藏自治区", "Xizang (Tibet)"),
    Province("610000", "陕西省", "Shaanxi"),
    Province("620000", "甘肃省", "Gansu"),
    Province("630000", "青海省", "Qinghai"),
    Province("640000", "宁夏回族自治区", "Ningxia"),
    Province("650000", "新疆维吾尔自治区", "Xinjiang"),
    Province("710000", "台湾省", "Taiwan"),
    Province("810000", "香港特别行政区", "Hong Kong"),
    Province("820000", "澳门特别行政区", "Macao"),
)
BY_CODE: dict[str, Province] = {province.code: province for province in PROVINCES}
CODE_CHOICES = [(province.code, province.name_zh) for province in PROVINCES]


def province(code: str) -> Province | None:
    return BY_CODE.get(code)


def province_choices() -> list[tuple[str, str]]:
    """(code, name) in the active language, in code order: how Chinese address pickers list them."""
    return [(p.code, p.name) for p in PROVINCES]


def region_text(province_code: str, city: str = "", district: str = "") -> str:
    """Province, city and district as a Chinese address reads, the province in the active language,
    dropping a city that repeats its province (the municipalities: 北京市 北京市 朝阳区 → 北京市 朝阳区)."""
    found = province(province_code)
    parts = [found.name if found else province_code]
    if city and city not in parts:
        parts.append(city)
    if district:
        parts.append(district)
    return " ".join(part for part in parts if part)
