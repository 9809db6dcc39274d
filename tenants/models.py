"""Public-schema models: the stores (tenants), their domains, storefront templates, the operator log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from tenants.storage import platform_storage

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}

DEFAULT_THEME = {
    "primary": "#e4393c",
    "accent": "#ff9000",
    "background": "#f7f7f7",
    "surface": "#ffffff",
    "text": "#222222",
    "radius": "12px",
    "font": "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', sans-serif",
}


class StoreTemplate(models.Model):
    """A storefront look a merchant picks at signup and can switch later."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    # Uploaded by an operator, shown on the platform and in every store's console: the public folder.
    preview_image = models.ImageField(
        _("preview image"), upload_to="templates/", blank=True, storage=platform_storage
    )
    # Colours, radius, font: rendered into CSS custom properties on every storefront page.
    theme = models.JSONField(_("theme tokens"), default=dict, blank=True)
    # Ordered home-page sections, e.g. [{"type": "banner"}, {"type": "hot_products", "title": "..."}]
    home_sections = models.JSONField(_("home page sections"), default=list, blank=True)
    is_active = models.BooleanField(_("offered at signup"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("storefront template")

    def __str__(self):
        return self.name

    @property
    def theme_tokens(self) -> dict:
        return {**DEFAULT_THEME, **(self.theme or {})}


class BillingLock(models.TextChoices):
    TRIAL_ENDED = "trial_ended", _("trial ended")
    PAST_DUE = "past_due", _("payment overdue")
    ENDED = "ended", _("subscription ended")


BILLING_LOCK_MESSAGES = {
    BillingLock.TRIAL_ENDED: _(
        "Your free trial has ended. The store is read-only and takes no orders until you choose a plan."
    ),
    BillingLock.PAST_DUE: _(
        "Your subscription payment is overdue. The store is read-only and takes no orders until it is paid."
    ),
    BillingLock.ENDED: _(
        "Your subscription has ended. The store is read-only and takes no orders until you choose a plan."
    ),
}


class Store(TenantMixin):
    """A merchant's store: one PostgreSQL schema. Pool rows are ready schemas not yet claimed."""

    class Status(models.TextChoices):
        POOL = "pool", _("in warm pool")
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        PLATFORM = "platform", _("platform")

    name = models.CharField(_("store name"), max_length=80, blank=True)
    # The subdomain. NULL while the schema waits in the pool; unique once claimed.
    slug = models.SlugField(_("subdomain"), max_length=30, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.POOL, db_index=True
    )
    status_reason = models.TextField(_("status reason"), blank=True)
    template = models.ForeignKey(
        StoreTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stores",
        verbose_name=_("storefront template"),
    )
    logo = models.ImageField(_("logo"), upload_to="logo/", blank=True)
    owner_name = models.CharField(_("owner name"), max_length=80, blank=True)
    owner_email = models.EmailField(_("owner email"), blank=True)
    owner_phone = models.CharField(_("owner phone"), max_length=20, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    time_zone = models.CharField(_("time zone"), max_length=40, default="Asia/Shanghai")
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(_("opened"), null=True, blank=True, db_index=True)
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    # Set by billing when the store's plan lapsed (trial over, a renewal failed past its grace period, the
    # subscription ended): the console and API turn read-only but for billing itself, checkout closes, the
    # storefront stays visible. Blank while the plan is in good standing.
    billing_lock = models.CharField(_("billing lock"), max_length=12, choices=BillingLock.choices, blank=True)

    # Schemas are made by our provisioning service (clone or pool claim), never by save().
    auto_create_schema = False
    auto_drop_schema = True

    class Meta:
        ordering = ["-claimed_at", "-id"]
        verbose_name = _("store")

    def __str__(self):
        return self.name or self.slug or self.schema_name

    @property
    def is_platform(self) -> bool:
        return self.schema_name == settings.PUBLIC_SCHEMA_NAME

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED

    @property
    def is_read_only(self) -> bool:
        """Nothing may change: suspended by the platform, or its plan lapsed."""
        return self.is_suspended or bool(self.billing_lock)

    @property
    def read_only_message(self) -> str:
        if self.is_suspended:
            return _("This store is suspended by the platform: %(reason)s") % {"reason": self.status_reason}
        return str(BILLING_LOCK_MESSAGES.get(self.billing_lock, ""))

    @property
    def currency_symbol(self) -> str:
        """How prices of this store are written: "¥" for CNY, else the symbol or the ISO code."""
        return CURRENCY_SYMBOLS.get(self.currency, self.currency + " ")

    @property
    def host(self) -> str:
        return f"{self.slug}.{settings.PLATFORM_DOMAIN}"

    @property
    def theme(self) -> dict:
        return self.template.theme_tokens if self.template_id else dict(DEFAULT_THEME)


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")


class OperatorAction(models.Model):
    """Audit log: every change a platform operator makes, with who, what, when and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("operator")
    )
    action = models.CharField(_("action"), max_length=40, db_index=True)
    target_type = models.CharField(_("target type"), max_length=40)
    target_id = models.CharField(_("target"), max_length=64)
    target_label = models.CharField(_("target name"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("operator action")

    def __str__(self):
        return f"{self.actor} {self.action} {self.target_type}:{self.target_id}"


class StorePaymentAccount(models.Model):
    """What the platform holds about a store's payments, set by a platform operator: the WeChat Pay
    sub-merchant number the store was given under the platform's service-provider account (and the store's
    own app id there, when it has one). A store that pays through the platform needs it; a store with its
    own merchant account does not."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="payment_account")
    wechat_sub_mchid = models.CharField(_("WeChat Pay sub-merchant number"), max_length=12, blank=True)
    wechat_sub_appid = models.CharField(_("sub-merchant app id"), max_length=32, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("store payment account")

    def __str__(self):
        return f"{self.store} payment account"
