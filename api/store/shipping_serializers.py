"""Shapes of the shipping rules (the flat fee, free shipping, a province's own fee, the order clocks). The
input builds shop.services.shipping_rules' one input; the service checks every rule and names the field at
fault ("region_fees.2.fee")."""

from rest_framework import serializers

from api.fields import BooleanField, CharField, InputSerializer, IntegerField, MoneyField
from shop.regions import PROVINCES, province
from shop.services.shipping_rules import RegionFeeInput, ShippingRulesInput


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


class RegionFeeSerializer(serializers.Serializer):
    province_code = serializers.CharField()
    province_name = serializers.SerializerMethodField()
    fee = _money()
    free_over_applies = BooleanField(help_text="Free shipping from the amount applies here too")

    def get_province_name(self, region) -> str:
        found = province(region.province_code)
        return found.name if found else region.province_code


class ShippingRulesSerializer(serializers.Serializer):
    shipping_flat_fee = _money(help_text="Per order, unless the province has its own fee")
    free_shipping_over = _money(allow_null=True, help_text="Free shipping from this amount; null: never")
    region_fees = RegionFeeSerializer(many=True)
    unpaid_timeout_minutes = serializers.IntegerField(help_text="An unpaid order closes after this")
    auto_complete_days = serializers.IntegerField(help_text="A shipped order completes after this")
    after_sale_days = serializers.IntegerField(help_text="After-sales stay open this long after completion")


class RegionFeeInputSerializer(InputSerializer):
    province_code = CharField(max_length=6, help_text="GB/T 2260 province code")
    fee = MoneyField(max_length=20)
    free_over_applies = BooleanField(required=False, default=False)


class ShippingRulesInputSerializer(InputSerializer):
    """All the rules at once (PUT): provinces left out of `region_fees` go back to the flat fee."""

    shipping_flat_fee = MoneyField(max_length=20)
    free_shipping_over = MoneyField(required=False, allow_null=True, default=None, max_length=20)
    region_fees = serializers.ListField(
        child=RegionFeeInputSerializer(), required=False, default=list, max_length=len(PROVINCES)
    )
    # Their bounds are the service's rules (a field error names the one at fault).
    unpaid_timeout_minutes = IntegerField(help_text="5 minutes to 7 days")
    auto_complete_days = IntegerField(help_text="1 to 60")
    after_sale_days = IntegerField(help_text="0 to 365")

    def to_input(self) -> ShippingRulesInput:
        data = self.validated_data
        return ShippingRulesInput(
            shipping_flat_fee=data["shipping_flat_fee"],
            free_shipping_over=data["free_shipping_over"],
            region_fees=tuple(RegionFeeInput(**region) for region in data["region_fees"]),
            unpaid_timeout_minutes=data["unpaid_timeout_minutes"],
            auto_complete_days=data["auto_complete_days"],
            after_sale_days=data["after_sale_days"],
        )
