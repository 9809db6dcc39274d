"""WeChat sign-in: the store's own WeChat apps (an official account for the WeChat browser, a
mini-program) and the WeChat identities linked to its buyers."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.crypto import EncryptedTextField


class WechatSettings(models.Model):
    """One row per store. An app is in use once both its app id and secret are set; secrets are stored
    encrypted and only ever shown masked."""

    official_app_id = models.CharField(_("official account AppID"), max_length=32, blank=True)
    official_app_secret = EncryptedTextField(_("official account AppSecret"), blank=True)
    # snsapi_userinfo (WeChat asks the buyer to share nickname and avatar) instead of the silent
    # snsapi_base, which gives the openid only.
    official_asks_for_profile = models.BooleanField(
        _("ask buyers for their WeChat nickname and avatar"), default=False
    )
    mini_app_id = models.CharField(_("mini-program AppID"), max_length=32, blank=True)
    mini_app_secret = EncryptedTextField(_("mini-program AppSecret"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("WeChat settings")

    @classmethod
    def current(cls) -> "WechatSettings":
        """The store's settings for reading (an unsaved blank row before the first save)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def official_enabled(self) -> bool:
        return bool(self.official_app_id and self.official_app_secret)

    @property
    def mini_enabled(self) -> bool:
        return bool(self.mini_app_id and self.mini_app_secret)


class WechatIdentity(models.Model):
    """A buyer as one of the store's WeChat apps knows them: an openid per app; the unionid (the same for
    every app of one WeChat Open Platform account) links a buyer's official-account and mini-program
    identities to one account."""

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wechat_identities",
        verbose_name=_("buyer"),
    )
    app_id = models.CharField(max_length=32)
    openid = models.CharField(max_length=64)
    unionid = models.CharField(max_length=64, blank=True)
    # The mini-program session key from jscode2session: kept encrypted on the server to decrypt what
    # the mini-program sends later; never returned to any client, never logged.
    session_key = EncryptedTextField(blank=True)
    nickname = models.CharField(max_length=64, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("WeChat identity")
        constraints = [
            models.UniqueConstraint(fields=["app_id", "openid"], name="shop_wechatidentity_unique_openid")
        ]
        indexes = [models.Index(fields=["unionid"], name="shop_wechatidentity_unionid")]

    def __str__(self):
        return f"{self.app_id}:{self.openid}"
