"""Reads for the merchant console. Query counts do not grow with the number of products or SKUs."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.models import SKU, Category, MerchantNotification, Product, ProductImage, StockMovement
from tenants.errors import NotFound
from tenants.inputs import filter_text, filter_value, id_or_none, parse_bool, parse_choice, parse_id

CONSOLE_SORTS = {
    "-created": gettext_lazy("newest first"),
    "created": gettext_lazy("oldest first"),
    "price": gettext_lazy("price low to high"),
    "-price": gettext_lazy("price high to low"),
    "stock": gettext_lazy("stock low to high"),
    "-stock": gettext_lazy("stock high to low"),
    "-sales": gettext_lazy("best selling"),
    "title": gettext_lazy("title"),
}
_ORDERING = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "price": ("min_price", "-id"),
    "-price": ("-max_price", "-id"),
    "stock": ("total_stock", "-id"),
    "-stock": ("-total_stock", "-id"),
    "-sales": ("-sales_count", "-id"),
    "title": ("title", "id"),
}


def _low_stock_skus_of_product():
    return SKU.objects.filter(
        product=OuterRef("pk"), is_active=True, low_stock_threshold__gt=0, stock__lte=F("low_stock_threshold")
    )


def _total_stock():
    """The stock of a product's active SKUs, summed where it is shown (the product row does not keep
    it: a sale would have to write it)."""
    total = (
        SKU.objects.filter(product=OuterRef("pk"), is_active=True)
        .order_by()
        .values("product")
        .annotate(total=Sum("stock"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def _pk(value):
    value = getattr(value, "pk", value)
    return value if isinstance(value, int) and not isinstance(value, bool) else _id(value)


@dataclass(frozen=True)
class ProductFilters:
    """The console's and the API's product list filters: one parser for both faces (and the export,
    which takes the list's filters). Query parameters: search, status, category, brand, low_stock,
    sort. In the console an unreadable value is ignored (a filter link is not a form); the API parses
    `strict`ly, answering a 400 that names the parameter."""

    search: str = ""
    status: str = ""
    category: int | None = None
    brand: int | None = None
    low_stock_only: bool = False
    sort: str = "-created"

    @classmethod
    def parse(cls, params, *, strict: bool = False) -> "ProductFilters":
        def read(parser, name, default, **options):
            return filter_value(params, name, parser, default, strict=strict, **options)

        return cls(
            search=filter_text(params.get("search"), limit=100),
            status=read(parse_choice, "status", "", choices=Product.Status.values),
            category=read(parse_id, "category", None),
            brand=read(parse_id, "brand", None),
            low_stock_only=read(parse_bool, "low_stock", False),
            sort=read(parse_choice, "sort", "-created", choices=list(CONSOLE_SORTS)),
        )

    @property
    def active(self) -> bool:
        return bool(self.search or self.status or self.category or self.brand or self.low_stock_only)

    def products(self) -> QuerySet[Product]:
        return console_products(
            search=self.search,
            status=self.status,
            category=self.category,
            brand=self.brand,
            low_stock_only=self.low_stock_only,
            sort=self.sort,
        )


def _id(value) -> int | None:
    return id_or_none(value)


def console_products(
    *,
    search: str = "",
    status: str = "",
    category: Category | int | None = None,
    brand: int | None = None,
    low_stock_only: bool = False,
    sort: str = "-created",
) -> QuerySet[Product]:
    """Products for the console list, with category, brand, main_image selected and skus prefetched
    (`product.skus.all()` costs no query). `category` may be a top category (includes its
    sub-categories). Unknown sort keys fall back to newest first. Each product is annotated with
    `has_low_stock` and `total_stock` (the stock of its active SKUs). A search matches title,
    subtitle, brand and tags (trigram index), the product code, or a SKU's barcode."""
    products = (
        Product.objects.select_related("category", "category__parent", "brand", "main_image")
        .prefetch_related(Prefetch("skus", queryset=SKU.objects.order_by("id")))
        .annotate(has_low_stock=Exists(_low_stock_skus_of_product()), total_stock=_total_stock())
    )
    term = (search or "").strip()
    if term:
        products = products.filter(
            Q(search_document__contains=term.lower())
            | Q(code__iexact=term)
            | Q(pk__in=SKU.objects.filter(barcode=term).values("product_id"))
        )
    if status in Product.Status.values:
        products = products.filter(status=status)
    category_id = _pk(category)
    if category_id:
        products = products.filter(Q(category_id=category_id) | Q(category__parent_id=category_id))
    brand_id = _pk(brand)
    if brand_id:
        products = products.filter(brand_id=brand_id)
    if low_stock_only:
        products = products.filter(has_low_stock=True)
    return products.order_by(*_ORDERING.get(sort, _ORDERING["-created"]))


def product_for_edit(*, pk: int) -> Product:
    """One product with category, brand, skus and images, annotated with `total_stock`; NotFound when
    missing."""
    product = (
        Product.objects.select_related("category", "brand", "main_image")
        .annotate(total_stock=_total_stock())
        .prefetch_related(
            Prefetch("skus", queryset=SKU.objects.order_by("id")),
            Prefetch("images", queryset=ProductImage.objects.order_by("sort_order", "id")),
        )
        .filter(pk=_pk(pk))
        .first()
    )
    if product is None:
        raise NotFound(_("This product does not exist."))
    return product


def sku_movements(*, sku: SKU | int) -> QuerySet[StockMovement]:
    """Movement history of a SKU, newest first, actor selected."""
    return (
        StockMovement.objects.filter(sku_id=_pk(sku)).select_related("actor").order_by("-created_at", "-id")
    )


def category_tree() -> list[Category]:
    """Top categories in order, each with `.children.all()` prefetched (ordered) and `.product_count`
    annotated on parents and children (a parent's count is its own products only)."""
    children = Category.objects.annotate(product_count=Count("products")).order_by("sort_order", "id")
    return list(
        Category.objects.filter(parent__isnull=True)
        .annotate(product_count=Count("products"))
        .prefetch_related(Prefetch("children", queryset=children))
        .order_by("sort_order", "id")
    )


def category_choices() -> list[tuple[int, str]]:
    """(id, "Top" or "Top / Sub") for select boxes, in tree order."""
    choices = []
    for top in category_tree():
        choices.append((top.pk, top.name))
        choices.extend((child.pk, f"{top.name} / {child.name}") for child in top.children.all())
    return choices


def low_stock_skus() -> QuerySet[SKU]:
    """Active SKUs at or below their (non-zero) low-stock threshold, product selected, lowest first."""
    return (
        SKU.objects.filter(is_active=True, low_stock_threshold__gt=0, stock__lte=F("low_stock_threshold"))
        .select_related("product")
        .order_by("stock", "id")
    )


def merchant_notifications(*, unread_only: bool = False) -> QuerySet[MerchantNotification]:
    notifications = MerchantNotification.objects.order_by("-created_at", "-id")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def unread_notification_count() -> int:
    return MerchantNotification.objects.filter(read_at__isnull=True).count()


def product_count() -> int:
    """Products in the catalogue, as the plan's "products" limit counts them."""
    return Product.objects.count()
