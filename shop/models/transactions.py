"""Money moving through a provider: payments of orders, refunds, and every notification a provider
sent (kept once, by its id, so a notification delivered twice — or ten times at once — acts once).
These records are the truth the order's paid and refunded amounts are kept from."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.models.orders import Order, OrderLine


class Payment(models.Model):
    """One attempt to pay an order through a provider (a buyer may start several: WeChat, then card).
    Only the first payment to succeed pays the order; money that arrives for an order already paid or
    no longer payable is sent back in full (a Refund of that payment)."""

    class Status(models.TextChoices):
        STARTED = "started", _("Started")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        CLOSED = "closed", _("Closed")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=16)
    channel = models.CharField(max_length=16, blank=True)
    # Our number for this attempt (WeChat's out_trade_no, Stripe's metadata): unique across the store.
    out_trade_no = models.CharField(max_length=32, unique=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="CNY")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.STARTED)
    provider_payment_id = models.CharField(max_length=64, blank=True)
    # The merchant account the payment was made to ("own:<mchid>", "sp:<sp_mchid>:<sub_mchid>", the
    # Stripe account...): its notifications and refunds keep going to that account after the store
    # changes its payment settings.
    account = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    # When we last asked the provider how the payment stands (the unpaid-order job asks before closing).
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class ProviderNotification(models.Model):
    """A provider's notification, stored the first time it arrives (unique per provider and event id)."""

    provider = models.CharField(max_length=16)
    event_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=30)
    out_trade_no = models.CharField(max_length=32, blank=True)
    # What applying it did ("paid", "duplicate payment refunded", "ignored: ..."), for support.
    outcome = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="shop_notification_once")
        ]


class Refund(models.Model):
    """Money sent back through the provider of a payment: for an after-sales request, or a whole
    payment that arrived for an order that no longer takes it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Refund in progress")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Refund failed")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    after_sale = models.ForeignKey(
        "shop.AfterSale", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    out_refund_no = models.CharField(max_length=32, unique=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    provider_refund_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    # A failed refund tried again is a new refund (a new number) pointing at the one it retries.
    retry_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # How often a pending refund was sent or looked up, and when the retry job next looks at it.
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="shop_refund_amount_positive")]


class RefundLine(models.Model):
    """How much of a refund goes back for each order line (what the line's refunded amount sums)."""

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="refund_lines")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    # Units going back to stock (returns the merchant restocks); 0 for a refund only.
    quantity = models.PositiveIntegerField(default=0)
