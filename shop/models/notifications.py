"""Notices in the merchant console."""

from django.db import models
from django.utils import timezone


class MerchantNotification(models.Model):
    """A notice in the merchant console (low stock, ...)."""

    kind = models.CharField(max_length=30, db_index=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
