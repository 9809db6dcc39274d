from django.contrib.auth import get_user_model
from rest_framework import serializers

from api.fields import CharField, InputSerializer
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
    is_active = serializers.BooleanField(required=False)


class TokenRequestSerializer(InputSerializer):
    email = CharField()
    password = CharField(style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
