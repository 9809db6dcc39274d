"""The store's payment settings: GET (owner, administrators, finance) shows them with every secret
masked; PATCH (owner, administrators) changes them; POST test/ checks the saved credentials against the
provider. Each parses its input and calls one service of shop.services.payment_settings."""

from dataclasses import asdict

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response

from api.base import IsStoreStaff, StoreAPIView, StoreWritable
from api.store.payment_serializers import (
    ConnectionTestInputSerializer,
    ConnectionTestSerializer,
    PaymentSettingsInputSerializer,
    PaymentSettingsSerializer,
)
from shop.permissions import can_change_payment_settings, can_view_payment_settings
from shop.selectors.payments import payment_settings_overview
from shop.services import payment_settings as services


class PaymentSettingsAccess(IsStoreStaff):
    message = _("Only the owner or an administrator can change the payment settings; finance can read them.")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            self.message = IsStoreStaff.message
            return False
        if request.method in permissions.SAFE_METHODS:
            return can_view_payment_settings(request.user)
        return can_change_payment_settings(request.user)


def _shown(store) -> dict:
    overview = payment_settings_overview(store=store)
    return {
        **overview.values,
        **overview.secrets,
        "wechat_sub_mchid": overview.wechat_sub_mchid,
        "wechat_sub_appid": overview.wechat_sub_appid,
        "platform_offers_wechat": overview.platform_offers_wechat,
        "providers": [asdict(status) for status in overview.providers],
        "available_providers": list(overview.available),
    }


class PaymentSettingsDetail(StoreAPIView):
    """How this store takes payments: WeChat Pay (through the platform or its own merchant account), cards
    with Stripe, or the sandbox while it has neither. Secrets are write-only: answers show them masked."""

    permission_classes = [PaymentSettingsAccess, StoreWritable]

    @extend_schema(responses=PaymentSettingsSerializer)
    def get(self, request):
        return Response(PaymentSettingsSerializer(_shown(self.store)).data)

    @extend_schema(request=PaymentSettingsInputSerializer, responses=PaymentSettingsSerializer)
    def patch(self, request):
        store = self.store
        serializer = PaymentSettingsInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_payment_settings(
            store=store,
            actor=request.user,
            input=services.PaymentSettingsInput.from_data(serializer.validated_data),
        )
        return Response(PaymentSettingsSerializer(_shown(store)).data)


class PaymentConnectionTest(StoreAPIView):
    """One harmless authenticated call to the provider with the saved credentials. 200 either way: `ok` and
    `message` say how it went."""

    permission_classes = [PaymentSettingsAccess, StoreWritable]

    @extend_schema(request=ConnectionTestInputSerializer, responses=ConnectionTestSerializer)
    def post(self, request):
        serializer = ConnectionTestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.test_payment_connection(
            store=self.store, actor=request.user, provider=serializer.validated_data["provider"]
        )
        return Response(ConnectionTestSerializer(asdict(result)).data)
