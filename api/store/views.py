from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from api.base import IsStoreManager, StoreAPIView, StoreViewSet, StoreWritable, current_store
from api.store.serializers import (
    StaffCreateSerializer,
    StaffSerializer,
    StaffUpdateSerializer,
    StoreSerializer,
    StoreSettingsSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    WechatSettingsInputSerializer,
    WechatSettingsSerializer,
)
from shop.services import wechat
from tenants.accounts import services as staff_services
from tenants.errors import NotAuthenticated
from tenants.services.store_settings import update_store_settings


class StoreDetail(StoreAPIView):
    """The current store. PATCH changes its name, storefront template and time zone (owner or admin)."""

    permission_classes = [IsStoreManager, StoreWritable]

    @extend_schema(responses=StoreSerializer)
    def get(self, request):
        return Response(StoreSerializer(self.store).data)

    @extend_schema(request=StoreSettingsSerializer, responses=StoreSerializer)
    def patch(self, request):
        store = self.store
        serializer = StoreSettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        store = update_store_settings(
            store=store,
            actor=request.user,
            name=data.get("name", store.name),
            template_code=data.get("template", store.template.code if store.template_id else ""),
            time_zone=data.get("time_zone"),
        )
        return Response(StoreSerializer(store).data)


class WechatSettingsDetail(StoreAPIView):
    """The store's WeChat apps for buyers' sign-in (official account, mini-program), owner or admin.
    Secrets are write-only and shown masked."""

    permission_classes = [IsStoreManager, StoreWritable]

    def check_permissions(self, request):
        super().check_permissions(request)
        # Reading the settings is a manager's business too, not every staff member's.
        if not request.user.can_manage_store:
            self.permission_denied(request, message=IsStoreManager.message)

    @extend_schema(responses=WechatSettingsSerializer)
    def get(self, request):
        return Response(WechatSettingsSerializer(wechat.wechat_settings()).data)

    @extend_schema(request=WechatSettingsInputSerializer, responses=WechatSettingsSerializer)
    def patch(self, request):
        serializer = WechatSettingsInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        config = wechat.update_wechat_settings(
            store=self.store,
            actor=request.user,
            data=serializer.to_input(wechat.wechat_settings()),
        )
        return Response(WechatSettingsSerializer(config).data)


STAFF_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="staff member id")


@extend_schema_view(
    retrieve=extend_schema(parameters=[STAFF_ID]), partial_update=extend_schema(parameters=[STAFF_ID])
)
class StaffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StoreViewSet):
    """Staff members of this store. Adding, changing roles and deactivating need owner / administrator."""

    serializer_class = StaffSerializer
    permission_classes = [IsStoreManager, StoreWritable]

    def get_store_queryset(self):
        return staff_services.staff_members()

    @extend_schema(request=StaffCreateSerializer, responses={201: StaffSerializer})
    def create(self, request):
        serializer = StaffCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, _password = staff_services.add_staff_member(
            store=self.store, actor=request.user, **serializer.validated_data
        )
        return Response(StaffSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StaffUpdateSerializer, responses=StaffSerializer)
    def partial_update(self, request, pk=None):
        member = self.get_object()
        # Partial: a form that leaves is_active out must not read as "deactivate" (DRF's checkbox rule).
        serializer = StaffUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "role" in serializer.validated_data:
            member = staff_services.change_staff_role(
                store=self.store, actor=request.user, member=member, role=serializer.validated_data["role"]
            )
        if "is_active" in serializer.validated_data:
            member = staff_services.set_staff_active(
                store=self.store,
                actor=request.user,
                member=member,
                active=serializer.validated_data["is_active"],
            )
        return Response(StaffSerializer(member).data)


class ObtainToken(APIView):
    """Exchange a staff member's email and password for an API token of this store."""

    permission_classes = [permissions.AllowAny]
    # Named so that a refusal is a 401 with a WWW-Authenticate header, not a bare 403.
    authentication_classes = [TokenAuthentication]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
    def post(self, request):
        if current_store(request) is None:
            raise AuthenticationFailed(_("Tokens are issued on a store's own address."))
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = staff_services.authenticate_staff(
                request=request._request,
                email=serializer.validated_data["email"],
                password=serializer.validated_data["password"],
            )
        except NotAuthenticated as error:
            # DRF's own 401 carries the WWW-Authenticate header a client expects.
            raise AuthenticationFailed(error.message, code=error.code) from error
        return Response({"token": staff_services.api_token_for(user=user)})
