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

# Who bills a subscription: a provider (Stripe, or the billing sandbox that speaks like it), or nobody (a
# plan the operator granted by hand, which earns nothing and which the clock ends).
STRIPE = "stripe"
SANDBOX = "sandbox"
MANUAL = "manual"
BILLED_BY_PROVIDER = (STRIPE, SANDBOX)
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
    stripe_price_id = models.CharField(_("Stripe price id (monthly)"), max_length=80, blank=True)
    stripe_price_id_yearly = models.CharField(_("Stripe price id (yearly)"), max_length=80, blank=True)
    # A retired plan keeps the stores on it but takes no new ones (signup, checkout).
    is_retired = models.BooleanField(_("retired"), default=False)

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

    def price(self, interval: str):
        return self.price_yearly if interval == Subscription.Interval.YEAR else self.price_monthly

    @property
    def is_paid(self) -> bool:
        return not self.is_trial and (self.price_monthly > 0 or self.price_yearly > 0)

    @property
    def is_on_sale(self) -> bool:
        """A plan a store can subscribe to now: paid, offered, not retired."""
        return self.is_paid and self.is_public and not self.is_retired


class Subscription(models.Model):
    class Interval(models.TextChoices):
        MONTH = "month", _("monthly")
        YEAR = "year", _("yearly")

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
    # Which billing provider holds the paid subscription ("sandbox" or "stripe"; blank while on trial).
    provider = models.CharField(_("billed through"), max_length=12, blank=True)
    interval = models.CharField(_("billed"), max_length=5, choices=Interval.choices, default=Interval.MONTH)
    cancel_at_period_end = models.BooleanField(_("ends at the period's end"), default=False)
    # A failed renewal: the store keeps working until then, read-only after.
    grace_ends_at = models.DateTimeField(_("grace period ends"), null=True, blank=True)
    # The trial reminders already sent ("3", "1"): each once.
    reminders_sent = models.JSONField(default=list, blank=True)
    # The provider's time of the newest event applied to the status (subscription and invoice events) and
    # to the plan (subscription events, a paid invoice's price): an older one arriving later (webhooks come
    # in any order) changes neither.
    synced_at = models.DateTimeField(null=True, blank=True)
    plan_synced_at = models.DateTimeField(null=True, blank=True)
    # For the operator's figures over time: when the store first paid (a trial converted) and when the
    # subscription last ended (churn, or a trial that ended unpaid).
    converted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")

    def __str__(self):
        return f"{self.store} on {self.plan}"

    def save(self, *args, **kwargs):
        now = timezone.now()
        if (
            self.status == self.Status.ACTIVE
            and self.provider in BILLED_BY_PROVIDER
            and not self.converted_at
        ):
            self.converted_at = now
        if self.status in (self.Status.CANCELLED, self.Status.EXPIRED):
            self.ended_at = self.ended_at or now
        else:
            self.ended_at = None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "converted_at", "ended_at"}
        super().save(*args, **kwargs)

    @property
    def trial_days_left(self) -> int | None:
        """Whole days left, counted up: a 7-day trial opened today has 7 days left."""
        if not self.trial_ends_at:
            return None
        seconds = (self.trial_ends_at - timezone.now()).total_seconds()
        return max(0, math.ceil(seconds / 86400))


class BillingEvent(models.Model):
    """A webhook event of a billing provider, stored before it is processed (by a worker) and deduplicated
    by the provider's event id."""

    provider = models.CharField(max_length=12)
    event_id = models.CharField(max_length=120)
    type = models.CharField(max_length=80)
    payload = models.JSONField()
    created = models.DateTimeField(help_text="the provider's time of the event")
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    store = models.ForeignKey(Store, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="billing_event_once_per_provider")
        ]

    def __str__(self):
        return f"{self.provider} {self.type} {self.event_id}"


class Invoice(models.Model):
    """A subscription invoice as the billing provider issued it (the provider keeps the PDF)."""

    class Status(models.TextChoices):
        PAID = "paid", _("paid")
        OPEN = "open", _("unpaid")
        VOID = "void", _("void")

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="invoices")
    provider = models.CharField(max_length=12)
    provider_invoice_id = models.CharField(max_length=120)
    number = models.CharField(_("number"), max_length=60, blank=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices)
    period_start = models.DateTimeField(_("from"), null=True, blank=True)
    period_end = models.DateTimeField(_("to"), null=True, blank=True)
    pdf_url = models.URLField(_("PDF"), max_length=500, blank=True)
    hosted_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_invoice_id"], name="billing_invoice_once_per_provider"
            )
        ]
