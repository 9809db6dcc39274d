"""Public-schema models: the plan catalogue and each store's subscription."""

import math
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Store

# Limits a plan sets (None means unlimited) and features it turns on, with the one wording every page
# uses for them (the console's dashboard, the operator's plan pages, the quota refusal).
LIMIT_LABELS = {
    "products": _("Products"),
    "distributors": _("Distributors"),
    "staff": _("Staff accounts"),
    "distribution_levels": _("Distribution levels"),
}
FEATURE_LABELS = {
    "coupons": _("Coupons"),
    "live_rooms": _("Live-stream selling"),
    "analytics": _("Sales analytics"),
    "custom_domain": _("Your own domain"),
    "api_access": _("API access"),
    "posters": _("Referral posters"),
}
LIMIT_KEYS = tuple(LIMIT_LABELS)
FEATURE_KEYS = tuple(FEATURE_LABELS)


class Plan(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    tagline = models.CharField(_("tagline"), max_length=140, blank=True)
    price_monthly = models.DecimalField(
        _("monthly price"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    price_yearly = models.DecimalField(
        _("yearly price"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    trial_days = models.PositiveSmallIntegerField(
        _("trial days"), default=0, help_text=_("0 for a paid plan; >0 for a free trial")
    )
    limits = models.JSONField(_("limits"), default=dict, blank=True)
    features = models.JSONField(_("features"), default=dict, blank=True)
    is_public = models.BooleanField(_("offered at signup"), default=True)
    is_default = models.BooleanField(_("preselected at signup"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    stripe_price_id = models.CharField(_("Stripe price id"), max_length=80, blank=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("plan")

    def __str__(self):
        return self.name

    @property
    def is_trial(self) -> bool:
        return self.trial_days > 0

    def limit(self, key: str) -> int | None:
        value = (self.limits or {}).get(key)
        return None if value in (None, "") else int(value)

    def has_feature(self, key: str) -> bool:
        return bool((self.features or {}).get(key))


class Subscription(models.Model):
    class Status(models.TextChoices):
        TRIALING = "trialing", _("trial")
        ACTIVE = "active", _("active")
        PAST_DUE = "past_due", _("payment overdue")
        EXPIRED = "expired", _("expired")
        CANCELLED = "cancelled", _("cancelled")

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.TRIALING)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    trial_ends_at = models.DateTimeField(_("trial ends"), null=True, blank=True)
    current_period_end = models.DateTimeField(_("paid until"), null=True, blank=True)
    stripe_customer_id = models.CharField(max_length=80, blank=True)
    stripe_subscription_id = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("subscription")

    def __str__(self):
        return f"{self.store} on {self.plan}"

    @property
    def trial_days_left(self) -> int | None:
        """Whole days left, counted up: a 7-day trial opened today has 7 days left."""
        if not self.trial_ends_at:
            return None
        seconds = (self.trial_ends_at - timezone.now()).total_seconds()
        return max(0, math.ceil(seconds / 86400))
