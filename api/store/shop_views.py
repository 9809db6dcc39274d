"""The storefront over the API (/api/v1/shop/ on a store host): what any visitor may read — on-sale
products, their pages and the category tree — for a mini-program or app client. The same selectors as
the storefront pages; only on-sale products and visible categories ever leave them."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.response import Response

from api.base import PublicStoreViewSet
from api.store.catalog_serializers import ProductImageSerializer
from shop.selectors import storefront as selectors
from shop.selectors.storefront import SORTS, StorefrontFilters


def _url(file) -> str | None:
    return file.url if file else None


class ShopProductSerializer(serializers.Serializer):
    """A product card."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    brand = serializers.CharField(source="brand.name", default=None, allow_null=True)
    min_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    max_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    sold_out = serializers.BooleanField(source="is_sold_out")
    sales_count = serializers.IntegerField()
    thumbnail = serializers.SerializerMethodField()

    def get_thumbnail(self, product) -> str | None:
        image = product.main_image
        return _url(image.thumbnail or image.image) if image else None


class ShopSkuSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    spec_values = serializers.ListField(child=serializers.CharField())
    label = serializers.CharField(source="spec_key")
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    original_price = serializers.SerializerMethodField()
    stock = serializers.SerializerMethodField()

    def get_original_price(self, sku) -> str | None:
        return str(sku.original_price) if sku.original_price and sku.original_price > sku.price else None

    def get_stock(self, sku) -> int:
        return max(sku.stock, 0)


class ShopSpecSerializer(serializers.Serializer):
    name = serializers.CharField()
    values = serializers.ListField(child=serializers.CharField())


class ShopProductPageSerializer(serializers.Serializer):
    """A product page: what the storefront's product page shows."""

    id = serializers.IntegerField(source="product.id")
    title = serializers.CharField(source="product.title")
    subtitle = serializers.CharField(source="product.subtitle")
    description = serializers.CharField(source="product.description", help_text="sanitised HTML")
    share_text = serializers.CharField()
    price_low = serializers.DecimalField(max_digits=12, decimal_places=2)
    price_high = serializers.DecimalField(max_digits=12, decimal_places=2)
    original_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    stock = serializers.IntegerField()
    sold_out = serializers.BooleanField()
    gallery = ProductImageSerializer(many=True)
    specs = serializers.SerializerMethodField()
    skus = ShopSkuSerializer(many=True)

    @staticmethod
    def get_specs(view) -> list[dict]:
        return ShopSpecSerializer(view.sku_matrix["specs"], many=True).data


class ShopCategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    image = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()

    def get_image(self, category) -> str | None:
        return _url(category.image)

    def get_children(self, category) -> list[dict]:
        children = getattr(category, "visible_children", [])
        return [{"id": c.pk, "name": c.name, "image": _url(c.image)} for c in children]


PRODUCT_FILTERS = [
    OpenApiParameter("q", str, description="keywords (Chinese substrings match)"),
    OpenApiParameter("category", int, description="a category id (a top category includes its children)"),
    OpenApiParameter("brand", int),
    OpenApiParameter("price_min", str, description="e.g. 10.00"),
    OpenApiParameter("price_max", str),
    OpenApiParameter("sort", str, enum=list(SORTS)),
]


@extend_schema_view(
    list=extend_schema(parameters=PRODUCT_FILTERS),
    retrieve=extend_schema(responses=ShopProductPageSerializer),
)
class ShopProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicStoreViewSet):
    """On-sale products of this store, filtered and sorted like the storefront's search."""

    serializer_class = ShopProductSerializer
    lookup_value_regex = "[0-9]+"

    def get_store_queryset(self):
        return StorefrontFilters.parse(self.request.query_params).products()

    def retrieve(self, request, pk=None):
        self.store  # noqa: B018 - fails closed off a store host
        return Response(ShopProductPageSerializer(selectors.product_page(pk)).data)


class ShopCategoryViewSet(PublicStoreViewSet):
    """The visible category tree."""

    serializer_class = ShopCategorySerializer
    pagination_class = None

    def get_store_queryset(self):
        return selectors.category_tree()

    @extend_schema(responses=ShopCategorySerializer(many=True))
    def list(self, request):
        return Response(ShopCategorySerializer(self.get_queryset(), many=True).data)
