"""A store with things to sell and a buyer with an address, for the order tests (all inside store A's
schema: the `shop` fixture enters it)."""

import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from shop.services import checkout, payments
from shop.services.addresses import AddressInput, add_address
from tests.conftest import make_buyer
from tests.shop.factories import make_product


class Shop:
    """What a test of store A works with."""

    def __init__(self, store):
        self.store = store
        self.apple = make_product(
            title="烟台苹果",
            skus=[
                {"spec_values": ["5斤"], "price": "29.90", "stock": 10, "cost_price": "18.00"},
                {"spec_values": ["10斤"], "price": "49.90", "stock": 5},
            ],
        )
        self.small, self.large = self.apple.skus.order_by("id")
        self.tea = make_product(title="龙井茶", skus=[{"price": "88.00", "stock": 3}])
        self.tea_sku = self.tea.skus.get()
        self.buyer = self.new_buyer("+8613800138001", "买家一")
        self.address = self.address_of(self.buyer)

    def new_buyer(self, phone, name):
        from django.db import connection

        buyer = make_buyer(self.store, phone, name=name)
        connection.set_tenant(self.store)
        return buyer

    def address_of(self, buyer, province="310000"):
        return add_address(
            buyer=buyer,
            data=AddressInput(
                contact_name="张三",
                phone="13800138001",
                province_code=province,
                city="上海市",
                district="浦东新区",
                detail="世纪大道 100 号",
            ),
        )

    def place(self, lines, *, buyer=None, address=None, key=None, **kwargs):
        buyer = buyer or self.buyer
        return checkout.place_order(
            buyer=buyer,
            data=checkout.CheckoutInput(
                lines=tuple((sku.pk, qty) for sku, qty in lines),
                address_id=(address or (self.address if buyer == self.buyer else self.address_of(buyer))).pk,
                idempotency_key=key or uuid.uuid4().hex,
                **kwargs,
            ),
        )

    def start(self, order, *, buyer=None, provider="sandbox"):
        payment, _started = payments.start_payment(
            store=self.store, order=order, buyer=buyer or order.buyer, provider_code=provider, return_url="/"
        )
        return payment

    def deliver(self, headers, body, *, provider="sandbox"):
        """A notification through the notify path: (acknowledgement, outcome)."""
        return payments.handle_notification(
            store=self.store, provider_code=provider, headers=headers, body=body
        )

    def pay(self, order, *, amount=None, provider="sandbox"):
        """Pay through the sandbox: start, then its signed notification through the one notify path."""
        payment = self.start(order, provider=provider)
        ack, outcome = self.deliver(*self.notification(payment, amount=amount), provider=provider)
        order.refresh_from_db()
        return payment, ack, outcome

    def notification(self, payment, *, amount=None, kind="payment_succeeded", **extra):
        from shop.payments.registry import provider_for

        return provider_for(self.store, "sandbox").build_notification(
            kind=kind, out_trade_no=payment.out_trade_no, amount=amount or payment.amount, **extra
        )


@pytest.fixture
def shop(in_store_a, media_root):
    return Shop(in_store_a)


def wipe_orders(store) -> None:
    """Remove what a committed test made in `store`: orders and all that hangs off them, buyers,
    products, and the log entries they wrote."""
    from django.contrib.auth import get_user_model

    from shop import models
    from tenants.activity.models import ActivityEntry

    with schema_context(store.schema_name):
        for model in (
            models.RefundLine,
            models.Refund,
            models.ProviderNotification,
            models.AfterSaleEvent,
            models.AfterSalePhoto,
            models.AfterSale,
            models.Payment,
            models.Shipment,
            models.OrderLine,
            models.Order,
            models.CartLine,
            models.Cart,
            models.BuyerNotification,
            models.MerchantNotification,
        ):
            model.objects.all().delete()
        get_user_model().objects.filter(role="customer").delete()
        models.Product.all_objects.all().delete()
        ActivityEntry.objects.all().delete()


@pytest.fixture
def committed_shop(committed_store, media_root):
    """A Shop whose data is committed (for races between connections); wiped afterwards."""
    with schema_context(committed_store.schema_name):
        made = Shop(committed_store)
    try:
        yield made
    finally:
        wipe_orders(committed_store)
        from django.db import connection

        connection.set_schema_to_public()


def money(value) -> Decimal:
    return Decimal(value)


@pytest.fixture
def store_b_sku(store_b):
    with schema_context(store_b.schema_name):
        return make_product(title="B 店的茶", skus=[{"price": "9.90", "stock": 5}]).skus.get()
