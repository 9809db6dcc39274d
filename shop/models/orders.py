"""Orders: what a buyer bought (lines with their price and what was actually paid for each), where it
goes (an address snapshot), and its history. Amounts are Decimal to the fen.

Status: pending_payment → paid → shipped → completed; or cancelled (unpaid, by the buyer, the merchant
or the timeout, stock released). After-sales (refunds, returns) are per line (shop/models/aftersales.py)
and never change an order's status: a completed order whose every line was refunded is still
"completed", with its refunded amount shown."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shop.models.catalog import SKU, Product
from shop.regions import region_text

ZERO = Decimal("0.00")


def _money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, default=ZERO, **kwargs)


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
        PAID = "paid", _("Paid, to be shipped")
        SHIPPED = "shipped", _("Shipped")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        STOREFRONT = "storefront", _("Storefront")
        API = "api", _("App / API")
        MINI_PROGRAM = "mini_program", _("Mini program")

    number = models.CharField(_("order number"), max_length=24, unique=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", verbose_name=_("buyer")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING_PAYMENT, db_index=True
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.STOREFRONT)
    currency = models.CharField(max_length=3, default="CNY")
    items_total = _money(_("items"))
    discount_total = _money(_("discounts"))
    shipping_fee = _money(_("shipping"))
    # items_total - discount_total + shipping_fee: what the buyer pays.
    payable = _money(_("payable"))
    # Kept by the payment and refund services from their records (which are the truth), for lists.
    paid_amount = _money(_("paid"))
    refunded_amount = _money(_("refunded"))
    # The address as it was when the order was placed (shop.models.Address.snapshot()); contact phone and
    # province are copied out for search and filters.
    shipping_address = models.JSONField(_("shipping address"), default=dict)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    province_code = models.CharField(max_length=6, blank=True)
    buyer_note = models.CharField(_("buyer's note"), max_length=200, blank=True)
    # The key a client sends with "place order": a retried request or a double click makes one order.
    idempotency_key = models.CharField(max_length=64)
    # How the order was paid: set by the payment that pays it, blank until then (starting a payment that is
    # never completed says nothing about how the order was paid; the console's filter reads this).
    payment_provider = models.CharField(_("payment method"), max_length=16, blank=True)
    # The payment that paid the order (refunds of the order go back through it).
    paid_by = models.ForeignKey(
        "shop.Payment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now, db_index=True)
    pay_deadline = models.DateTimeField(_("pay by"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # When a shipped order completes by itself if the buyer does not confirm receipt earlier.
    auto_complete_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=200, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("order")
        constraints = [
            models.UniqueConstraint(fields=["buyer", "idempotency_key"], name="shop_order_idempotent"),
            models.CheckConstraint(condition=Q(payable__gte=0), name="shop_order_payable_not_negative"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("paid_amount")), name="shop_order_refund_within_paid"
            ),
        ]
        indexes = [
            # The timeout job: unpaid orders past their deadline.
            models.Index(
                fields=["pay_deadline"], condition=Q(status="pending_payment"), name="shop_order_unpaid_due"
            ),
            models.Index(
                fields=["auto_complete_at"], condition=Q(status="shipped"), name="shop_order_delivery_due"
            ),
            models.Index(fields=["buyer", "-placed_at"], name="shop_order_buyer_recent"),
        ]

    def __str__(self):
        return self.number

    @property
    def refundable_amount(self) -> Decimal:
        return self.paid_amount - self.refunded_amount

    @property
    def shipping_region_text(self) -> str:
        """The province (in the active language), city and district the order ships to."""
        address = self.shipping_address or {}
        return region_text(
            address.get("province_code", ""), address.get("city", ""), address.get("district", "")
        )


class OrderLine(models.Model):
    """One SKU of an order, with a snapshot of what it was (title, spec, price) and what was paid for it:
    its share of the order's discounts is allocated to it (largest remainder, so shares sum exactly),
    and commission and partial refunds are computed on `paid_amount`."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # PROTECT: an ordered SKU is retired, never deleted (the catalogue keeps it out of sight).
    sku = models.ForeignKey(SKU, on_delete=models.PROTECT, related_name="order_lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    title = models.CharField(_("product"), max_length=120)
    spec_label = models.CharField(_("spec"), max_length=200, blank=True)
    image_url = models.CharField(max_length=500, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    # The cost price when ordered (for profit-based commission); None when the merchant gave none.
    unit_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = _money(_("amount"))  # unit_price × quantity
    discount_share = _money(_("discount"))
    paid_amount = _money(_("paid"))  # line_total - discount_share
    refunded_amount = _money(_("refunded"))
    # Refunds sent to the provider and not answered yet: reserved, so no second request can ask for the
    # same money while the first is on its way (a failed refund gives it back).
    refunding_amount = _money(_("being refunded"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shop_orderline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("paid_amount")), name="shop_orderline_refund_within_paid"
            ),
            models.CheckConstraint(
                condition=Q(refunding_amount__gte=0)
                & Q(refunding_amount__lte=F("paid_amount") - F("refunded_amount")),
                name="shop_orderline_refunding_within_paid",
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.spec_label} × {self.quantity}".strip()

    @property
    def refundable_amount(self) -> Decimal:
        """What a new request may still ask for: paid, less refunded, less refunds on their way."""
        return self.paid_amount - self.refunded_amount - self.refunding_amount


class OrderEvent(models.Model):
    """The order's history, as the buyer's timeline and the merchant's order page show it. Append-only."""

    class Kind(models.TextChoices):
        PLACED = "placed", pgettext_lazy("order history", "Order placed")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        AFTER_SALE = "after_sale", _("After-sales")
        REFUNDED = "refunded", _("Refunded")
        PAYMENT_REFUNDED = "payment_refunded", _("Late payment refunded")
        NOTE = "note", _("Note")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # "buyer", "merchant" or "system": who the timeline says did it.
    actor_role = models.CharField(max_length=10, default="system")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"], name="shop_orderevent_order")]


class Shipment(models.Model):
    """A parcel of an order: the carrier and tracking number the merchant entered, and what the tracking
    provider said about it."""

    class State(models.TextChoices):
        IN_TRANSIT = "in_transit", _("In transit")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        DELIVERED = "delivered", _("Delivered")
        PROBLEM = "problem", _("Delivery problem")
        RETURNED = "returned", _("Returned to sender")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(_("carrier"), max_length=20)
    tracking_number = models.CharField(_("tracking number"), max_length=40)
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_TRANSIT)
    # [{"time": iso, "text": "..."}] newest first, as the tracking provider last told it.
    tracking = models.JSONField(default=list, blank=True)
    tracked_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["shipped_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="shop_shipment_unique_tracking"
            )
        ]
