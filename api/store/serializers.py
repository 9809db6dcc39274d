from django.contrib.auth import get_user_model
from rest_framework import serializers

from api.fields import BooleanField, CharField, InputSerializer
from shop.services.wechat import WechatSettingsInput, masked_secrets
from tenants.models import Store


class StoreSerializer(serializers.ModelSerializer):
    template = serializers.SlugRelatedField(slug_field="code", read_only=True)
    plan = serializers.SerializerMethodField()

    class Meta:
        model = Store
        fields = [
            "name",
            "slug",
            "status",
            "status_reason",
            "template",
            "currency",
            "time_zone",
            "claimed_at",
            "plan",
        ]

    def get_plan(self, store) -> str | None:
        from billing.quotas import plan_for

        plan = plan_for(store)
        return plan.code if plan else None


class StoreSettingsSerializer(InputSerializer):
    name = CharField(max_length=200)
    template = CharField(max_length=40)
    time_zone = CharField(max_length=64, help_text="an IANA time zone, e.g. Asia/Shanghai")


class StaffSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "email", "name", "phone", "role", "is_active", "date_joined", "last_login"]
        read_only_fields = fields


class StaffCreateSerializer(InputSerializer):
    email = CharField(max_length=254)
    name = CharField(max_length=80)
    role = CharField(max_length=20)
    password = CharField(max_length=128, required=False, allow_blank=True, write_only=True)


class StaffUpdateSerializer(InputSerializer):
    # Blank goes on to the service, which refuses it by name (DRF would read a blank form field as absent).
    role = CharField(max_length=20, required=False, allow_blank=True)
    is_active = BooleanField(required=False)


class TokenRequestSerializer(InputSerializer):
    email = CharField()
    password = CharField(style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class WechatSettingsSerializer(serializers.Serializer):
    """The store's WeChat apps as the API shows them: secrets masked, never in full."""

    official_app_id = serializers.CharField()
    official_app_secret = serializers.CharField(help_text="masked")
    official_asks_for_profile = BooleanField()
    official_enabled = BooleanField()
    mini_app_id = serializers.CharField()
    mini_app_secret = serializers.CharField(help_text="masked")
    mini_enabled = BooleanField()

    def to_representation(self, config):
        return {
            "official_app_id": config.official_app_id,
            "official_asks_for_profile": config.official_asks_for_profile,
            "official_enabled": config.official_enabled,
            "mini_app_id": config.mini_app_id,
            "mini_enabled": config.mini_enabled,
            **masked_secrets(config),
        }


class WechatSettingsInputSerializer(InputSerializer):
    official_app_id = serializers.CharField(max_length=32, required=False, allow_blank=True)
    official_app_secret = serializers.CharField(
        max_length=64, required=False, allow_blank=True, write_only=True, help_text="left out: kept as it is"
    )
    official_asks_for_profile = BooleanField(required=False)
    mini_app_id = serializers.CharField(max_length=32, required=False, allow_blank=True)
    mini_app_secret = serializers.CharField(
        max_length=64, required=False, allow_blank=True, write_only=True, help_text="left out: kept as it is"
    )

    def to_input(self, current) -> WechatSettingsInput:
        """What the request leaves out keeps its value; a secret left out or blank keeps the stored one."""
        data = self.validated_data
        return WechatSettingsInput(
            official_app_id=data.get("official_app_id", current.official_app_id),
            official_app_secret=data.get("official_app_secret") or None,
            official_asks_for_profile=data.get(
                "official_asks_for_profile", current.official_asks_for_profile
            ),
            mini_app_id=data.get("mini_app_id", current.mini_app_id),
            mini_app_secret=data.get("mini_app_secret") or None,
        )
