"""The shop's tenant-schema models, one module per concern; import them from here."""

from shop.models.catalog import SKU, Brand, Category, Product, ProductImage, ShopSettings, StockMovement
from shop.models.notifications import MerchantNotification
from shop.models.payments import PaymentSettings

__all__ = [
    "SKU",
    "Brand",
    "Category",
    "MerchantNotification",
    "PaymentSettings",
    "Product",
    "ProductImage",
    "ShopSettings",
    "StockMovement",
]
