"""The shop's tenant-schema models, one module per concern; import them from here."""

from shop.models.buyers import Address, SmsCode
from shop.models.catalog import SKU, Brand, Category, Product, ProductImage, ShopSettings, StockMovement
from shop.models.notifications import MerchantNotification
from shop.models.wechat import WechatIdentity, WechatSettings

__all__ = [
    "SKU",
    "Address",
    "Brand",
    "Category",
    "MerchantNotification",
    "Product",
    "ProductImage",
    "ShopSettings",
    "SmsCode",
    "StockMovement",
    "WechatIdentity",
    "WechatSettings",
]
