"""The storefront templates the platform ships with (seeded by setup_platform, editable by operators)."""

SHIPPED_TEMPLATES = [
    {
        "code": "fresh",
        "name": "鲜果 Fresh",
        "description": "清新绿色，大图轮播与分类宫格，适合生鲜水果、农产品与健康食品。",
        "theme": {
            "primary": "#1aa35a",
            "accent": "#ffb400",
            "background": "#f3faf5",
            "surface": "#ffffff",
            "text": "#1f2d24",
            "radius": "14px",
        },
        "home_sections": [
            {"type": "banner", "title": "当季鲜果 产地直发"},
            {"type": "category_grid", "title": "逛分类"},
            {"type": "hot_products", "title": "爆款推荐"},
            {"type": "new_arrivals", "title": "新品上架"},
        ],
    },
    {
        "code": "urban",
        "name": "潮流 Urban",
        "description": "黑白撞色加亮粉点缀，双列瀑布流，适合服饰、美妆与潮玩。",
        "theme": {
            "primary": "#111111",
            "accent": "#ff2d7a",
            "background": "#f5f5f5",
            "surface": "#ffffff",
            "text": "#111111",
            "radius": "4px",
        },
        "home_sections": [
            {"type": "banner", "title": "NEW SEASON"},
            {"type": "new_arrivals", "title": "本周上新"},
            {"type": "hot_products", "title": "热卖榜"},
            {"type": "category_grid", "title": "全部分类"},
        ],
    },
    {
        "code": "classic",
        "name": "国风 Classic",
        "description": "中国红与金色，稳重大气，适合茶叶、酒水、礼盒与地方特产。",
        "theme": {
            "primary": "#b7282e",
            "accent": "#c9a063",
            "background": "#fbf6ee",
            "surface": "#ffffff",
            "text": "#3b2a1a",
            "radius": "8px",
            "font": "'Songti SC', 'Noto Serif CJK SC', serif",
        },
        "home_sections": [
            {"type": "banner", "title": "匠心好礼"},
            {"type": "hot_products", "title": "镇店之宝"},
            {"type": "category_grid", "title": "品类"},
            {"type": "new_arrivals", "title": "新品"},
        ],
    },
    {
        "code": "baby",
        "name": "萌宝 Baby",
        "description": "柔和粉蓝、圆角卡片，适合母婴、童装与家居用品。",
        "theme": {
            "primary": "#5b8def",
            "accent": "#ff8fab",
            "background": "#f6f8ff",
            "surface": "#ffffff",
            "text": "#2b3552",
            "radius": "18px",
        },
        "home_sections": [
            {"type": "banner", "title": "宝宝好物 妈妈放心"},
            {"type": "category_grid", "title": "分类"},
            {"type": "new_arrivals", "title": "新品"},
            {"type": "hot_products", "title": "妈妈们都在买"},
        ],
    },
]


def seed_templates() -> None:
    from tenants.models import StoreTemplate

    for order, data in enumerate(SHIPPED_TEMPLATES):
        StoreTemplate.objects.update_or_create(
            code=data["code"],
            defaults={**{k: v for k, v in data.items() if k != "code"}, "sort_order": order},
        )
