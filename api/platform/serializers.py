from rest_framework import serializers

from api.fields import BooleanField, CharField, InputSerializer
from billing.models import Plan
from billing.selectors import default_plan_code
from tenants.models import StoreTemplate


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "code",
            "name",
            "tagline",
            "price_monthly",
            "price_yearly",
            "currency",
            "trial_days",
            "is_default",
            "limits",
            "features",
        ]


class TemplateSerializer(serializers.ModelSerializer):
    preview_image = serializers.ImageField(read_only=True, use_url=True)
    theme = serializers.JSONField(source="theme_tokens", read_only=True)

    class Meta:
        model = StoreTemplate
        fields = ["code", "name", "description", "preview_image", "theme", "home_sections"]


class SignupSerializer(InputSerializer):
    """Shape only; every business rule is checked by tenants.services.signup.open_store."""

    store_name = CharField(max_length=200)
    subdomain = CharField(max_length=63)
    owner_name = CharField(max_length=200)
    email = CharField(max_length=254)
    phone = CharField(max_length=40, required=False, allow_blank=True, default="")
    password = CharField(max_length=128, write_only=True, style={"input_type": "password"})
    template = CharField(max_length=40)
    plan = CharField(
        max_length=30, required=False, allow_blank=True, default="", help_text="default: the trial plan"
    )

    def validate_plan(self, value: str) -> str:
        # No plan chosen: the platform's default (the wizard preselects the same one).
        return value or default_plan_code()


class SignupResultSerializer(serializers.Serializer):
    store = serializers.CharField()
    subdomain = serializers.CharField()
    storefront_url = serializers.URLField()
    console_url = serializers.URLField()
    login_url = serializers.URLField(help_text="one-time link that logs the owner in (expires in 2 minutes)")
    token = serializers.CharField(help_text="API token for the store's API, as the owner")


class SubdomainCheckSerializer(serializers.Serializer):
    subdomain = serializers.CharField()
    available = BooleanField()
    message = serializers.CharField(allow_blank=True)
