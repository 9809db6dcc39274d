"""The shopping cart: one per signed-in buyer, or one per browser session for a guest (merged into the
buyer's on sign-in). A line remembers the price the buyer saw when adding it, so a changed price is
shown, never silently charged."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shop.models.catalog import SKU


class Cart(models.Model):
    buyer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="cart"
    )
    # A guest's cart belongs to the browser session that made it.
    session_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(buyer__isnull=False) | Q(session_key__isnull=False), name="shop_cart_has_an_owner"
            )
        ]


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(SKU, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    # Ticked for checkout (a buyer may keep lines for later).
    selected = models.BooleanField(default=True)
    # The unit price shown when the line was added or last confirmed.
    price_seen = models.DecimalField(max_digits=12, decimal_places=2)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "sku"], name="shop_cartline_one_per_sku"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shop_cartline_quantity_positive"),
        ]
