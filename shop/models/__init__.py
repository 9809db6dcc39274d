"""The shop's tenant-schema models, one module per concern; import them from here."""

from shop.models.aftersales import AfterSale, AfterSaleEvent, AfterSalePhoto
from shop.models.buyer_notifications import BuyerNotification
from shop.models.buyers import Address, SmsCode
from shop.models.cart import Cart, CartLine
from shop.models.catalog import (
    SKU,
    Brand,
    Category,
    Product,
    ProductImage,
    RegionShippingFee,
    ShopSettings,
    StockMovement,
)
from shop.models.notifications import MerchantNotification
from shop.models.orders import Order, OrderEvent, OrderLine, Shipment
from shop.models.payments import PaymentSettings
from shop.models.transactions import Payment, ProviderNotification, Refund, RefundLine
from shop.models.wechat import WechatIdentity, WechatSettings

__all__ = [
    "SKU",
    "Address",
    "AfterSale",
    "AfterSaleEvent",
    "AfterSalePhoto",
    "Brand",
    "BuyerNotification",
    "Cart",
    "CartLine",
    "Category",
    "MerchantNotification",
    "Order",
    "OrderEvent",
    "OrderLine",
    "Payment",
    "PaymentSettings",
    "Product",
    "ProductImage",
    "ProviderNotification",
    "Refund",
    "RefundLine",
    "RegionShippingFee",
    "Shipment",
    "ShopSettings",
    "SmsCode",
    "StockMovement",
    "WechatIdentity",
    "WechatSettings",
]
