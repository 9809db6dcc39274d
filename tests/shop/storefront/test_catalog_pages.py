"""The buyer's storefront: home, categories, search, product detail — what a shopper sees on a store host."""

import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from shop.models import Product
from shop.services import categories
from shop.services.categories import CategoryInput
from tests.shop.factories import BrandFactory, CategoryFactory, image_file, make_product

# Pictures are real uploads through the media service: keep them in a temporary folder.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def page(client, url, **extra):
    response = client.get(url, **extra)
    connection.set_schema_to_public()
    return response, response.content.decode()


def product_ids(html: str) -> list[int]:
    """The products a listing shows, in order."""
    return [int(pk) for pk in re.findall(r'class="product-card[^"]*" href="/products/(\d+)/"', html)]


def embedded_json(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no #{element_id} in the page"
    return json.loads(match.group(1))


def meta(html: str, attr: str, name: str) -> str | None:
    match = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)"', html)
    return unescape(match.group(1)) if match else None


# ---------------------------------------------------------------------------------------------
# What is visible
# ---------------------------------------------------------------------------------------------


def test_only_on_sale_products_are_listed_on_home_search_and_category(store_a, client_a):
    with schema_context(store_a.schema_name):
        fruit = CategoryFactory(name="水果")
        on_sale = make_product(title="阳光玫瑰葡萄", category=fruit, sales_count=5)
        draft = make_product(title="草稿葡萄", category=fruit, status=Product.Status.DRAFT, published_at=None)
        off = make_product(title="下架葡萄", category=fruit, status=Product.Status.OFF_SALE)

    for url in ("/", "/search/", "/search/?q=葡萄", f"/categories/{fruit.pk}/"):
        response, html = page(client_a, url)
        assert response.status_code == 200, url
        assert on_sale.pk in product_ids(html), url
        assert draft.pk not in product_ids(html) and "草稿葡萄" not in html, url
        assert off.pk not in product_ids(html) and "下架葡萄" not in html, url


@pytest.mark.parametrize("status", [Product.Status.DRAFT, Product.Status.OFF_SALE])
def test_draft_or_off_sale_product_page_is_a_friendly_404_without_its_content(store_a, client_a, status):
    with schema_context(store_a.schema_name):
        hidden = make_product(
            title="秘密新品", subtitle="还没发布的卖点", share_copy="内部文案", status=status, images=1
        )

    response, html = page(client_a, f"/products/{hidden.pk}/")

    assert response.status_code == 404
    assert "This product is no longer available." in html
    assert 'href="/"' in html  # a way back to the store
    for secret in ("秘密新品", "还没发布的卖点", "内部文案", "og:title"):
        assert secret not in html


@pytest.mark.parametrize("url", ["/products/999999/", "/categories/999999/"])
def test_missing_product_or_category_is_a_friendly_404(client_a, url):
    response, html = page(client_a, url)
    assert response.status_code == 404
    assert "no longer available" in html
    assert "Store A" in html  # rendered in the store's own layout


def test_sold_out_product_stays_listed_and_its_page_says_sold_out(store_a, client_a):
    with schema_context(store_a.schema_name):
        gone = make_product(title="售罄荔枝", skus=[{"price": "39.00", "stock": 0}])

    _, listing = page(client_a, "/search/?q=荔枝")
    assert product_ids(listing) == [gone.pk]
    assert "sold-out-tag" in listing

    response, html = page(client_a, f"/products/{gone.pk}/")
    assert response.status_code == 200
    assert 'id="pd-soldout"' in html
    assert re.search(r'<button[^>]*id="buy-now"[^>]*disabled[^>]*>\s*Sold out', html)
    assert re.search(r'<input[^>]*id="qty"[^>]*disabled', html)


def test_hidden_category_cannot_be_opened(store_a, client_a):
    with schema_context(store_a.schema_name):
        hidden = CategoryFactory(name="隐藏分类", is_visible=False)
        child = CategoryFactory(name="隐藏子类", parent=hidden)
    for category in (hidden, child):
        response, _ = page(client_a, f"/categories/{category.pk}/")
        assert response.status_code == 404


# ---------------------------------------------------------------------------------------------
# Search, filters, sorting, pagination
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "keyword, fields",
    [
        ("草莓", {"title": "丹东99草莓礼盒"}),
        ("奶油", {"title": "礼盒", "subtitle": "奶油口感 产地直发"}),
        ("佳沛", {"title": "猕猴桃", "brand_name": "佳沛Zespri"}),
        ("zespri", {"title": "猕猴桃", "brand_name": "佳沛Zespri"}),
        ("年货", {"title": "坚果", "tags": ["新品", "年货节"]}),
    ],
)
def test_search_finds_chinese_substrings_in_title_subtitle_brand_and_tags(store_a, client_a, keyword, fields):
    with schema_context(store_a.schema_name):
        brand_name = fields.pop("brand_name", None)
        if brand_name:
            fields["brand"] = BrandFactory(name=brand_name)
        wanted = make_product(**fields)
        make_product(title="普通大米", subtitle="东北五常", tags=["粮油"])

    _, html = page(client_a, f"/search/?q={keyword}")

    assert product_ids(html) == [wanted.pk]


def test_search_with_two_keywords_needs_both(store_a, client_a):
    with schema_context(store_a.schema_name):
        both = make_product(title="丹东草莓礼盒")
        make_product(title="丹东板栗")
        make_product(title="云南草莓")

    _, html = page(client_a, "/search/?q=丹东 草莓")

    assert product_ids(html) == [both.pk]


def test_search_without_matches_shows_an_empty_state(store_a, client_a):
    with schema_context(store_a.schema_name):
        make_product(title="苹果")
    response, html = page(client_a, "/search/?q=不存在的东西")
    assert response.status_code == 200
    assert product_ids(html) == []
    assert "No products match your search" in html


def test_relevance_puts_title_matches_before_subtitle_matches(store_a, client_a):
    with schema_context(store_a.schema_name):
        in_subtitle = make_product(title="礼盒装", subtitle="搭配车厘子更好吃", sales_count=500)
        in_title = make_product(title="智利车厘子", sales_count=1)

    _, html = page(client_a, "/search/?q=车厘子")

    assert product_ids(html) == [in_title.pk, in_subtitle.pk]


def test_filters_by_category_including_its_subcategories_brand_and_price(store_a, client_a):
    with schema_context(store_a.schema_name):
        fruit = CategoryFactory(name="水果")
        citrus = CategoryFactory(name="柑橘", parent=fruit)
        tea = CategoryFactory(name="茶叶")
        brand = BrandFactory(name="褚橙")
        orange = make_product(title="冰糖橙", category=citrus, brand=brand, skus=[{"price": "59.00"}])
        apple = make_product(title="红富士", category=fruit, skus=[{"price": "29.00"}])
        green_tea = make_product(title="龙井", category=tea, brand=brand, skus=[{"price": "199.00"}])

    def shown(query):
        return set(product_ids(page(client_a, f"/search/?{query}")[1]))

    assert shown(f"category={fruit.pk}") == {orange.pk, apple.pk}
    assert shown(f"category={citrus.pk}") == {orange.pk}
    assert shown(f"brand={brand.pk}") == {orange.pk, green_tea.pk}
    assert shown("price_min=30&price_max=200") == {orange.pk, green_tea.pk}
    assert shown("price_max=59") == {orange.pk, apple.pk}
    assert shown(f"brand={brand.pk}&price_max=100") == {orange.pk}
    assert set(product_ids(page(client_a, f"/categories/{fruit.pk}/")[1])) == {orange.pk, apple.pk}


def test_nonsense_filter_values_are_ignored_not_an_error(store_a, client_a):
    with schema_context(store_a.schema_name):
        apple = make_product(title="苹果")
    response, html = page(
        client_a, "/search/?category=abc&brand=-1&price_min=x&price_max=1e999&sort=evil&page=zz"
    )
    assert response.status_code == 200
    assert product_ids(html) == [apple.pk]


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("sales", ["best_seller", "middle", "newest"]),
        ("price_asc", ["newest", "middle", "best_seller"]),
        ("price_desc", ["best_seller", "middle", "newest"]),
        ("newest", ["newest", "middle", "best_seller"]),
        ("relevance", ["best_seller", "middle", "newest"]),  # without a keyword: best sellers first
    ],
)
def test_each_sort_order(store_a, client_a, sort, expected):
    now = timezone.now()
    with schema_context(store_a.schema_name):
        made = {
            "best_seller": make_product(
                title="A",
                sales_count=90,
                skus=[{"price": "30.00"}],
                published_at=now - timezone.timedelta(days=3),
            ),
            "middle": make_product(
                title="B",
                sales_count=50,
                skus=[{"price": "20.00"}],
                published_at=now - timezone.timedelta(days=2),
            ),
            "newest": make_product(
                title="C",
                sales_count=10,
                skus=[{"price": "10.00"}],
                published_at=now - timezone.timedelta(days=1),
            ),
        }

    _, html = page(client_a, f"/search/?sort={sort}")

    assert product_ids(html) == [made[name].pk for name in expected]


def test_listing_is_paginated_with_page_numbers_and_htmx_load_more(store_a, client_a):
    with schema_context(store_a.schema_name):
        made = [make_product(title=f"商品{i:02d}", sales_count=100 - i) for i in range(25)]
    by_sales = [p.pk for p in made]

    _, first = page(client_a, "/search/?sort=sales")
    assert product_ids(first) == by_sales[:20]
    assert "25 products" in first
    assert 'href="?sort=sales&amp;page=2"' in first  # page numbers keep the sort
    assert 'hx-get="?sort=sales&amp;page=2"' in first  # and so does "load more"

    _, second = page(client_a, "/search/?sort=sales&page=2")
    assert product_ids(second) == by_sales[20:]

    response, more = page(client_a, "/search/?sort=sales&page=2", HTTP_HX_REQUEST="true")
    assert product_ids(more) == by_sales[20:]
    assert "<html" not in more and "Load more" not in more  # only the next cards, and no further page

    _, past_the_end = page(client_a, "/search/?sort=sales&page=99")
    assert product_ids(past_the_end) == by_sales[20:]


# ---------------------------------------------------------------------------------------------
# Product detail
# ---------------------------------------------------------------------------------------------


def test_detail_embeds_each_sku_price_and_stock_for_the_spec_selector(store_a, client_a):
    with schema_context(store_a.schema_name):
        product = make_product(
            title="纯棉T恤",
            skus=[
                {"spec_values": ["白", "M"], "price": "79.00", "original_price": "99.00", "stock": 5},
                {"spec_values": ["白", "L"], "price": "79.00", "stock": 0},
                {"spec_values": ["黑", "M"], "price": "89.00", "stock": 2},
                {"spec_values": ["黑", "L"], "price": "89.00", "stock": 7, "is_active": False},
            ],
        )

    response, html = page(client_a, f"/products/{product.pk}/")

    assert response.status_code == 200
    matrix = embedded_json(html, "sku-matrix")
    assert matrix["specs"] == [
        {"name": "规格1", "values": ["白", "黑"]},
        {"name": "规格2", "values": ["M", "L"]},
    ]
    assert [(s["values"], s["price"], s["original_price"], s["stock"]) for s in matrix["skus"]] == [
        (["白", "M"], "79.00", "99.00", 5),
        (["白", "L"], "79.00", None, 0),
        (["黑", "M"], "89.00", None, 2),
    ]  # the inactive SKU is not offered
    assert "79.00 – 89.00" in html  # price range
    assert '<s class="price-was" id="pd-was"' in html and "¥99.00</s>" in html  # strike-through original
    assert 'data-value="白"' in html and 'data-value="L"' in html
    assert 'max="7"' in html  # quantity stepper limited by the stock on offer
    assert "pd-soldout" not in html
    assert "Checkout is coming soon." not in html and 'action="/cart/add/"' in html


def test_detail_shows_gallery_video_and_sanitised_description(store_a, client_a):
    with schema_context(store_a.schema_name):
        product = make_product(
            title="有机蓝莓",
            images=3,
            video_url="https://player.bilibili.com/player.html?bvid=BV1xx",
        )
        # Written around the service (a script, an old import): the page must still not run it.
        Product.objects.filter(pk=product.pk).update(
            description='<p>甜</p><script>alert("x")</script><img src=x onerror="alert(1)">'
        )
    _, html = page(client_a, f"/products/{product.pk}/")

    assert html.count('<img src="/media/') >= 3
    assert '<iframe src="https://player.bilibili.com/player.html?bvid=BV1xx"' in html
    assert "sandbox=" in html
    assert "<p>甜</p>" in html
    assert 'alert("x")' not in html and "onerror" not in html


def test_an_unknown_video_site_is_a_link_not_a_frame(store_a, client_a):
    with schema_context(store_a.schema_name):
        product = make_product(title="茶", video_url="https://example.com/watch?v=1")
    _, html = page(client_a, f"/products/{product.pk}/")
    assert "<iframe" not in html
    assert 'href="https://example.com/watch?v=1" target="_blank" rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    "video_url, video_file, expected",
    [
        (
            "https://cdn.example.com/clips/strawberry.mp4",
            "",
            '<video controls playsinline preload="metadata" '
            'src="https://cdn.example.com/clips/strawberry.mp4"',
        ),
        ("", "videos/strawberry.mp4", '<video controls playsinline preload="metadata" src="/media/'),
        ("javascript:alert(1)", "", None),
    ],
)
def test_product_video_is_played_inline_or_left_out(store_a, client_a, video_url, video_file, expected):
    with schema_context(store_a.schema_name):
        product = make_product(title="视频商品")
        Product.objects.filter(pk=product.pk).update(video_url=video_url, video_file=video_file)
    _, html = page(client_a, f"/products/{product.pk}/")
    if expected:
        assert expected in html
    else:
        assert "javascript:" not in html and "pd-video" not in html


def test_shared_link_previews_with_image_title_and_price(store_a, client_a):
    with schema_context(store_a.schema_name):
        product = make_product(
            title="丹东99草莓礼盒",
            share_copy="冬天的第一口甜，产地直发",
            skus=[{"price": "88.00"}],
            images=2,
        )
        image_url = product.main_image.image.url

    _, html = page(client_a, f"/products/{product.pk}/")

    host = f"http://{store_a.host}"
    assert meta(html, "property", "og:title") == "丹东99草莓礼盒"
    assert meta(html, "property", "og:description") == "冬天的第一口甜，产地直发"
    assert meta(html, "property", "og:image") == host + image_url
    assert meta(html, "property", "og:url") == f"{host}/products/{product.pk}/"
    assert meta(html, "property", "product:price:amount") == "88.00"
    assert meta(html, "property", "product:price:currency") == "CNY"
    assert meta(html, "itemprop", "name") == "丹东99草莓礼盒 ¥88.00"
    assert meta(html, "itemprop", "image") == host + image_url
    labels = embedded_json(html, "sku-labels")
    assert labels["share_text"] == "冬天的第一口甜，产地直发"
    assert labels["share_url"] == f"{host}/products/{product.pk}/"
    assert html.count("data-share") >= 2  # a share button in the page and in the bottom bar


# ---------------------------------------------------------------------------------------------
# Categories and home
# ---------------------------------------------------------------------------------------------


def test_category_browser_shows_two_levels_and_hides_invisible_ones(store_a, client_a):
    with schema_context(store_a.schema_name):
        fruit = CategoryFactory(name="新鲜水果", icon="🍎")
        CategoryFactory(name="热带水果", parent=fruit)
        CategoryFactory(name="隐藏子类", parent=fruit, is_visible=False)
        CategoryFactory(name="隐藏大类", is_visible=False)

    _, html = page(client_a, "/categories/")

    assert "新鲜水果" in html and "热带水果" in html
    assert "隐藏子类" not in html and "隐藏大类" not in html


def _category_tiles(html: str) -> dict[int, str]:
    """What each category tile of a grid shows in its round icon, by category id."""
    return {
        int(pk): icon
        for pk, icon in re.findall(r'<a href="/categories/(\d+)/"><div class="icon">(.*?)</div>', html, re.S)
    }


def test_a_category_shows_its_picture_its_own_text_or_a_default_svg_icon(store_a, client_a):
    with schema_context(store_a.schema_name):
        gifts = categories.create_category(
            actor=None,
            data=CategoryInput(name="礼盒", image=image_file("gift.png", size=(120, 120), fmt="PNG")),
        )
        tea = categories.create_category(actor=None, data=CategoryInput(name="茶叶", icon="茶"))
        plain = categories.create_category(actor=None, data=CategoryInput(name="杂货"))
        green = categories.create_category(actor=None, data=CategoryInput(name="绿茶", parent=tea))
        dried = categories.create_category(actor=None, data=CategoryInput(name="果干", parent=plain))

    _, home = page(client_a, "/")
    tiles = _category_tiles(home.split('class="cat-grid"')[1])
    assert re.fullmatch(
        r'<img src="/media/[^"]+/categories/[^"]+" alt="" width="112" height="112"[^>]*>', tiles[gifts.pk]
    )
    assert tiles[tea.pk] == '<span class="icon-text" aria-hidden="true">茶</span>'
    assert tiles[plain.pk].startswith("<svg") and 'aria-hidden="true"' in tiles[plain.pk]

    _, browser = page(client_a, "/categories/")
    tiles = _category_tiles(browser)
    assert tiles[green.pk] == '<span class="icon-text" aria-hidden="true">茶</span>'  # its parent's text
    assert tiles[dried.pk].startswith("<svg")


def _pictures(html: str) -> list[str]:
    return re.findall(r'<img class="img" [^>]*>', html)


def test_home_loads_the_first_screens_pictures_eagerly_and_the_rest_lazily(store_a, client_a):
    with schema_context(store_a.schema_name):
        categories.create_category(
            actor=None,
            data=CategoryInput(name="首屏分类", image=image_file("fruit.png", size=(120, 120), fmt="PNG")),
        )
        for n in range(6):
            make_product(title=f"首屏商品 {n}", sales_count=100 - n, images=1)

    _, html = page(client_a, "/")

    hot = _pictures(html.split("section-hot_products")[1].split("</section>")[0])
    new = _pictures(html.split("section-new_arrivals")[1].split("</section>")[0])
    assert len(hot) == len(new) == 6
    assert all('width="' in img and 'height="' in img for img in hot + new)  # no jump when they arrive
    # fresh shows banner, categories, then the hot shelf: its first two rows are on the first screen
    assert ['loading="eager"' in img for img in hot] == [True] * 4 + [False] * 2
    assert 'fetchpriority="high"' in hot[0] and not any("fetchpriority" in img for img in hot[1:] + new)
    assert all('loading="lazy"' in img for img in hot[4:] + new)
    category_grid = html.split('class="cat-grid"')[1].split("</section>")[0]
    assert 'loading="eager"' in category_grid


def test_a_listing_loads_its_first_cards_eagerly_but_not_the_next_page(store_a, client_a):
    with schema_context(store_a.schema_name):
        for n in range(22):
            make_product(title=f"列表商品 {n}", sales_count=100 - n, images=1)

    _, first = page(client_a, "/search/?sort=sales")
    assert ['loading="eager"' in img for img in _pictures(first)] == [True] * 4 + [False] * 16
    _, more = page(client_a, "/search/?sort=sales&page=2", HTTP_HX_REQUEST="true")
    assert _pictures(more) and all('loading="lazy"' in img for img in _pictures(more))


def test_empty_store_shows_intentional_empty_states(client_a):
    _, home = page(client_a, "/")
    assert "New products are on their way." in home
    _, categories = page(client_a, "/categories/")
    assert "No categories yet" in categories
    _, search = page(client_a, "/search/")
    assert "No products yet" in search


def test_home_shows_hot_products_by_sales_and_new_arrivals_by_publication(store_a, client_a):
    now = timezone.now()
    with schema_context(store_a.schema_name):
        CategoryFactory(name="首页分类")
        hot = make_product(title="爆款", sales_count=999, published_at=now - timezone.timedelta(days=30))
        fresh = make_product(title="新品", sales_count=0, published_at=now)

    _, html = page(client_a, "/")

    assert "首页分类" in html
    # The fresh template shows "hot" before "new": each shelf in its own order.
    hot_section = html.split("section-hot_products")[1].split("</section>")[0]
    new_section = html.split("section-new_arrivals")[1].split("</section>")[0]
    assert product_ids(hot_section) == [hot.pk, fresh.pk]
    assert product_ids(new_section) == [fresh.pk, hot.pk]


@pytest.mark.parametrize("template_code", ["fresh", "urban", "classic", "baby"])
def test_home_is_built_from_each_shipped_templates_sections(store_a, client_a, template_code):
    from tenants.hosts import forget_store_hosts
    from tenants.models import StoreTemplate

    template = StoreTemplate.objects.get(code=template_code)
    store_a.template = template
    store_a.save(update_fields=["template"])
    forget_store_hosts(store_a)
    with schema_context(store_a.schema_name):
        CategoryFactory(name="模板分类")
        product = make_product(title="模板商品")

    response, html = page(client_a, "/")

    assert response.status_code == 200
    assert f"template-{template_code}" in html
    for section in template.home_sections:
        assert f"section-{section['type']}" in html
        assert section["title"] in html
    assert "模板分类" in html
    assert product.pk in product_ids(html)


# ---------------------------------------------------------------------------------------------
# Query counts: constant in the number of products and SKUs
# ---------------------------------------------------------------------------------------------


def _catalogue(count: int) -> dict:
    fruit = CategoryFactory(name=f"水果{count}")
    sub = CategoryFactory(name=f"浆果{count}", parent=fruit)
    CategoryFactory(name=f"茶{count}")
    brand = BrandFactory(name=f"果园{count}")
    made = [
        make_product(
            title=f"草莓礼盒{i}",
            category=sub,
            brand=brand,
            tags=["草莓", "礼盒"],
            images=2,
            skus=[
                {"spec_values": [size], "price": f"{10 + i}.00", "stock": i % 3} for size in ("S", "M", "L")
            ],
        )
        for i in range(count)
    ]
    return {"category": fruit, "product": made[-1]}


def _queries(client, url) -> int:
    client.get(url)  # warm the host → store cache
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    connection.set_schema_to_public()
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(
    "url, pinned",
    [
        # Each count includes the request's one `SET search_path` (the store's schema).
        ("/", 4),  # hot products, new arrivals, top categories
        ("/categories/", 3),  # top categories, their children
        ("/categories/{category}/", 5),  # category, its children, count, page
        ("/search/?q=草莓&sort=relevance", 6),  # category tree (2), brands, count, page
        ("/search/?q=礼盒&sort=price_desc&brand={brand}", 6),
        ("/products/{product}/", 4),  # product with brand/category/main image, images, SKUs
    ],
)
def test_storefront_pages_run_a_constant_number_of_queries(store_a, client_a, url, pinned):
    counts = []
    for size in (3, 30):
        with schema_context(store_a.schema_name):
            data = _catalogue(size)
            target = url.format(
                category=data["category"].pk, product=data["product"].pk, brand=data["product"].brand_id
            )
        counts.append(_queries(client_a, target))
    assert counts == [pinned, pinned]


# ---------------------------------------------------------------------------------------------
# Isolation between stores
# ---------------------------------------------------------------------------------------------


def test_another_stores_products_never_show_on_this_store(store_a, store_b, client_a, client_b):
    with schema_context(store_b.schema_name):
        theirs = make_product(pk=910001, title="B店榴莲", tags=["榴莲"], images=1)
        same_id_b = make_product(pk=910002, title="B店同号商品")
    with schema_context(store_a.schema_name):
        ours = make_product(title="A店苹果")
        same_id_a = make_product(pk=910002, title="A店同号商品")
        assert not Product.objects.filter(pk=theirs.pk).exists()

    for url in ("/", "/search/", "/search/?q=榴莲", "/search/?q=b店"):
        _, html = page(client_a, url)
        assert "B店榴莲" not in html and "B店同号商品" not in html, url
        assert theirs.pk not in product_ids(html), url

    response, html = page(client_a, f"/products/{theirs.pk}/")
    assert response.status_code == 404
    assert "B店榴莲" not in html

    _, html = page(client_a, f"/products/{same_id_a.pk}/")  # the same id in both stores
    assert "A店同号商品" in html and "B店同号商品" not in html
    _, html = page(client_b, f"/products/{same_id_b.pk}/")
    assert "B店同号商品" in html and "A店同号商品" not in html

    response, html = page(client_b, f"/products/{ours.pk}/")
    assert "A店苹果" not in html


def test_money_on_the_page_is_the_skus_decimal_price(store_a, client_a):
    with schema_context(store_a.schema_name):
        product = make_product(title="称重水果", skus=[{"price": Decimal("0.10")}])
    _, html = page(client_a, f"/products/{product.pk}/")
    assert embedded_json(html, "sku-matrix")["skus"][0]["price"] == "0.10"
