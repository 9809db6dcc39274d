"""Demo catalogue for the "鲜果小铺" demo store: categories, brands and a dozen fruit and gift products
with specs, prices, stock, share copy and generated pictures. Idempotent: products are keyed by their
code (DEMO-xx), categories and brands by name, so running it again adds nothing.

The catalogue is made as of CATALOGUE_AGE ago (shop/demo_clock.py), before the demo's orders
(shop/demo_orders.py, up to four weeks old): a product's history and stock movements then begin with its
creation and initial stock, not with sales from before it existed."""

import io
import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from shop.demo_clock import frozen_at
from shop.models import Brand, Category, Product
from shop.services import brands, categories, media, products
from shop.services.brands import BrandInput
from shop.services.categories import CategoryInput
from shop.services.product_input import ProductInput

# (name, picture colour, [(sub-category, picture colour)]): every category gets a generated picture.
CATEGORIES = [
    (
        "水果",
        (214, 48, 49),
        [
            ("苹果", (214, 48, 49)),
            ("柑橘", (243, 156, 18)),
            ("莓果", (231, 76, 60)),
            ("热带水果", (241, 196, 15)),
        ],
    ),
    ("礼盒", (192, 41, 66), [("节日礼盒", (192, 41, 66)), ("企业团购", (39, 174, 96))]),
    ("干果坚果", (160, 106, 66), []),
]
# The icons earlier demos gave their top categories: emoji, which render as empty boxes where no emoji
# font is installed. A demo seeded with them gets pictures instead.
RETIRED_ICONS = {"\N{RED APPLE}", "\N{WRAPPED PRESENT}", "\N{PEANUTS}"}
CATEGORY_PICTURE_SIDE = 240
BRANDS = ["烟台果园", "丹东莓园"]
CATALOGUE_AGE = timedelta(days=40)


def _combos(specs, prices, stocks, **extra):
    combos = list(itertools.product(*(s["values"] for s in specs))) if specs else [()]
    return [
        {"spec_values": list(combo), "price": price, "stock": stock, **extra}
        for combo, price, stock in zip(combos, prices, stocks, strict=True)
    ]


# (code, title, subtitle, share copy, category, brand, tags, specs, prices, stocks, sales, label, colour)
PRODUCTS = [
    (
        "DEMO-01",
        "烟台红富士苹果",
        "脆甜多汁 栖霞产地直发",
        "咬一口咔嚓响的烟台红富士，产地直发，坏果包赔！",
        "苹果",
        "烟台果园",
        ["新鲜", "产地直发", "爆款"],
        [{"name": "规格", "values": ["5斤", "10斤"]}, {"name": "等级", "values": ["精品", "特级"]}],
        ["39.90", "49.90", "69.90", "89.90"],
        [120, 80, 60, 40],
        1320,
        "APPLE",
        (214, 48, 49),
    ),
    (
        "DEMO-02",
        "阿克苏冰糖心苹果",
        "新疆阿克苏 糖心率高",
        "切开就是满满的糖心，新疆阳光的味道～",
        "苹果",
        None,
        ["新疆", "糖心"],
        [{"name": "规格", "values": ["5斤", "10斤"]}],
        ["45.90", "79.90"],
        [90, 50],
        860,
        "AKSU",
        (192, 57, 43),
    ),
    (
        "DEMO-03",
        "赣南脐橙",
        "果园现摘 酸甜可口",
        "赣南脐橙今天现摘，一箱全家都够吃！",
        "柑橘",
        None,
        ["橙子", "现摘"],
        [{"name": "规格", "values": ["5斤", "10斤"]}, {"name": "果径", "values": ["中果", "大果"]}],
        ["29.90", "35.90", "49.90", "59.90"],
        [150, 100, 80, 60],
        2105,
        "ORANGE",
        (243, 156, 18),
    ),
    (
        "DEMO-04",
        "冰糖橙 礼品装",
        "云南高原 皮薄汁多",
        "送长辈的心意橙，皮薄汁多甜过初恋。",
        "柑橘",
        None,
        ["送礼", "橙子"],
        [],
        ["128.00"],
        [45],
        310,
        "GIFT",
        (230, 126, 34),
    ),
    (
        "DEMO-05",
        "丹东99草莓",
        "奶油口感 冷链到家",
        "冬天的第一口甜！丹东99草莓冷链直达，颗颗饱满。",
        "莓果",
        "丹东莓园",
        ["草莓", "冷链", "爆款"],
        [{"name": "规格", "values": ["2斤装", "3斤装"]}],
        ["88.00", "128.00"],
        [30, 4],
        1588,
        "BERRY",
        (231, 76, 60),
    ),
    (
        "DEMO-06",
        "云南蓝莓",
        "鲜果大颗 酸甜爆汁",
        "一盒蓝莓一天好心情，护眼又好吃～",
        "莓果",
        "丹东莓园",
        ["蓝莓"],
        [{"name": "规格", "values": ["125g×4盒", "125g×8盒"]}],
        ["49.90", "89.90"],
        [70, 35],
        740,
        "BLUE",
        (52, 73, 94),
    ),
    (
        "DEMO-07",
        "海南贵妃芒",
        "树上熟 香甜软糯",
        "海南树上熟的贵妃芒，一口下去全是阳光。",
        "热带水果",
        None,
        ["芒果", "海南"],
        [{"name": "规格", "values": ["3斤", "5斤"]}],
        ["36.90", "55.90"],
        [80, 60],
        980,
        "MANGO",
        (241, 196, 15),
    ),
    (
        "DEMO-08",
        "泰国金枕榴莲",
        "整果发货 肉厚核小",
        "榴莲控冲！金枕整果，开出几房都是惊喜。",
        "热带水果",
        None,
        ["榴莲", "进口"],
        [{"name": "重量", "values": ["3-4斤", "4-5斤"]}],
        ["168.00", "218.00"],
        [6, 3],
        256,
        "DURIAN",
        (211, 178, 66),
    ),
    (
        "DEMO-09",
        "新年鲜果礼盒",
        "六种当季鲜果 精美礼盒",
        "过年走亲戚就送这盒，体面又实惠！",
        "节日礼盒",
        None,
        ["礼盒", "送礼", "年货"],
        [{"name": "款式", "values": ["经典款", "豪华款"]}],
        ["168.00", "268.00"],
        [50, 30],
        420,
        "FESTIVE",
        (192, 41, 66),
    ),
    (
        "DEMO-10",
        "企业团购水果卡",
        "员工福利 全年可兑",
        "企业福利首选，一张卡全年吃应季鲜果。",
        "企业团购",
        None,
        ["团购", "福利"],
        [],
        ["500.00"],
        [200],
        96,
        "CARD",
        (39, 174, 96),
    ),
    (
        "DEMO-11",
        "每日坚果 30包",
        "七种坚果果干 科学配比",
        "每天一包，办公室必备的健康零食。",
        "干果坚果",
        None,
        ["坚果", "零食"],
        [],
        ["79.90"],
        [300],
        1876,
        "NUTS",
        (160, 106, 66),
    ),
]


def _picture(label: str, colour: tuple[int, int, int], variant: int) -> SimpleUploadedFile:
    """A simple product picture: a tinted background, a round "fruit" with a leaf, and a Latin label
    (a CJK font may not be installed, so no Chinese text is drawn)."""
    image = _drawing(label, colour, variant)
    return _jpeg(image, f"{label.lower()}-{variant + 1}.jpg")


def _category_picture(colour: tuple[int, int, int]) -> SimpleUploadedFile:
    """A category's picture: the product picture's fruit and leaf without a label, close up and small."""
    close_up = _drawing("", colour, 0).crop((40, 15, 760, 735))
    return _jpeg(close_up.resize((CATEGORY_PICTURE_SIDE,) * 2, Image.Resampling.LANCZOS), "category.jpg")


def _jpeg(image: Image.Image, filename: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(filename, buffer.getvalue(), "image/jpeg")


def _drawing(label: str, colour: tuple[int, int, int], variant: int) -> Image.Image:
    side = 800
    background = tuple(min(255, c + 170) for c in colour) if variant == 0 else (250, 246, 238)
    image = Image.new("RGB", (side, side), background)
    draw = ImageDraw.Draw(image)
    radius = 230 if variant == 0 else 180
    centre = (side // 2, side // 2 - 40)
    draw.ellipse(
        (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
        fill=colour,
        outline=tuple(max(0, c - 40) for c in colour),
        width=8,
    )
    draw.ellipse((centre[0] - 80, centre[1] - 120, centre[0] - 20, centre[1] - 60), fill=(255, 255, 255))
    draw.ellipse(
        (centre[0] + 10, centre[1] - radius - 70, centre[0] + 110, centre[1] - radius + 10),
        fill=(46, 160, 67),
    )
    try:
        font = ImageFont.load_default(size=72)
    except (TypeError, OSError):  # Pillow without FreeType
        font = ImageFont.load_default()
    box = draw.textbbox((0, 0), label, font=font)
    if label:
        draw.text(((side - (box[2] - box[0])) // 2, side - 150), label, fill=(60, 60, 60), font=font)
    return image


def _categories(owner) -> dict[str, Category]:
    found = {}
    for order, (name, colour, children) in enumerate(CATEGORIES):
        top = Category.objects.filter(parent__isnull=True, name=name).first()
        if top is None:
            top = categories.create_category(
                actor=owner,
                data=CategoryInput(name=name, image=_category_picture(colour), sort_order=order * 10),
            )
        elif top.icon in RETIRED_ICONS and not top.image:
            top = categories.update_category(
                actor=owner,
                category=top,
                data=CategoryInput(
                    name=top.name,
                    image=_category_picture(colour),
                    sort_order=top.sort_order,
                    is_visible=top.is_visible,
                ),
            )
        found[name] = top
        for child_order, (child_name, child_colour) in enumerate(children):
            child = Category.objects.filter(parent=top, name=child_name).first()
            if child is None:
                child = categories.create_category(
                    actor=owner,
                    data=CategoryInput(
                        name=child_name,
                        parent=top,
                        image=_category_picture(child_colour),
                        sort_order=child_order * 10,
                    ),
                )
            found[child_name] = child
    return found


def _brands(owner) -> dict[str, Brand]:
    return {
        name: Brand.objects.filter(name=name).first()
        or brands.create_brand(actor=owner, data=BrandInput(name=name, sort_order=order))
        for order, name in enumerate(BRANDS)
    }


@transaction.atomic
def seed(store, owner) -> None:
    with frozen_at(timezone.now() - CATALOGUE_AGE):
        _seed(store, owner)


def _seed(store, owner) -> None:
    category_of = _categories(owner)
    brand_of = _brands(owner)
    for (
        code,
        title,
        subtitle,
        share_copy,
        category,
        brand,
        tags,
        specs,
        prices,
        stocks,
        sales,
        label,
        colour,
    ) in PRODUCTS:
        if Product.objects.filter(code=code).exists():
            continue
        product = products.create_product(
            store=store,
            actor=owner,
            data=ProductInput.build(
                code=code,
                title=title,
                subtitle=subtitle,
                share_copy=share_copy,
                description=f"<p>{share_copy}</p><p>{subtitle}。收到后如有坏果，拍照联系客服，坏多少赔多少。</p>",
                category=category_of[category],
                brand=brand_of.get(brand) if brand else None,
                tags=tags,
                specs=specs,
                skus=_combos(specs, prices, stocks, low_stock_threshold=5),
                status=Product.Status.ON_SALE,
            ),
        )
        Product.objects.filter(pk=product.pk).update(sales_count=sales)
        media.add_product_images(
            product=product, files=[_picture(label, colour, v) for v in range(2)], actor=owner
        )
