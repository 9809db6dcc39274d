"""How the store takes payments: which providers are on, and the credentials of its own accounts. Every
secret is an EncryptedTextField (tenants.crypto): encrypted at rest with FIELD_ENCRYPTION_KEYS, never shown
back in full. Public values (merchant numbers, app ids, a public key) are plain text.

The WeChat Pay sub-merchant number of a store that pays through the platform is not here: the platform
operator sets it, in the public schema (tenants.StorePaymentAccount)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.crypto import EncryptedTextField


class PaymentSettings(models.Model):
    """One row per store (pk 1)."""

    class WeChatMode(models.TextChoices):
        PLATFORM = "platform", _("Through the platform (service provider)")
        OWN = "own", _("My own WeChat Pay merchant account")

    wechat_enabled = models.BooleanField(_("take WeChat Pay"), default=False)
    wechat_mode = models.CharField(
        _("WeChat Pay account"), max_length=10, choices=WeChatMode.choices, default=WeChatMode.PLATFORM
    )
    # The store's own merchant account (WeChat mode "own").
    wechat_mchid = models.CharField(_("merchant number (mchid)"), max_length=12, blank=True)
    wechat_appid = models.CharField(_("app id (appid)"), max_length=32, blank=True)
    wechat_cert_serial = models.CharField(_("merchant certificate serial number"), max_length=64, blank=True)
    wechat_public_key_id = models.CharField(_("WeChat Pay public key id"), max_length=64, blank=True)
    wechat_public_key = models.TextField(_("WeChat Pay public key"), blank=True)
    wechat_apiv3_key = EncryptedTextField(_("APIv3 key"), blank=True)
    wechat_private_key = EncryptedTextField(_("merchant API private key"), blank=True)

    stripe_enabled = models.BooleanField(_("take card payments with Stripe"), default=False)
    stripe_publishable_key = models.CharField(_("Stripe publishable key"), max_length=255, blank=True)
    stripe_secret_key = EncryptedTextField(_("Stripe secret key"), blank=True)
    stripe_webhook_secret = EncryptedTextField(_("Stripe webhook signing secret"), blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    SECRET_FIELDS = ("wechat_apiv3_key", "wechat_private_key", "stripe_secret_key", "stripe_webhook_secret")

    class Meta:
        verbose_name = _("payment settings")
        verbose_name_plural = _("payment settings")

    def __str__(self):
        return str(_("payment settings"))

    @classmethod
    def current(cls) -> "PaymentSettings":
        """This store's row, or the unsaved defaults when it never saved any (a read writes nothing)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
