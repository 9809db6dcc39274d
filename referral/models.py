"""The distributor program's tables, in each store's schema: the program's settings, grades, distributors,
buyer bindings, the chain snapshotted on each order, the commission ledger and withdrawals.

The ledger is append-only: an entry's amount is never changed. Its `state` moves once, pending →
settled, when the settlement job releases it; reversals, clawbacks and payouts are entries of their own.
Balances are sums of entries (referral/selectors.py), never a stored running total."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_LEVELS = 3  # the law's cap on multi-level distribution (billing.quotas applies the plan's)


def _money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def _rate(verbose_name):
    # A percentage with two places: 10.00 is 10 %.
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, default=Decimal("0.00"))


class ProgramSettings(models.Model):
    """One row per store: how its distributor program runs."""

    enabled = models.BooleanField(_("distributor program on"), default=True)
    levels = models.PositiveSmallIntegerField(
        _("commission levels"),
        default=MAX_LEVELS,
        help_text=_("1 to 3; the store's plan may allow fewer."),
    )
    self_purchase = models.BooleanField(
        _("commission on a distributor's own purchases"),
        default=False,
        help_text=_("On: a distributor buying for themselves earns the first level's commission."),
    )
    freeze_days = models.PositiveSmallIntegerField(
        _("days before commission is released"),
        default=7,
        help_text=_("Counted from the order's completion (0 to 180), so refunds can still reverse it."),
    )
    withdrawal_minimum = _money(_("smallest withdrawal"), default=Decimal("1.00"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("distributor program settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(levels__gte=1, levels__lte=MAX_LEVELS), name="referral_levels_1_3"
            ),
            models.CheckConstraint(
                condition=Q(freeze_days__gte=0, freeze_days__lte=180), name="referral_freeze_days_0_180"
            ),
            models.CheckConstraint(
                condition=Q(withdrawal_minimum__gte=0), name="referral_minimum_not_negative"
            ),
        ]

    @classmethod
    def load(cls) -> "ProgramSettings":
        """The row, made with the defaults the first time (for changing it)."""
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    @classmethod
    def current(cls) -> "ProgramSettings":
        """The settings in force, for reading: the defaults until the merchant saves any (writes nothing)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class Grade(models.Model):
    """A distributor grade and what it earns at each level (a percentage of what was paid for a line)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    rate_1 = _rate(_("level 1 rate (%)"))
    rate_2 = _rate(_("level 2 rate (%)"))
    rate_3 = _rate(_("level 3 rate (%)"))
    is_default = models.BooleanField(_("default grade"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("distributor grade")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="referral_one_default_grade"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"rate_{n}__gte": 0, f"rate_{n}__lte": 100}),
                    name=f"referral_grade_rate_{n}_0_100",
                )
                for n in (1, 2, 3)
            ),
        ]

    def __str__(self):
        return self.name

    def rate_for(self, level: int) -> Decimal:
        return getattr(self, f"rate_{level}")


class Distributor(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACTIVE = "active", _("Active")
        FROZEN = "frozen", _("Frozen")
        REMOVED = "removed", _("Removed")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="distributor", verbose_name=_("user")
    )
    code = models.CharField(_("referral code"), max_length=12, unique=True)
    # The upline: who brought this distributor in. Set once, when they join; never a loop.
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("upline"),
    )
    depth = models.PositiveSmallIntegerField(default=1)  # 1 for a distributor with no upline
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED, db_index=True
    )
    grade = models.ForeignKey(
        Grade, on_delete=models.PROTECT, related_name="distributors", verbose_name=_("grade")
    )
    applied_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("distributor")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="referral_distributor_not_own_parent"),
            models.CheckConstraint(condition=Q(depth__gte=1), name="referral_distributor_depth_positive"),
        ]

    def __str__(self):
        return f"{self.user} ({self.code})"

    @property
    def earns(self) -> bool:
        return self.status == self.Status.ACTIVE


class Binding(models.Model):
    """A buyer belongs to the distributor who first brought them (first touch, permanent)."""

    buyer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referral_binding"
    )
    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="bindings")
    bound_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-bound_at", "-id"]


class CommissionChain(models.Model):
    """Who earns on an order and at what rate, as it was when the order was placed (later changes of
    grades, bindings or settings never touch it). One row per order with at least one earner."""

    order = models.OneToOneField("shop.Order", on_delete=models.CASCADE, related_name="commission_chain")
    taken_at = models.DateTimeField(default=timezone.now)
    # Set when the order completes: its commission is released from then on (completion + freeze days).
    completed_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)


class ChainLevel(models.Model):
    chain = models.ForeignKey(CommissionChain, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField()
    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="+")
    rate = _rate(_("rate (%)"))

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "level"], name="referral_chain_one_per_level"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=MAX_LEVELS), name="referral_chainlevel_1_3"
            ),
        ]


class Withdrawal(models.Model):
    """A distributor takes settled commission out. Its amount is held from the request until it is paid
    (then a payout entry takes it off the ledger) or rejected or failed (then the hold is released)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        PAID = "paid", _("Paid out")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Payout failed")

    HOLDING = (Status.REQUESTED,)

    number = models.CharField(_("withdrawal number"), max_length=24, unique=True)
    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="withdrawals")
    amount = _money(_("amount"))
    method = models.CharField(_("payout method"), max_length=16)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    reason = models.CharField(_("why rejected"), max_length=200, blank=True)
    failure = models.CharField(_("why the payout failed"), max_length=300, blank=True)
    payout_reference = models.CharField(max_length=64, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("withdrawal")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="referral_withdrawal_positive")]

    def __str__(self):
        return self.number


class CommissionEntry(models.Model):
    """One line of a distributor's ledger. Commission is positive; reversals, clawbacks and payouts are
    negative. `pending` entries are not withdrawable yet; `settled` ones are."""

    class Kind(models.TextChoices):
        COMMISSION = "commission", _("Commission")
        REVERSAL = "reversal", _("Refund before release")
        CLAWBACK = "clawback", _("Refund after release")
        PAYOUT = "payout", _("Withdrawal paid out")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SETTLED = "settled", _("Released")

    distributor = models.ForeignKey(Distributor, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices)
    amount = _money(_("amount"))
    # Order entries: the chain (so its release date), the line and the level they are for.
    chain = models.ForeignKey(
        CommissionChain, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    order_line = models.ForeignKey(
        "shop.OrderLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    refund_id = models.BigIntegerField(
        null=True, blank=True
    )  # the shop refund that caused a reversal/clawback
    withdrawal = models.OneToOneField(
        Withdrawal, on_delete=models.PROTECT, null=True, blank=True, related_name="payout_entry"
    )
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("commission entry")
        constraints = [
            # Booked once per line and level, however often the payment is announced.
            models.UniqueConstraint(
                fields=["order_line", "level"],
                condition=Q(kind="commission"),
                name="referral_commission_once",
            ),
            models.CheckConstraint(
                condition=(Q(kind="commission") & Q(amount__gt=0))
                | (~Q(kind="commission") & Q(amount__lt=0)),
                name="referral_entry_sign",
            ),
            models.CheckConstraint(
                condition=Q(kind="payout", withdrawal__isnull=False, state="settled")
                | Q(~Q(kind="payout"), chain__isnull=False, order_line__isnull=False, level__isnull=False),
                name="referral_entry_references",
            ),
        ]
        indexes = [
            models.Index(fields=["distributor", "state"], name="referral_entry_balance"),
            models.Index(fields=["chain"], condition=Q(state="pending"), name="referral_entry_pending"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"
