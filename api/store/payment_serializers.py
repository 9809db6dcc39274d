"""Shapes of the payment settings API. Secrets are write-only in and masked out ("••••••1a2b"): no answer
ever carries one in full. Input serializers only parse; shop.services.payment_settings checks every rule."""

from rest_framework import serializers

from api.fields import BooleanField, InputSerializer
from shop.models import PaymentSettings
from shop.payments.registry import PROVIDER_CODES
from shop.services.payment_settings import PEM_MAX_LENGTH

_MASKED = "Masked (the last characters only), empty when not set."
_KEEPS = "Write-only. Blank or absent keeps the stored value."


class ProviderStatusSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=PROVIDER_CODES)
    label = serializers.CharField()
    enabled = BooleanField()
    ready = BooleanField(help_text="Enabled and complete: checkout offers it.")
    problems = serializers.ListField(child=serializers.CharField(), help_text="What keeps it from working.")


class PaymentSettingsSerializer(serializers.Serializer):
    wechat_enabled = BooleanField()
    wechat_mode = serializers.ChoiceField(choices=PaymentSettings.WeChatMode.choices)
    wechat_mchid = serializers.CharField()
    wechat_appid = serializers.CharField()
    wechat_cert_serial = serializers.CharField()
    wechat_public_key_id = serializers.CharField()
    wechat_public_key = serializers.CharField(help_text="PEM (a public key, shown in full).")
    wechat_apiv3_key = serializers.CharField(help_text=_MASKED)
    wechat_private_key = serializers.CharField(help_text=_MASKED)
    wechat_sub_mchid = serializers.CharField(help_text="Set by the platform operator (mode “platform”).")
    wechat_sub_appid = serializers.CharField(help_text="Set by the platform operator.")
    platform_offers_wechat = BooleanField(help_text="The platform is a WeChat Pay service provider.")
    stripe_enabled = BooleanField()
    stripe_publishable_key = serializers.CharField()
    stripe_secret_key = serializers.CharField(help_text=_MASKED)
    stripe_webhook_secret = serializers.CharField(help_text=_MASKED)
    providers = ProviderStatusSerializer(many=True)
    available_providers = serializers.ListField(
        child=serializers.ChoiceField(choices=PROVIDER_CODES),
        help_text="What checkout offers, preferred first.",
    )


def _text(max_length: int, **extra):
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, **extra)


class PaymentSettingsInputSerializer(InputSerializer):
    """PATCH: only the fields sent change."""

    wechat_enabled = BooleanField(required=False)
    wechat_mode = serializers.ChoiceField(choices=PaymentSettings.WeChatMode.choices, required=False)
    wechat_mchid = _text(12)
    wechat_appid = _text(18)
    wechat_cert_serial = _text(64)
    wechat_public_key_id = _text(64)
    wechat_public_key = _text(PEM_MAX_LENGTH, help_text="PEM of the WeChat Pay public key (pub_key.pem).")
    wechat_apiv3_key = _text(32, write_only=True, help_text=_KEEPS)
    wechat_private_key = _text(
        PEM_MAX_LENGTH, write_only=True, help_text="PEM of the merchant API private key. " + _KEEPS
    )
    stripe_enabled = BooleanField(required=False)
    stripe_publishable_key = _text(255)
    stripe_secret_key = _text(255, write_only=True, help_text=_KEEPS)
    stripe_webhook_secret = _text(255, write_only=True, help_text=_KEEPS)


class ConnectionTestInputSerializer(InputSerializer):
    provider = serializers.ChoiceField(choices=PROVIDER_CODES)


class ConnectionTestSerializer(serializers.Serializer):
    provider = serializers.CharField()
    ok = BooleanField()
    message = serializers.CharField()
