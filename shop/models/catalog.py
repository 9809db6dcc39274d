"""The catalogue and inventory: shop settings, categories, brands, products, pictures, SKUs and the stock
movement log."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShopSettings(models.Model):
    """One row per store: how the shop behaves."""

    auto_off_sale_when_sold_out = models.BooleanField(
        _("take products off sale when sold out"),
        default=False,
        help_text=_(
            "Off: sold-out products stay listed and show as sold out. On: they are taken off sale "
            "and put back on sale when restocked."
        ),
    )
    low_stock_email = models.BooleanField(_("email me when stock runs low"), default=True)
    # Orders
    unpaid_timeout_minutes = models.PositiveIntegerField(
        _("close unpaid orders after (minutes)"),
        default=30,
        help_text=_("An order not paid in time is cancelled and its stock goes back on sale."),
    )
    auto_complete_days = models.PositiveIntegerField(
        _("complete shipped orders after (days)"),
        default=10,
        help_text=_("When the buyer does not confirm receipt, the order completes by itself."),
    )
    after_sale_days = models.PositiveIntegerField(
        _("after-sales window (days after completion)"),
        default=15,
        help_text=_("Buyers can ask for a refund or return until this many days after the order completed."),
    )
    # Shipping: a flat fee per order, free above an amount, a different fee for some provinces.
    shipping_flat_fee = models.DecimalField(_("shipping fee"), max_digits=10, decimal_places=2, default=0)
    free_shipping_over = models.DecimalField(
        _("free shipping from"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Orders of at least this amount (after discounts) ship free. Empty: never free."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shop settings")

    @classmethod
    def load(cls) -> "ShopSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class RegionShippingFee(models.Model):
    """A shipping fee for one province instead of the flat fee (remote regions such as 新疆, 西藏)."""

    province_code = models.CharField(_("province"), max_length=6, unique=True)
    fee = models.DecimalField(_("shipping fee"), max_digits=10, decimal_places=2)
    # Whether "free shipping from" applies to this province too.
    free_over_applies = models.BooleanField(_("free shipping applies"), default=False)

    class Meta:
        ordering = ["province_code"]
        verbose_name = _("regional shipping fee")


class Category(models.Model):
    """A two-level tree: top categories and their sub-categories."""

    name = models.CharField(_("name"), max_length=40)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    icon = models.CharField(_("icon"), max_length=16, blank=True, help_text=_("an emoji or short text"))
    image = models.ImageField(_("icon image"), upload_to="categories/", blank=True)
    sort_order = models.IntegerField(_("order"), default=0)
    is_visible = models.BooleanField(_("visible"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("category")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="shop_category_unique_name")]

    def __str__(self):
        return self.name


class Brand(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    logo = models.ImageField(_("logo"), upload_to="brands/", blank=True)
    sort_order = models.IntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("brand")

    def __str__(self):
        return self.name


class CurrentProductManager(models.Manager):
    """Products as the store sees them: without the archived ones (deleted by the merchant but kept for
    their orders). Order lines still reach an archived product (Django's base manager)."""

    def get_queryset(self):
        return super().get_queryset().filter(archived_at__isnull=True)


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ON_SALE = "on_sale", _("On sale")
        OFF_SALE = "off_sale", _("Off sale")

    title = models.CharField(_("title"), max_length=120)
    # The merchant's own product code (商家编码): what import/export files use to match rows to products.
    # Unique when set; the catalogue service assigns "P<id>" when the merchant leaves it empty.
    code = models.CharField(_("product code"), max_length=40, blank=True, default="")
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    share_copy = models.TextField(
        _("selling points / share copy"),
        blank=True,
        help_text=_("The line a distributor copies into a chat."),
    )
    description = models.TextField(_("description"), blank=True, help_text=_("sanitised HTML"))
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("category"),
    )
    brand = models.ForeignKey(
        Brand,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("brand"),
    )
    tags = ArrayField(models.CharField(max_length=30), default=list, blank=True, verbose_name=_("tags"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Set when the inventory service took the product off sale because every SKU sold out, so that a
    # restock can put it back (a merchant's own "off sale" is never undone by a restock).
    off_sale_by_stock = models.BooleanField(default=False)
    video_url = models.URLField(_("video URL"), blank=True)
    video_file = models.FileField(_("video file"), upload_to="videos/", blank=True)
    # [{"name": "颜色", "values": ["红", "蓝"]}, {"name": "尺码", "values": ["S", "M"]}]; [] = no specs.
    specs = models.JSONField(_("spec attributes"), default=list, blank=True)
    # Denormalised by the services, for listing, sorting and filtering without joins.
    min_price = models.DecimalField(max_digits=12, decimal_places=2, default=0, db_index=True)
    max_price = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # True while at least one active SKU has stock: what "sold out" means. The inventory service writes
    # it only when a SKU's stock crosses zero (a sale of any other unit leaves the product row alone);
    # catalogue edits recompute it. A product's total stock is summed from its SKUs where it is shown.
    in_stock = models.BooleanField(_("in stock"), default=False)
    sales_count = models.PositiveIntegerField(_("sales"), default=0, db_index=True)
    main_image = models.ForeignKey(
        "ProductImage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # title + subtitle + brand + tags, lower-cased: what keyword search matches (trigram index).
    search_document = models.TextField(default="", blank=True)
    # Optimistic concurrency: an edit based on an old version is refused, never silently lost.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("first on sale"), null=True, blank=True, db_index=True)
    # Set when the merchant deleted a product that has orders: it leaves every list and page but stays
    # for the order history (its lines point at it).
    archived_at = models.DateTimeField(null=True, blank=True)

    all_objects = models.Manager()
    objects = CurrentProductManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("product")
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        indexes = [
            GinIndex(fields=["search_document"], name="shop_product_search_trgm", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["status", "-published_at"], name="shop_product_status_pub"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="shop_product_unique_code")
        ]

    def __str__(self):
        return self.title

    @property
    def is_sold_out(self) -> bool:
        return not self.in_stock


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="products/%Y/%m/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="products/thumbs/%Y/%m/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]


class CurrentSKUManager(models.Manager):
    """SKUs as the editor, the storefront and the stock pages see them: without the retired ones (removed
    from the matrix after they were ordered). Order lines still reach a retired SKU (the base manager)."""

    def get_queryset(self):
        return super().get_queryset().filter(retired_at__isnull=True)


class SKU(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus")
    # The chosen value of each spec, in the product's spec order, e.g. ["红", "S"]; [] for a single SKU.
    spec_values = models.JSONField(default=list, blank=True)
    # spec_values joined with " / ": unique within a product, so a combination can exist only once.
    spec_key = models.CharField(max_length=200, blank=True, default="")
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    original_price = models.DecimalField(
        _("original price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    cost_price = models.DecimalField(_("cost price"), max_digits=12, decimal_places=2, null=True, blank=True)
    stock = models.IntegerField(_("stock"), default=0)
    low_stock_threshold = models.PositiveIntegerField(_("low-stock threshold"), default=0)
    # True once the merchant was told this SKU is low; cleared when it is restocked above the threshold.
    low_stock_alerted = models.BooleanField(default=False)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    barcode = models.CharField(_("barcode"), max_length=64, blank=True, db_index=True)
    is_active = models.BooleanField(default=True)
    # Set when the merchant removed an ordered SKU from the product's matrix: it is kept (never deleted)
    # for the order history, out of the editor and the storefront. Adding the same combination again
    # brings it back.
    retired_at = models.DateTimeField(null=True, blank=True)
    sales_count = models.PositiveIntegerField(default=0)

    all_objects = models.Manager()
    objects = CurrentSKUManager()

    class Meta:
        ordering = ["id"]
        verbose_name = "SKU"
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="shop_sku_stock_never_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="shop_sku_price_positive"),
            models.UniqueConstraint(fields=["product", "spec_key"], name="shop_sku_unique_spec"),
        ]

    def __str__(self):
        return f"{self.product.title} {self.spec_key}".strip()


class StockMovement(models.Model):
    """Every change of a SKU's stock, with why, who and when. Append-only."""

    class Reason(models.TextChoices):
        INITIAL = "initial", _("Initial stock")
        ORDER = "order", _("Order placed")
        CANCEL = "cancel", _("Order cancelled")
        RETURN = "return", _("Returned")
        ADJUSTMENT = "adjustment", _("Manual adjustment")
        IMPORT = "import", _("Import")

    # Every sale inserts a row while it holds the SKU's row lock, so each index here slows every sale
    # of a hot SKU: only the indexes a query needs (see Meta.indexes).
    #
    # No database FOREIGN KEY constraint on the SKU (db_constraint=False): checking one re-locks the SKU
    # row the sale has just updated (a second heap write and WAL record under the hot row's lock) and
    # costs a hot SKU ~10% of its sales per second (make bench). A movement pointing nowhere cannot
    # arise instead: movements are only written by inventory's stock statement, which inserts the
    # movement FROM the UPDATE's RETURNING (the SKU row exists and is locked by then), and every delete
    # of SKUs locks their rows first (catalog's editor and bulk delete), so a concurrent sale either
    # commits before the delete collects the movements or finds no row. Django still cascades the
    # movements on delete; tests/test_inventory_integrity.py races sales against deletes.
    sku = models.ForeignKey(
        SKU, on_delete=models.CASCADE, related_name="movements", db_index=False, db_constraint=False
    )
    change = models.IntegerField(_("change"))
    stock_after = models.IntegerField(_("stock after"))
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # A SKU's history, newest first (and the count behind its pages).
            models.Index(fields=["sku", "created_at"], name="shop_stockmove_sku_created"),
            # Setting a deleted user's movements to NULL; sales without an actor stay out of it.
            models.Index(fields=["actor"], condition=Q(actor__isnull=False), name="shop_stockmove_actor"),
        ]
        # The release-once constraint below is also the index behind release_stock's lookup by
        # (sku, reference) among cancellations and returns.
        constraints = [
            # Stock comes back at most once per (reference, SKU): a cancellation or return delivered
            # twice (a retried task, a double click) cannot add the stock twice.
            models.UniqueConstraint(
                fields=["sku", "reference"],
                condition=Q(reason__in=["cancel", "return"]) & ~Q(reference=""),
                name="shop_stockmovement_release_once",
            )
        ]
