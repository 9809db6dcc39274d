"""The storefront (/ on a store host), rendered in the store's template: home, category browser,
category listing, search and product detail.

Views parse the query string, call one selector and render. Nothing here fetches per product: every
page runs a fixed number of queries (pinned in tests/shop/storefront/test_catalog_pages.py).
"""

from urllib.parse import urlsplit

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from shop.selectors import storefront as selectors
from shop.services.product_input import sanitize_description
from tenants.errors import NotFound
from tenants.links import store_url

PAGE_SIZE = 20
# Product cards a phone's first screen shows (two rows of two): their pictures load eagerly, the rest
# lazily. A lazy picture does not hold up the page's load event, so above the fold it shows blank
# until the browser gets round to it — in a screenshot, or on a slow phone.
ABOVE_THE_FOLD_CARDS = 4
SORT_LABELS = {
    "relevance": gettext_lazy("Featured"),
    "sales": gettext_lazy("Sales"),
    "price_asc": gettext_lazy("Price ↑"),
    "price_desc": gettext_lazy("Price ↓"),
    "newest": gettext_lazy("Newest"),
}
# Video pages a product may embed in an <iframe>: the players of the big Chinese and global video
# sites. Any other URL is shown as a plain link (never framed: it could be anything).
EMBEDDABLE_VIDEO_PREFIXES = (
    "https://player.bilibili.com/player.html",
    "https://v.qq.com/txp/iframe/",
    "https://player.youku.com/embed/",
    "https://www.youtube.com/embed/",
    "https://www.youtube-nocookie.com/embed/",
    "https://player.vimeo.com/video/",
)
VIDEO_FILE_SUFFIXES = (".mp4", ".webm", ".ogg", ".ogv", ".mov", ".m4v")


def _render(request, template, context, status=200):
    context.setdefault("currency_symbol", request.tenant.currency_symbol)
    return render(request, template, context, status=status)


def _page(request, queryset):
    """The requested page of a product listing. An HTMX "load more" request gets just the next cards."""
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return page, paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


def _listing(request, template, context, products):
    page, page_range = _page(request, products)
    context.update({"page": page, "products": page.object_list, "page_range": page_range})
    if request.htmx and request.GET.get("page"):
        return _render(request, "storefront/_product_page.html", context)
    context["eager_cards"] = ABOVE_THE_FOLD_CARDS
    return _render(request, template, context)


@require_GET
def home(request):
    store = request.tenant
    sections = store.template.home_sections if store.template_id else []
    home = selectors.storefront_home(store)
    return _render(
        request,
        "storefront/home.html",
        {
            "sections": _home_sections(sections, home),
            "hot_products": home.hot_products,
            "new_products": home.new_products,
            "categories": home.categories,
            "page_url": store_url(store, "/", request=request),
            "tab": "home",
        },
    )


@require_GET
def categories(request):
    return _render(
        request, "storefront/categories.html", {"tree": selectors.category_tree(), "tab": "categories"}
    )


@require_GET
def category(request, pk):
    try:
        current = selectors.visible_category(pk)
    except NotFound:
        return _not_found(request, _("This category is no longer available."))
    top = current.parent or current
    filters = selectors.StorefrontFilters.parse(request.GET)
    products = selectors.storefront_products(category=current, sort=filters.sort)
    context = {
        "category": current,
        "top": top,
        "subcategories": selectors.visible_children(top),
        "sort": filters.sort,
        "sorts": _sort_choices(has_query=False),
        "tab": "categories",
    }
    return _listing(request, "storefront/category.html", context, products)


@require_GET
def search(request):
    filters = selectors.StorefrontFilters.parse(request.GET)
    context = {
        "q": filters.q,
        "filters": filters,
        "sort": filters.sort,
        "sorts": _sort_choices(has_query=bool(filters.q)),
        "tree": selectors.category_tree(),
        "brands": list(selectors.brands_for_filter()),
        "filtering": filters.filtering,
    }
    return _listing(request, "storefront/search.html", context, filters.products())


@require_GET
def product(request, pk):
    try:
        view = selectors.product_page(pk)
    except NotFound:
        return _not_found(request, _("This product is no longer available."))
    item = view.product
    page_url = store_url(request.tenant, request.get_full_path(), request=request)
    return _render(
        request,
        "storefront/product.html",
        {
            "product": item,
            "view": view,
            "gallery": view.gallery,
            "skus": view.skus,
            "sku_matrix": view.sku_matrix,
            "price_low": view.price_low,
            "price_high": view.price_high,
            "original_price": view.original_price,
            "stock": view.stock,
            "sold_out": view.sold_out,
            "video": _video(item),
            "description": _description_html(item.description),
            "share_text": view.share_text,
            "share_image_url": store_url(request.tenant, view.share_image.image.url, request=request)
            if view.share_image
            else "",
            "page_url": page_url,
            "js_labels": {
                "in_stock": _("In stock: %(n)s"),
                "sold_out": _("Sold out"),
                "choose": _("Choose %(spec)s"),
                "copied": _("Link copied — paste it into a chat"),
                "copy_failed": _("Copy this link:"),
                "symbol": request.tenant.currency_symbol,
                "share_url": page_url,
                "share_title": item.title,
                "share_text": view.share_text,
            },
        },
    )


def _home_sections(sections: list[dict], home) -> list[dict]:
    """The template's sections as they will show: an empty category grid is left out, and a store
    with nothing on its shelves yet shows one "coming soon" block instead of an empty block per shelf."""
    shelves = {"hot_products", "new_arrivals"}
    shown, shelves_empty, placed = [], not (home.hot_products or home.new_products), False
    for section in sections:
        kind = section.get("type")
        if kind == "category_grid" and not home.categories:
            continue
        if kind in shelves and shelves_empty:
            if placed:
                continue
            section, placed = {"type": "empty_shelves"}, True
        shown.append(dict(section))
    # The first screen: every section down to the first shelf, and that shelf's first cards.
    above_the_fold = True
    for section in shown:
        section["eager"] = above_the_fold
        if section["type"] in shelves:
            section["eager_cards"] = ABOVE_THE_FOLD_CARDS if above_the_fold else 0
            above_the_fold = False
    return shown


def _not_found(request, message):
    """A friendly 404 in the store's own look, with a way back. Never says whether a draft exists."""
    return _render(request, "storefront/unavailable.html", {"message": message}, status=404)


def _sort_choices(*, has_query: bool) -> list[tuple[str, str]]:
    labels = dict(SORT_LABELS)
    if has_query:
        labels["relevance"] = _("Relevance")
    return list(labels.items())


def _video(product) -> dict | None:
    """How to show the product's video: an uploaded file or a direct video URL in <video>, a known
    video site's player in a sandboxed <iframe>, anything else as a plain link."""
    if product.video_file:
        return {"kind": "file", "url": product.video_file.url}
    url = (product.video_url or "").strip()
    if not url or urlsplit(url).scheme not in ("http", "https"):
        return None
    if url.startswith(EMBEDDABLE_VIDEO_PREFIXES):
        return {"kind": "iframe", "url": url}
    if urlsplit(url).path.lower().endswith(VIDEO_FILE_SUFFIXES):
        return {"kind": "file", "url": url}
    return {"kind": "link", "url": url}


def _description_html(text: str) -> str:
    """The description is stored sanitised; it is cleaned again here, so a row written around the
    service (an import, a script) can never put script into a buyer's page. Plain text keeps its lines."""
    if not text:
        return ""
    if "<" not in text:
        return linebreaks(text, autoescape=True)
    return mark_safe(sanitize_description(text))
