"""After-sales requests (售后), per order line, in the spirit of the big Chinese malls:

    refund only:        requested → approved → refunded
    return and refund:  requested → approved → returned (buyer shipped it back) → received → refunded
    either may be:      rejected (with a reason) by the merchant, or withdrawn by the buyer while open.

One open request per line at a time; the amount is at most what was paid for the line less what was
refunded already."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.models.orders import OrderLine


class AfterSale(models.Model):
    class Kind(models.TextChoices):
        REFUND_ONLY = "refund_only", _("Refund only")
        RETURN_AND_REFUND = "return_refund", _("Return and refund")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the merchant")
        APPROVED = "approved", _("Agreed by the merchant")
        RETURNED = "returned", _("Sent back by the buyer")
        RECEIVED = "received", _("Received by the merchant")
        REFUNDED = "refunded", _("Refunded")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN = (Status.REQUESTED, Status.APPROVED, Status.RETURNED, Status.RECEIVED)

    number = models.CharField(_("request number"), max_length=24, unique=True)
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="after_sales")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="after_sales")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    quantity = models.PositiveIntegerField(_("units"), default=0)
    reason = models.CharField(_("reason"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    reject_reason = models.CharField(_("why rejected"), max_length=200, blank=True)
    return_carrier = models.CharField(max_length=20, blank=True)
    return_tracking_number = models.CharField(max_length=40, blank=True)
    restocked = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_line"],
                condition=Q(status__in=["requested", "approved", "returned", "received"]),
                name="shop_aftersale_one_open_per_line",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="shop_aftersale_amount_positive"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def can_withdraw(self) -> bool:
        """The buyer may take a request back while the merchant has not decided it, and a return until
        the item is on its way back; an agreed refund only is already going out."""
        return self.status == self.Status.REQUESTED or (
            self.status == self.Status.APPROVED and self.kind == self.Kind.RETURN_AND_REFUND
        )

    @property
    def awaits_return(self) -> bool:
        """Agreed, and waiting for the buyer to send the item back (with a tracking number)."""
        return self.kind == self.Kind.RETURN_AND_REFUND and self.status == self.Status.APPROVED


class AfterSalePhoto(models.Model):
    after_sale = models.ForeignKey(AfterSale, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="aftersales/%Y/%m/")
    created_at = models.DateTimeField(default=timezone.now)


class AfterSaleEvent(models.Model):
    """The request's history, shown to both sides."""

    after_sale = models.ForeignKey(AfterSale, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=AfterSale.Status.choices)
    message = models.CharField(max_length=300, blank=True)
    actor_role = models.CharField(max_length=10, default="system")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
