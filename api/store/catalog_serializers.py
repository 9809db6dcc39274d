"""Shapes of the catalogue API. Read serializers render models; input serializers only parse the
request into what the shop services take (the services check every rule)."""

from rest_framework import serializers

from api.fields import BooleanField, CharField, IdField, InputSerializer, IntegerField, MoneyField
from shop.models import SKU, Brand, Category, Product, ProductImage, StockMovement
from shop.services.product_bulk import BULK_ACTIONS


def _url(file) -> str | None:
    return file.url if file else None


# --- read ---------------------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    image = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["id", "name", "parent", "icon", "image", "sort_order", "is_visible"]
        read_only_fields = fields

    def get_image(self, category) -> str | None:
        return _url(category.image)


class BrandSerializer(serializers.ModelSerializer):
    logo = serializers.SerializerMethodField()

    class Meta:
        model = Brand
        fields = ["id", "name", "logo", "sort_order"]
        read_only_fields = fields

    def get_logo(self, brand) -> str | None:
        return _url(brand.logo)


class SKUSerializer(serializers.ModelSerializer):
    class Meta:
        model = SKU
        fields = [
            "id",
            "product",
            "spec_values",
            "spec_key",
            "price",
            "original_price",
            "cost_price",
            "stock",
            "low_stock_threshold",
            "weight_grams",
            "barcode",
            "is_active",
            "sales_count",
        ]
        read_only_fields = fields


class ProductImageSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = ["id", "url", "thumbnail", "width", "height", "sort_order"]
        read_only_fields = fields

    def get_url(self, image) -> str | None:
        return _url(image.image)

    def get_thumbnail(self, image) -> str | None:
        return _url(image.thumbnail)


class ProductListSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True, default=None)
    brand_name = serializers.CharField(source="brand.name", read_only=True, default=None)
    thumbnail = serializers.SerializerMethodField()
    total_stock = serializers.IntegerField(read_only=True, help_text="Stock of the active SKUs, summed.")

    class Meta:
        model = Product
        fields = [
            "id",
            "code",
            "title",
            "subtitle",
            "status",
            "category",
            "category_name",
            "brand",
            "brand_name",
            "tags",
            "min_price",
            "max_price",
            "total_stock",
            "in_stock",
            "sales_count",
            "thumbnail",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_thumbnail(self, product) -> str | None:
        image = product.main_image
        return _url(image.thumbnail or image.image) if image else None


class ProductDetailSerializer(ProductListSerializer):
    skus = SKUSerializer(many=True, read_only=True)
    images = ProductImageSerializer(many=True, read_only=True)
    main_image = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    # Empty when the product has no video link: not a URI then.
    video_url = serializers.CharField(read_only=True)
    video_file = serializers.SerializerMethodField()

    class Meta(ProductListSerializer.Meta):
        fields = [
            *ProductListSerializer.Meta.fields,
            "share_copy",
            "description",
            "specs",
            "skus",
            "images",
            "main_image",
            "video_url",
            "video_file",
            "published_at",
        ]
        read_only_fields = fields

    def get_video_file(self, product) -> str | None:
        return _url(product.video_file)


class StockMovementSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = StockMovement
        fields = ["id", "sku", "change", "stock_after", "reason", "reference", "note", "actor", "created_at"]
        read_only_fields = fields

    def get_actor(self, movement) -> str | None:
        actor = movement.actor
        return (actor.name or actor.email) if actor else None


# --- input -----------------------------------------------------------------------------------------------

# Money travels as a string ("12.50") or a JSON number, read by the money helper (never as a float).
_money = {"required": False, "allow_null": True, "allow_blank": True, "max_length": 20}


class SpecInputSerializer(InputSerializer):
    name = CharField(allow_blank=True, max_length=100)
    values = serializers.ListField(child=CharField(allow_blank=True, max_length=100))


class SkuInputSerializer(InputSerializer):
    spec_values = serializers.ListField(child=CharField(max_length=100), required=False, default=list)
    price = MoneyField(max_length=20, allow_blank=True)
    original_price = MoneyField(**_money)
    cost_price = MoneyField(**_money)
    stock = IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="New SKU: its initial stock (null = 0). Existing SKU: null or absent leaves the stock as "
        "it is; a number sets it (relative to `stock_seen` when given).",
    )
    stock_seen = IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The stock you read. With it, an existing SKU's stock moves by (stock - stock_seen) from "
        "what it is now, so orders placed since your read are kept; refused (400) below 0.",
    )
    low_stock_threshold = IntegerField(required=False, default=0)
    weight_grams = IntegerField(required=False, default=0)
    barcode = CharField(required=False, allow_blank=True, default="", max_length=64)
    is_active = BooleanField(required=False, default=True)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        for name in ("original_price", "cost_price"):
            if values.get(name) == "":
                values[name] = None
        return values


class ProductInputSerializer(InputSerializer):
    """What create and update take. On update, `version` (the one you read) is required: a stale one
    answers 409. PATCH may leave fields out; they keep their current values."""

    title = CharField(allow_blank=True, max_length=500)
    code = CharField(required=False, allow_blank=True, default="", max_length=100)
    subtitle = CharField(required=False, allow_blank=True, default="", max_length=1000)
    share_copy = CharField(required=False, allow_blank=True, default="", max_length=5000)
    description = CharField(required=False, allow_blank=True, default="", max_length=100_000)
    category = IdField(required=False, allow_null=True, default=None)
    brand = IdField(required=False, allow_null=True, default=None)
    tags = serializers.ListField(
        child=CharField(max_length=100), required=False, default=list, max_length=100
    )
    specs = SpecInputSerializer(many=True, required=False, default=list)
    skus = SkuInputSerializer(many=True)
    status = serializers.ChoiceField(choices=Product.Status.choices, required=False)
    video_url = CharField(required=False, allow_blank=True, default="", max_length=1000)
    version = IntegerField(required=False)


class BulkActionSerializer(InputSerializer):
    action = serializers.ChoiceField(choices=list(BULK_ACTIONS))
    ids = serializers.ListField(child=IdField(), max_length=1000)
    category = IdField(required=False, allow_null=True, default=None)


class BulkResultSerializer(InputSerializer):
    changed = serializers.IntegerField()


class CategoryInputSerializer(InputSerializer):
    name = CharField(allow_blank=True, max_length=200)
    parent = IdField(required=False, allow_null=True, default=None)
    icon = CharField(required=False, allow_blank=True, default="", max_length=100)
    image = serializers.FileField(required=False, allow_null=True, default=None)
    clear_image = BooleanField(required=False, default=False)
    sort_order = IntegerField(required=False, default=0)
    is_visible = BooleanField(required=False, default=True)


class CategoryOrderSerializer(InputSerializer):
    ids = serializers.ListField(child=IdField(), max_length=500)


class BrandInputSerializer(InputSerializer):
    name = CharField(allow_blank=True, max_length=200)
    logo = serializers.FileField(required=False, allow_null=True, default=None)
    clear_logo = BooleanField(required=False, default=False)
    sort_order = IntegerField(required=False, default=0)


class StockAdjustSerializer(InputSerializer):
    """Exactly one of `new_stock` (set to) or `delta` (change by)."""

    new_stock = IntegerField(required=False, allow_null=True, default=None)
    delta = IntegerField(required=False, allow_null=True, default=None)
    note = CharField(required=False, allow_blank=True, default="", max_length=1000)


class ImageOrderSerializer(InputSerializer):
    ids = serializers.ListField(child=IdField(), max_length=100)


class ImageUploadSerializer(InputSerializer):
    images = serializers.ListField(child=serializers.FileField())


class ImportInputSerializer(InputSerializer):
    file = serializers.FileField()


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportRejectedSerializer(serializers.Serializer):
    """Why nothing was imported: `file` says it in a sentence and `rows` lists every problem of a file
    that could be read; a request refused before the file was read (no file, a control character)
    carries `detail` and `code` instead."""

    file = serializers.ListField(child=serializers.CharField(), required=False)
    rows = ImportRowErrorSerializer(many=True, required=False)
    detail = serializers.CharField(required=False)
    code = serializers.CharField(required=False)


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    skus = serializers.IntegerField()
