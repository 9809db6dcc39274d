"""The catalogue API of a store: products (with their SKU matrix), categories, brands, SKU stock,
import and export. Each endpoint parses its input, calls one shop service and renders the result; the
services' domain errors become 4xx answers (api/exceptions.py)."""

import dataclasses

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.base import StoreViewSet, StoreWritable
from api.parsers import FormParser, JSONParser, MultiPartParser
from api.renderers import CSVRenderer, FileRefusalsInJSON, XLSXRenderer
from api.store.catalog_permissions import CatalogEditorOrReadOnly
from api.store.catalog_serializers import (
    BrandInputSerializer,
    BrandSerializer,
    BulkActionSerializer,
    BulkResultSerializer,
    CategoryInputSerializer,
    CategoryOrderSerializer,
    CategorySerializer,
    ImageOrderSerializer,
    ImageUploadSerializer,
    ImportInputSerializer,
    ImportRejectedSerializer,
    ImportResultSerializer,
    ProductDetailSerializer,
    ProductInputSerializer,
    ProductListSerializer,
    SKUSerializer,
    StockAdjustSerializer,
    StockMovementSerializer,
)
from shop.models import SKU, Brand, Category, Product
from shop.selectors import console as selectors
from shop.selectors.console import ProductFilters
from shop.services import brands, categories, importing, inventory, media, product_bulk, products
from shop.services.brands import BrandInput
from shop.services.categories import CategoryInput
from shop.services.product_input import ProductInput
from tenants.inputs import ID_MAX, parse_id

ID_PATTERN = "[0-9]+"
# An id in a query parameter, as tenants.inputs.parse_id reads it.
ID = {"type": "integer", "minimum": 1, "maximum": ID_MAX}


class CatalogViewSet(StoreViewSet):
    permission_classes = [CatalogEditorOrReadOnly, StoreWritable]
    lookup_value_regex = ID_PATTERN


# --- products ------------------------------------------------------------------------------------------

PRODUCT_FILTERS = [
    OpenApiParameter("search", str, description="Keyword: title, subtitle, brand, tags, code or barcode"),
    OpenApiParameter("status", str, enum=Product.Status.values),
    OpenApiParameter("category", ID, description="A category id (a top category includes its children)"),
    OpenApiParameter("brand", ID),
    OpenApiParameter("low_stock", bool, description="Only products with a SKU at or below its threshold"),
    OpenApiParameter("sort", str, enum=list(selectors.CONSOLE_SORTS)),
]


@extend_schema_view(
    list=extend_schema(parameters=PRODUCT_FILTERS),
    retrieve=extend_schema(responses=ProductDetailSerializer),
)
class ProductViewSet(FileRefusalsInJSON, mixins.ListModelMixin, mixins.RetrieveModelMixin, CatalogViewSet):
    """Products of this store with their SKUs. Everyone on the staff reads; owner, administrators and
    operations staff write. An update must carry the `version` it was based on: a stale one answers 409."""

    serializer_class = ProductListSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    file_actions = ("export",)

    def get_store_queryset(self):
        if self.action == "list":
            return ProductFilters.parse(self.request.query_params, strict=True).products()
        return selectors.console_products()

    def get_serializer_class(self):
        return ProductListSerializer if self.action == "list" else ProductDetailSerializer

    def get_object(self):
        self.store  # noqa: B018 - never off a store host
        product = selectors.product_for_edit(pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, product)
        return product

    def _detail(self, product, *, code=status.HTTP_200_OK):
        return Response(ProductDetailSerializer(selectors.product_for_edit(pk=product.pk)).data, status=code)

    @extend_schema(request=ProductInputSerializer, responses={201: ProductDetailSerializer})
    def create(self, request):
        serializer = ProductInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        product = products.save_product(store=self.store, actor=request.user, data=ProductInput.build(**data))
        return self._detail(product, code=status.HTTP_201_CREATED)

    @extend_schema(
        request=ProductInputSerializer,
        responses={200: ProductDetailSerializer, 409: OpenApiResponse(description="stale version")},
    )
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(
        request=ProductInputSerializer,
        responses={200: ProductDetailSerializer, 409: OpenApiResponse(description="stale version")},
    )
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool):
        product = self.get_object()
        serializer = ProductInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "version" not in data:
            raise ValidationError({"version": [_("Send the version of the product you are changing.")]})
        version = data.pop("version")
        # A PATCH starts from the product as it is (its SKUs without stock: leaving out `skus` never
        # touches the stock, which orders keep changing).
        data_in = (
            ProductInput.of_product(product).with_changes(**data) if partial else ProductInput.build(**data)
        )
        product = products.save_product(
            store=self.store, actor=request.user, data=data_in, product=product, expected_version=version
        )
        return self._detail(product)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        products.delete_product(product=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request={"multipart/form-data": ImageUploadSerializer}, responses={201: ProductDetailSerializer}
    )
    @action(detail=True, methods=["post"], url_path="images", parser_classes=[MultiPartParser, FormParser])
    def add_images(self, request, pk=None):
        """Add pictures to the gallery (multipart field `images`, several allowed)."""
        product = self.get_object()
        media.add_product_images(product=product, files=request.FILES.getlist("images"), actor=request.user)
        return self._detail(product, code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ProductDetailSerializer)
    @action(detail=True, methods=["post"], url_path=r"images/(?P<image_id>[0-9]+)/main")
    def main_image(self, request, pk=None, image_id=None):
        """Make a picture of the gallery the main one."""
        product = self.get_object()
        media.set_main_image(product=product, image_id=int(image_id), actor=request.user)
        return self._detail(product)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"images/(?P<image_id>[0-9]+)")
    def delete_image(self, request, pk=None, image_id=None):
        media.delete_product_image(product=self.get_object(), image_id=int(image_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ImageOrderSerializer, responses=ProductDetailSerializer)
    @action(detail=True, methods=["post"], url_path="images/order")
    def order_images(self, request, pk=None):
        """Put the gallery in the given order (picture ids; any left out keep their order after them)."""
        product = self.get_object()
        serializer = ImageOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        media.reorder_product_images(
            product=product, ordered_ids=serializer.validated_data["ids"], actor=request.user
        )
        return self._detail(product)

    @extend_schema(request=BulkActionSerializer, responses=BulkResultSerializer)
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        """Put on sale, take off sale, back to draft, delete or move to a category several products at
        once; all or nothing."""
        serializer = BulkActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = product_bulk.apply_bulk_action(
            actor=request.user, action=data["action"], product_ids=data["ids"], category=data["category"]
        )
        return Response({"changed": result.changed})

    @extend_schema(
        request={"multipart/form-data": ImportInputSerializer},
        responses={201: ImportResultSerializer, 400: ImportRejectedSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request):
        """Import a CSV or XLSX file (one row per SKU, columns as in the export). If any row is wrong,
        nothing is imported and the answer lists every problem by row and column."""
        serializer = ImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            result = importing.import_products(
                store=self.store, file=upload, filename=upload.name, actor=request.user
            )
        except importing.ImportRejected as error:
            body = {
                **error.as_dict(),
                "rows": [{"row": e.row, "column": e.column, "message": e.message} for e in error.rows],
            }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"created": result.created, "updated": result.updated, "skus": result.skus},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["csv", "xlsx"]), *PRODUCT_FILTERS],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSXRenderer.media_type): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="An unknown format."),
        },
    )
    @action(detail=False, methods=["get"], url_path="export", renderer_classes=[CSVRenderer, XLSXRenderer])
    def export(self, request):
        """The products (filtered like the list) as CSV (UTF-8 with BOM) or XLSX, one row per SKU."""
        exported = importing.export_products(
            products=ProductFilters.parse(request.query_params, strict=True).products(),
            file_format=request.accepted_renderer.format,
        )
        response = HttpResponse(exported.body, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
        return response


# --- SKUs and stock ------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("product", ID)]))
class SKUViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CatalogViewSet):
    """SKUs with their stock. Adjust the stock by hand (with a reason) and read each SKU's movements."""

    serializer_class = SKUSerializer

    def get_store_queryset(self):
        skus = SKU.objects.order_by("product_id", "id")
        if self.action == "list":
            product = parse_id(self.request.query_params.get("product"), field="product", default=None)
            if product is not None:
                skus = skus.filter(product_id=product)
        return skus

    @extend_schema(request=StockAdjustSerializer, responses=SKUSerializer)
    @action(detail=True, methods=["post"], url_path="adjust-stock")
    def adjust_stock(self, request, pk=None):
        sku = self.get_object()
        serializer = StockAdjustSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        inventory.adjust_stock(
            sku=sku, new_stock=data["new_stock"], delta=data["delta"], note=data["note"], actor=request.user
        )
        sku.refresh_from_db()
        return Response(SKUSerializer(sku).data)

    @extend_schema(responses=StockMovementSerializer(many=True))
    @action(detail=True, methods=["get"])
    def movements(self, request, pk=None):
        sku = self.get_object()
        page = self.paginate_queryset(selectors.sku_movements(sku=sku))
        return self.get_paginated_response(StockMovementSerializer(page, many=True).data)


# --- categories and brands -----------------------------------------------------------------------------


class CategoryViewSet(mixins.RetrieveModelMixin, CatalogViewSet):
    """The two-level category tree, flat: each category names its parent (null for a top category)."""

    serializer_class = CategorySerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    pagination_class = None

    def get_store_queryset(self):
        return Category.objects.order_by("sort_order", "id")

    @extend_schema(responses=CategorySerializer(many=True))
    def list(self, request):
        """Every category in tree order: each top category followed by its sub-categories."""
        self.store  # noqa: B018 - fails closed off a store host
        tree = selectors.category_tree()
        ordered = [category for top in tree for category in (top, *top.children.all())]
        return Response(CategorySerializer(ordered, many=True).data)

    @extend_schema(request=CategoryInputSerializer, responses={201: CategorySerializer})
    def create(self, request):
        serializer = CategoryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = categories.create_category(
            actor=request.user, data=CategoryInput(**serializer.validated_data)
        )
        return Response(CategorySerializer(category).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CategoryInputSerializer, responses=CategorySerializer)
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(request=CategoryInputSerializer, responses=CategorySerializer)
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool):
        category = self.get_object()
        serializer = CategoryInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        data_in = (
            dataclasses.replace(CategoryInput.of_category(category), **data)
            if partial
            else CategoryInput(**data)
        )
        category = categories.update_category(actor=request.user, category=category, data=data_in)
        return Response(CategorySerializer(category).data)

    @extend_schema(request=CategoryOrderSerializer, responses=CategorySerializer(many=True))
    @action(detail=False, methods=["post"], url_path="order")
    def order(self, request):
        """Put sibling categories in the given order (their ids, first to last)."""
        serializer = CategoryOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        categories.reorder_categories(actor=request.user, ordered_ids=serializer.validated_data["ids"])
        return self.list(request)

    @extend_schema(responses={204: None, 409: OpenApiResponse(description="has sub-categories or products")})
    def destroy(self, request, pk=None):
        categories.delete_category(actor=request.user, category=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class BrandViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CatalogViewSet):
    serializer_class = BrandSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_store_queryset(self):
        return Brand.objects.order_by("sort_order", "name")

    @extend_schema(request=BrandInputSerializer, responses={201: BrandSerializer})
    def create(self, request):
        serializer = BrandInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        brand = brands.create_brand(actor=request.user, data=BrandInput(**serializer.validated_data))
        return Response(BrandSerializer(brand).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BrandInputSerializer, responses=BrandSerializer)
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(request=BrandInputSerializer, responses=BrandSerializer)
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool):
        brand = self.get_object()
        serializer = BrandInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        data_in = dataclasses.replace(BrandInput.of_brand(brand), **data) if partial else BrandInput(**data)
        brand = brands.update_brand(actor=request.user, brand=brand, data=data_in)
        return Response(BrandSerializer(brand).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        brands.delete_brand(actor=request.user, brand=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
