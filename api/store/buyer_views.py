"""The buyer API of a store (/api/v1/buyer/...): sign-in by SMS code or from the store's mini-program
(each answers with a token), the buyer's profile and address book. Everything past sign-in is built on
api/buyer_base.py, which lets a buyer see and change their own rows only."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from api.base import current_store
from api.buyer_base import BuyerMixin, BuyerViewSet
from api.store.buyer_serializers import (
    AddressInputSerializer,
    AddressSerializer,
    BuyerSerializer,
    BuyerTokenSerializer,
    PhoneBindSerializer,
    ProfileUpdateSerializer,
    SmsCodeRequestSerializer,
    SmsCodeSentSerializer,
    SmsSignInSerializer,
    WechatMiniSignInSerializer,
)
from shop.models import Address
from shop.services import addresses, buyer_auth, buyer_profile, wechat
from tenants.accounts.services import api_token_for
from tenants.client_ip import client_ip

TAGS = ["buyer"]
REFUSED = OpenApiResponse(description="Refused: the body says which field and why, with a `code`")
LIMITED = OpenApiResponse(
    description="Asked too often: `retry_after` (also a Retry-After header), in seconds"
)


class SignInEndpoint(APIView):
    """Open to anyone on a store host: these make the buyer's token. A token sent along is ignored."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if current_store(request) is None:
            raise PermissionDenied(_("This endpoint answers on a store's own address only."))

    def signed_in(self, buyer) -> Response:
        profile = BuyerSerializer(buyer, context={"request": self.request}).data
        return Response({"token": api_token_for(user=buyer), "buyer": profile})


class SmsCodeRequest(SignInEndpoint):
    """Send a sign-in code by text message. One per number a minute; a daily cap per number and per
    network address."""

    throttle_classes: list = []  # the service's own limits apply (resend gap, daily caps)

    @extend_schema(
        tags=TAGS,
        request=SmsCodeRequestSerializer,
        responses={200: SmsCodeSentSerializer, 400: REFUSED, 429: LIMITED, 503: REFUSED},
    )
    def post(self, request):
        serializer = SmsCodeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sent = buyer_auth.request_sign_in_code(
            store=current_store(request), phone=serializer.validated_data["phone"], ip=client_ip(request)
        )
        return Response(SmsCodeSentSerializer(sent).data)


class SmsSignIn(SignInEndpoint):
    """Sign in with the number and the code sent to it; the first sign-in makes the account."""

    @extend_schema(
        tags=TAGS,
        request=SmsSignInSerializer,
        responses={200: BuyerTokenSerializer, 400: REFUSED, 403: REFUSED},
    )
    def post(self, request):
        serializer = SmsSignInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        buyer = buyer_auth.sign_in_with_code(**serializer.validated_data, ip=client_ip(request))
        return self.signed_in(buyer)


class WechatMiniSignIn(SignInEndpoint):
    """Sign in from the store's mini-program with the code of `wx.login()`. The WeChat session key stays
    on the server."""

    @extend_schema(
        tags=TAGS,
        request=WechatMiniSignInSerializer,
        responses={
            200: BuyerTokenSerializer,
            400: REFUSED,
            403: REFUSED,
            404: REFUSED,
            429: LIMITED,
            503: REFUSED,
        },
    )
    def post(self, request):
        serializer = WechatMiniSignInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.signed_in(wechat.sign_in_with_wechat_mini(code=serializer.validated_data["code"]))


class SignOut(BuyerMixin, APIView):
    """End the token: the next call with it is refused."""

    @extend_schema(tags=TAGS, request=None, responses={204: None})
    def post(self, request):
        Token.objects.filter(user=self.buyer).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class Profile(BuyerMixin, APIView):
    """The signed-in buyer. PATCH changes the name and the avatar (multipart for a picture)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(tags=TAGS, responses=BuyerSerializer)
    def get(self, request):
        return Response(BuyerSerializer(self.buyer, context={"request": request}).data)

    @extend_schema(tags=TAGS, request=ProfileUpdateSerializer, responses={200: BuyerSerializer, 400: REFUSED})
    def patch(self, request):
        # Partial: an empty body changes nothing and is refused (InputSerializer), as the schema says.
        serializer = ProfileUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        buyer = buyer_profile.update_profile(buyer=self.buyer, data=serializer.to_input())
        return Response(BuyerSerializer(buyer, context={"request": request}).data)


class PhoneBinding(BuyerMixin, APIView):
    """Give the account a phone number (or change it), proven by a code sent to it. A number that is
    another buyer's is refused with 409 `phone_taken`: accounts are never merged."""

    @extend_schema(
        tags=TAGS, request=PhoneBindSerializer, responses={200: BuyerSerializer, 400: REFUSED, 409: REFUSED}
    )
    def post(self, request):
        serializer = PhoneBindSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        buyer = buyer_auth.bind_phone(buyer=self.buyer, **serializer.validated_data, ip=client_ip(request))
        return Response(BuyerSerializer(buyer, context={"request": request}).data)


ADDRESS_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="address id")


@extend_schema_view(
    list=extend_schema(tags=TAGS),
    retrieve=extend_schema(tags=TAGS, parameters=[ADDRESS_ID]),
    destroy=extend_schema(tags=TAGS, parameters=[ADDRESS_ID]),
)
class AddressViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, BuyerViewSet
):
    """The buyer's address book (at most 20); the default address comes first."""

    serializer_class = AddressSerializer
    buyer_field = "buyer"
    lookup_value_regex = "[0-9]+"

    def get_buyer_queryset(self):
        return Address.objects.order_by("-is_default", "-updated_at", "-id")

    @extend_schema(
        tags=TAGS,
        request=AddressInputSerializer,
        responses={201: AddressSerializer, 400: REFUSED, 409: REFUSED},
    )
    def create(self, request):
        serializer = AddressInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        address = addresses.add_address(buyer=self.buyer, data=serializer.to_input())
        return Response(AddressSerializer(address).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        parameters=[ADDRESS_ID],
        request=AddressInputSerializer,
        responses={200: AddressSerializer, 400: REFUSED},
    )
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(
        tags=TAGS,
        parameters=[ADDRESS_ID],
        request=AddressInputSerializer,
        responses={200: AddressSerializer, 400: REFUSED},
    )
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool):
        current = self.get_object()
        serializer = AddressInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        address = addresses.update_address(
            buyer=self.buyer, address_id=current.pk, data=serializer.to_input(current if partial else None)
        )
        return Response(AddressSerializer(address).data)

    def perform_destroy(self, instance):
        addresses.delete_address(buyer=self.buyer, address_id=instance.pk)

    @extend_schema(tags=TAGS, parameters=[ADDRESS_ID], request=None, responses={200: AddressSerializer})
    @action(detail=True, methods=["post"], url_path="set-default")
    def set_default(self, request, pk=None):
        address = addresses.set_default_address(buyer=self.buyer, address_id=self.get_object().pk)
        return Response(AddressSerializer(address).data)
