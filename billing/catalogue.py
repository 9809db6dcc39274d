"""The plan catalogue the platform ships with (seeded by setup_platform, editable by operators)."""

from decimal import Decimal

SHIPPED_PLANS = [
    {
        "code": "trial",
        "name": "免费试用 Trial",
        "tagline": "7 天全功能体验，无需绑卡",
        "price_monthly": Decimal("0"),
        "price_yearly": Decimal("0"),
        "trial_days": 7,
        "is_default": True,
        "limits": {"products": 50, "distributors": 50, "staff": 3, "distribution_levels": 2},
        "features": {
            "coupons": True,
            "live_rooms": False,
            "analytics": True,
            "custom_domain": False,
            "api_access": True,
            "posters": True,
        },
    },
    {
        "code": "basic",
        "name": "基础版 Basic",
        "tagline": "小店起步：一级分销",
        "price_monthly": Decimal("99"),
        "price_yearly": Decimal("990"),
        "trial_days": 0,
        "limits": {"products": 200, "distributors": 500, "staff": 3, "distribution_levels": 1},
        "features": {
            "coupons": True,
            "live_rooms": False,
            "analytics": False,
            "custom_domain": False,
            "api_access": False,
            "posters": True,
        },
    },
    {
        "code": "pro",
        "name": "专业版 Pro",
        "tagline": "成长型品牌：二级分销 + 数据分析",
        "price_monthly": Decimal("299"),
        "price_yearly": Decimal("2990"),
        "trial_days": 0,
        "limits": {"products": 2000, "distributors": 5000, "staff": 10, "distribution_levels": 2},
        "features": {
            "coupons": True,
            "live_rooms": True,
            "analytics": True,
            "custom_domain": False,
            "api_access": True,
            "posters": True,
        },
    },
    {
        "code": "flagship",
        "name": "旗舰版 Flagship",
        "tagline": "规模化团队：三级分销、直播、独立域名",
        "price_monthly": Decimal("999"),
        "price_yearly": Decimal("9990"),
        "trial_days": 0,
        "limits": {"products": None, "distributors": None, "staff": 50, "distribution_levels": 3},
        "features": {
            "coupons": True,
            "live_rooms": True,
            "analytics": True,
            "custom_domain": True,
            "api_access": True,
            "posters": True,
        },
    },
]


def seed_plans() -> None:
    from billing.models import Plan

    for order, data in enumerate(SHIPPED_PLANS):
        Plan.objects.get_or_create(
            code=data["code"],
            defaults={**{k: v for k, v in data.items() if k != "code"}, "sort_order": order},
        )
