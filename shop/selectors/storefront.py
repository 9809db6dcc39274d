"""What a buyer sees: the reads behind the storefront pages (and, later, the buyer API).

Only on-sale products ever leave these functions. Every read runs a fixed number of queries whatever
the number of products and SKUs: lists join what a card shows (`select_related`), the detail page
prefetches its images and SKUs, and nothing is fetched per item afterwards.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When

from shop.models import SKU, Brand, Category, Product, ProductImage
from tenants.errors import NotFound

SORTS = ("relevance", "sales", "price_asc", "price_desc", "newest")
HOME_SHELF_SIZE = 6
# Query terms beyond this are ignored: a pasted paragraph must not become a 50-way AND.
MAX_SEARCH_TERMS = 5


@dataclass
class StorefrontHome:
    hot_products: list[Product] = field(default_factory=list)
    new_products: list[Product] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)


def on_sale_products() -> QuerySet[Product]:
    """On-sale products with what a product card shows (main image, brand) joined in."""
    return (
        Product.objects.filter(status=Product.Status.ON_SALE)
        .select_related("main_image", "brand")
        .defer("description", "share_copy", "specs", "search_document")
    )


def visible_top_categories() -> QuerySet[Category]:
    return Category.objects.filter(parent__isnull=True, is_visible=True)


def category_tree() -> list[Category]:
    """Visible top categories, each with its visible children prefetched (two queries)."""
    children = Category.objects.filter(is_visible=True)
    return list(
        visible_top_categories().prefetch_related(
            Prefetch("children", queryset=children, to_attr="visible_children")
        )
    )


def visible_children(category: Category) -> list[Category]:
    return list(Category.objects.filter(parent=category, is_visible=True))


def visible_category(pk) -> Category:
    """A category a buyer may open: visible, and under a visible parent. NotFound otherwise."""
    category = (
        Category.objects.filter(pk=pk, is_visible=True)
        .filter(Q(parent__isnull=True) | Q(parent__is_visible=True))
        .select_related("parent")
        .first()
    )
    if category is None:
        raise NotFound("This category does not exist.")
    return category


def storefront_home(store) -> StorefrontHome:
    """What the home sections of the store's template need; sections the template lacks cost nothing."""
    sections = {s.get("type") for s in (store.template.home_sections if store.template_id else [])}
    home = StorefrontHome()
    if "hot_products" in sections:
        home.hot_products = list(storefront_products(sort="sales")[:HOME_SHELF_SIZE])
    if "new_arrivals" in sections:
        home.new_products = list(storefront_products(sort="newest")[:HOME_SHELF_SIZE])
    if "category_grid" in sections:
        home.categories = list(visible_top_categories())
    return home


def search_terms(q: str) -> list[str]:
    """Lower-cased whitespace-separated terms, as the search document is stored lower-cased."""
    return (q or "").lower().split()[:MAX_SEARCH_TERMS]


def storefront_products(
    *,
    category: Category | int | None = None,
    brand: Brand | int | None = None,
    q: str = "",
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    sort: str = "relevance",
) -> QuerySet[Product]:
    """On-sale products matching the filters, in the chosen order.

    Keyword search: every term must occur as a substring of the search document (title, subtitle,
    brand and tags, lower-cased). `LIKE '%term%'` is served by the trigram GIN index and, unlike word
    matching, finds Chinese text inside a longer run ("草莓" in "丹东99草莓礼盒"). Relevance puts
    products whose title holds the terms first, then trigram word similarity (which ranks Latin-script
    words and near-exact matches), then sales.

    A category filter on a top category includes its sub-categories. The price range is applied to the
    product's listed ("from") price, the one the buyer sees on the card. Sold-out products stay listed.
    """
    qs = on_sale_products()
    if category is not None:
        category_id = getattr(category, "pk", category)
        qs = qs.filter(Q(category_id=category_id) | Q(category__parent_id=category_id))
    if brand is not None:
        qs = qs.filter(brand_id=getattr(brand, "pk", brand))
    if price_min is not None:
        qs = qs.filter(min_price__gte=price_min)
    if price_max is not None:
        qs = qs.filter(min_price__lte=price_max)
    terms = search_terms(q)
    for term in terms:
        qs = qs.filter(search_document__contains=term)
    if sort not in SORTS:
        sort = "relevance"
    if sort == "relevance" and terms:
        phrase = " ".join(terms)
        title_hits = sum(
            (Case(When(title__icontains=term, then=Value(1)), default=Value(0)) for term in terms),
            Value(0),
        )
        qs = qs.annotate(
            title_hits=title_hits,
            similarity=TrigramWordSimilarity(phrase, "search_document"),
        ).order_by(
            "-title_hits", "-similarity", "-sales_count", F("published_at").desc(nulls_last=True), "-id"
        )
    elif sort == "price_asc":
        qs = qs.order_by("min_price", "-sales_count", "-id")
    elif sort == "price_desc":
        qs = qs.order_by("-min_price", "-sales_count", "-id")
    elif sort == "newest":
        qs = qs.order_by(F("published_at").desc(nulls_last=True), "-id")
    else:  # "sales", and relevance without keywords: best sellers first
        qs = qs.order_by("-sales_count", F("published_at").desc(nulls_last=True), "-id")
    return qs


def product_detail(pk) -> Product:
    """An on-sale product with its gallery and active SKUs prefetched. NotFound for anything else —
    drafts, off-sale products and other stores' ids look exactly like a product that never existed."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("This product is no longer available.") from None
    product = (
        Product.objects.filter(pk=pk, status=Product.Status.ON_SALE)
        .select_related("main_image", "brand", "category", "category__parent")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("sort_order", "id")),
            Prefetch(
                "skus", queryset=SKU.objects.filter(is_active=True).order_by("id"), to_attr="active_skus"
            ),
        )
        .first()
    )
    if product is None:
        raise NotFound("This product is no longer available.")
    return product


def brands_for_filter() -> QuerySet[Brand]:
    """Brands that have at least one on-sale product (one query)."""
    return (
        Brand.objects.filter(products__status=Product.Status.ON_SALE)
        .distinct()
        .order_by("sort_order", "name")
    )


def sku_matrix(product: Product) -> dict:
    """The spec selector's data for a product from `product_detail`: its specs and, per active SKU, the
    chosen values, price, original price and stock. Plain JSON types (money as strings)."""
    specs = [
        {"name": str(spec.get("name", "")), "values": [str(v) for v in spec.get("values", [])]}
        for spec in (product.specs or [])
        if isinstance(spec, dict)
    ]
    return {
        "specs": specs,
        "skus": [
            {
                "id": sku.pk,
                "values": [str(v) for v in (sku.spec_values or [])],
                "label": sku.spec_key,
                "price": str(sku.price),
                "original_price": str(sku.original_price)
                if sku.original_price and sku.original_price > sku.price
                else None,
                "stock": max(sku.stock, 0),
            }
            for sku in product.active_skus
        ],
    }
