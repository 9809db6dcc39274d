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
from tenants.inputs import filter_text, id_or_none
from tenants.money import MoneyError, parse_amount

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


@dataclass(frozen=True)
class StorefrontFilters:
    """The query string of a storefront listing (the pages and the buyer API): q, category, brand,
    price_min, price_max, sort. An unreadable value is dropped (that filter is ignored), never an error;
    an over-long query is cut, not dropped: the buyer still searches for what they typed."""

    q: str = ""
    category: int | None = None
    brand: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    sort: str = "relevance"

    @classmethod
    def parse(cls, params) -> "StorefrontFilters":
        sort = params.get("sort", "")
        return cls(
            q=filter_text(params.get("q"), limit=100),
            category=id_or_none(params.get("category")),
            brand=id_or_none(params.get("brand")),
            price_min=_price(params.get("price_min")),
            price_max=_price(params.get("price_max")),
            sort=sort if sort in SORTS else "relevance",
        )

    @property
    def filtering(self) -> bool:
        """Narrowed beyond the keywords (the search page shows a "clear filters" link)."""
        return any(v is not None for v in (self.category, self.brand, self.price_min, self.price_max))

    def products(self, *, category: Category | None = None) -> QuerySet[Product]:
        return storefront_products(
            category=category if category is not None else self.category,
            brand=self.brand,
            q=self.q,
            price_min=self.price_min,
            price_max=self.price_max,
            sort=self.sort,
        )


def _price(value) -> Decimal | None:
    try:
        amount = parse_amount(str(value or "").strip()) if str(value or "").strip() else None
    except MoneyError:
        return None
    return amount if amount is not None and amount >= 0 else None


@dataclass
class ProductPage:
    """Everything the product page shows, worked out once for the page and the buyer API: the gallery
    (main picture first), the active SKUs and the spec picker's data, the price range, the crossed-out
    price (the cheapest SKU's original price when above its price) and whether it is sold out."""

    product: Product
    gallery: list[ProductImage]
    skus: list[SKU]
    sku_matrix: dict
    price_low: Decimal
    price_high: Decimal
    original_price: Decimal | None
    stock: int
    share_text: str

    @property
    def sold_out(self) -> bool:
        return self.stock <= 0

    @property
    def share_image(self) -> ProductImage | None:
        return self.product.main_image or (self.gallery[0] if self.gallery else None)


def product_page(pk) -> ProductPage:
    """The on-sale product `pk` as its page shows it; NotFound for anything else."""
    item = product_detail(pk)
    skus = item.active_skus
    prices = [sku.price for sku in skus] or [item.min_price]
    cheapest = min(skus, key=lambda sku: sku.price) if skus else None
    original = (
        cheapest.original_price if cheapest and (cheapest.original_price or 0) > cheapest.price else None
    )
    return ProductPage(
        product=item,
        gallery=sorted(item.images.all(), key=lambda image: image.pk != item.main_image_id),
        skus=skus,
        sku_matrix=sku_matrix(item),
        price_low=min(prices),
        price_high=max(prices),
        original_price=original,
        stock=sum(max(sku.stock, 0) for sku in skus),
        share_text=item.share_copy or item.subtitle or item.title,
    )


def product_detail(pk) -> Product:
    """An on-sale product with its gallery and active SKUs prefetched. NotFound for anything else —
    drafts, off-sale products and other stores' ids look exactly like a product that never existed."""
    pk = pk if isinstance(pk, int) else id_or_none(pk)
    if pk is None:
        raise NotFound("This product is no longer available.")
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
