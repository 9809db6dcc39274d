"""What the store told a buyer (paid, shipped, refund decided): the in-app list, also sent by SMS or
email through the backends."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class BuyerNotification(models.Model):
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["buyer", "-created_at"], name="shop_buyernote_buyer")]
