"""One of each object that a store's pages and API name in their paths, made in the store's schema, for
the fuzz tests (tests/cross/test_api_fuzz.py, tests/cross/test_pages_fuzz.py): keyed by the path segment
that comes before the id ("products", "addresses"...) and by the names of other path parameters ("sku_id",
"order_number"). The buyer's rows (address, cart line, a paid order with an after-sales request, a
notification) belong to `buyer`, else to a new buyer ("buyer" in the answer)."""

import itertools
import uuid
from decimal import Decimal

from django.db import connection
from django_tenants.utils import schema_context

from shop.models import BuyerNotification, MerchantNotification
from shop.payments.registry import provider_for
from shop.services import aftersales, cart, checkout, payments, refunds
from shop.services.addresses import AddressInput, add_address
from tenants.activity.models import ActivityEntry
from tests.conftest import make_buyer, make_staff
from tests.shop.factories import make_brand, make_category, make_product

_made = itertools.count(100)


def store_objects(store, *, buyer=None) -> dict:
    with schema_context(store.schema_name):
        top = make_category()
        product = make_product(
            category=make_category(parent=top),
            brand=make_brand(),
            skus=[{"spec_values": ["红"], "stock": 5}, {"spec_values": ["蓝"], "stock": 0}],
            images=1,
        )
        MerchantNotification.objects.get_or_create(kind="low_stock", title="库存不足", body="仅剩 1 件")
        # Made afresh for every DELETE of the API fuzz: each time another buyer (one per phone number).
        phone = f"138001{next(_made):05d}"
        buyer = buyer or make_buyer(store, "+86" + phone, name="买家")
        address = add_address(
            buyer=buyer,
            data=AddressInput(
                contact_name="张三",
                phone=phone,
                province_code="310000",
                city="上海市",
                district="",
                detail="人民路 1 号",
            ),
        )
        sku = product.skus.order_by("pk").first()
        tea = make_product(
            title="龙井", category=product.category, brand=product.brand, skus=[{"price": "8.00", "stock": 5}]
        ).skus.get()
        # The buyer's pages: a paid order of two lines (the second with an after-sales request, the first
        # free to ask for one), an unpaid order with a sandbox payment started, a notification.
        paid = _order(store, buyer, address, [(sku, 1), (tea, 1)], pay=True)
        first, second = paid.lines.order_by("pk")
        request = aftersales.request_after_sale(
            buyer=buyer,
            data=aftersales.AfterSaleInput(
                order_line_id=second.pk, kind="refund_only", amount="1.00", reason="不想要了"
            ),
        )
        payment, _started = payments.start_payment(
            store=store,
            order=_order(store, buyer, address, [(tea, 1)]),
            buyer=buyer,
            provider_code="sandbox",
            return_url="/",
        )
        refused = refunds.create_refund(payment=paid.paid_by, amount=Decimal("1.00"), reason="多付")
        refunds.fail_refund(refund=refused, message="NOT_ENOUGH")
        line = cart.add_to_cart(buyer=buyer, sku_id=sku.pk, quantity=1)
        BuyerNotification.objects.create(
            buyer=buyer, kind="order_paid", title="已付款", link=f"/orders/{paid.number}/"
        )
        ids = {
            "products": product.pk,
            "skus": sku.pk,
            "sku_id": sku.pk,
            "images": product.images.get().pk,
            "image_id": product.images.get().pk,
            "categories": top.pk,
            "brands": product.brand_id,
            "staff": make_staff(store).pk,
            "activity": ActivityEntry.objects.order_by("pk").first().pk,
            "addresses": address.pk,
            "lines": line.pk,
            "orders": paid.pk,
            "order_number": paid.number,
            "line_id": first.pk,
            "after-sales": request.pk,
            "after_sale_number": request.number,
            "out_trade_no": payment.out_trade_no,
            "refund_id": refused.pk,
            "refund_pk": refused.pk,
            "buyer": buyer,
        }
    connection.set_schema_to_public()
    return ids


def _order(store, buyer, address, lines, *, pay=False):
    order = checkout.place_order(
        buyer=buyer,
        data=checkout.CheckoutInput(
            lines=tuple((sku.pk, quantity) for sku, quantity in lines),
            address_id=address.pk,
            idempotency_key=uuid.uuid4().hex,
        ),
    )
    if pay:
        payment, _started = payments.start_payment(
            store=store, order=order, buyer=buyer, provider_code="sandbox", return_url="/"
        )
        headers, body = provider_for(store, "sandbox").build_notification(
            kind="payment_succeeded", out_trade_no=payment.out_trade_no, amount=payment.amount
        )
        payments.handle_notification(store=store, provider_code="sandbox", headers=headers, body=body)
        order.refresh_from_db()
    return order
