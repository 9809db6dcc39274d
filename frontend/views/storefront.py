"""The storefront (/ on a store host), rendered in the store's template: home, category browser,
category listing, search and product detail.

Views parse the query string, call one selector and render. Nothing here fetches per product: every
page runs a fixed number of queries (pinned in tests/shop/test_storefront.py).
"""

from urllib.parse import urlsplit

from django import forms
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator
from django.shortcuts import render
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from frontend.fields import IdField, MoneyField
from shop.selectors import storefront as selectors
from shop.services.catalog import sanitize_description
from tenants.errors import NotFound

PAGE_SIZE = 20
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


class ProductFilterForm(forms.Form):
    """The query string of a listing. An invalid value is dropped (that filter is ignored), never a 500."""

    q = forms.CharField(required=False, max_length=100)
    category = IdField(required=False)
    brand = IdField(required=False)
    price_min = MoneyField(required=False, validators=[MinValueValidator(0)])
    price_max = MoneyField(required=False, validators=[MinValueValidator(0)])
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in selectors.SORTS])

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            # An over-long query is cut, not dropped: the buyer still searches for what they typed.
            "q": (data.get("q") or str(self.data.get("q", ""))[:100]).strip(),
            "category": data.get("category"),
            "brand": data.get("brand"),
            "price_min": data.get("price_min"),
            "price_max": data.get("price_max"),
            "sort": data.get("sort") or "relevance",
        }


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
    filters = ProductFilterForm(request.GET).filters()
    products = selectors.storefront_products(category=current, sort=filters["sort"])
    context = {
        "category": current,
        "top": top,
        "subcategories": selectors.visible_children(top),
        "sort": filters["sort"],
        "sorts": _sort_choices(has_query=False),
        "tab": "categories",
    }
    return _listing(request, "storefront/category.html", context, products)


@require_GET
def search(request):
    form = ProductFilterForm(request.GET)
    filters = form.filters()
    products = selectors.storefront_products(**filters)
    tree = selectors.category_tree()
    brands = list(selectors.brands_for_filter())
    context = {
        "q": filters["q"],
        "filters": filters,
        "sort": filters["sort"],
        "sorts": _sort_choices(has_query=bool(filters["q"])),
        "tree": tree,
        "brands": brands,
        "filtering": any(filters[k] is not None for k in ("category", "brand", "price_min", "price_max")),
    }
    return _listing(request, "storefront/search.html", context, products)


@require_GET
def product(request, pk):
    try:
        item = selectors.product_detail(pk)
    except NotFound:
        return _not_found(request, _("This product is no longer available."))
    skus = item.active_skus
    prices = [sku.price for sku in skus] or [item.min_price]
    cheapest = min(skus, key=lambda sku: sku.price) if skus else None
    original = (
        cheapest.original_price if cheapest and (cheapest.original_price or 0) > cheapest.price else None
    )
    stock = sum(max(sku.stock, 0) for sku in skus)
    gallery = sorted(item.images.all(), key=lambda image: image.pk != item.main_image_id)
    share_image = item.main_image or (gallery[0] if gallery else None)
    page_url = request.build_absolute_uri()
    share_text = item.share_copy or item.subtitle or item.title
    currency_symbol = request.tenant.currency_symbol
    return _render(
        request,
        "storefront/product.html",
        {
            "product": item,
            "gallery": gallery,
            "skus": skus,
            "sku_matrix": selectors.sku_matrix(item),
            "price_low": min(prices),
            "price_high": max(prices),
            "original_price": original,
            "stock": stock,
            "sold_out": stock <= 0,
            "video": _video(item),
            "description": _description_html(item.description),
            "share_text": share_text,
            "share_image_url": request.build_absolute_uri(share_image.image.url) if share_image else "",
            "page_url": page_url,
            "js_labels": {
                "in_stock": _("In stock: %(n)s"),
                "sold_out": _("Sold out"),
                "choose": _("Choose %(spec)s"),
                "copied": _("Link copied — paste it into a chat"),
                "copy_failed": _("Copy this link:"),
                "symbol": currency_symbol,
                "share_url": page_url,
                "share_title": item.title,
                "share_text": share_text,
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
        shown.append(section)
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


@require_GET
def account(request):
    """The "Me" tab. Buyer sign-in and orders arrive with checkout; until then it gathers what a
    visitor can already do: follow orders (none yet), earn as a distributor, choose the language."""
    return _render(request, "storefront/account.html", {"tab": "account"})
