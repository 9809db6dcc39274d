"""The store's activity log (in each store's schema): who did what to which object, with the changed
fields before and after. Written by every service that changes the store — the merchant's and staff's
actions, and the money actions (payments, refunds, commission, withdrawals). Append-only."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityEntry(models.Model):
    # SET_NULL: removing a user never removes the record of what they did; actor_label keeps the name.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # The actor's name or email when it happened; "" for the system (a timeout job, a notification).
    actor_label = models.CharField(_("who"), max_length=120, blank=True)
    # "<target type>.<verb>", e.g. "product.created", "order.shipped", "withdrawal.approved".
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("object type"), max_length=40)
    target_id = models.CharField(_("object"), max_length=64, blank=True)
    target_label = models.CharField(_("object name"), max_length=200, blank=True)
    # {"field": [before, after]} for an update; {"field": [None, value]} for what a creation set.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activity log")
        indexes = [
            models.Index(fields=["target_type", "target_id", "-created_at"], name="activity_target"),
            models.Index(fields=["actor", "-created_at"], name="activity_actor"),
        ]

    def __str__(self):
        return f"{self.actor_label or 'system'} {self.action} {self.target_type}:{self.target_id}"
