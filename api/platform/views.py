from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from api.platform.serializers import (
    PlanSerializer,
    SignupResultSerializer,
    SignupSerializer,
    SubdomainCheckSerializer,
    TemplateSerializer,
)
from billing.selectors import signup_plans
from tenants.accounts.services import api_token_for
from tenants.errors import InvalidInput
from tenants.links import store_url
from tenants.selectors import signup_templates, subdomain_available
from tenants.services.login_tokens import issue_login_token
from tenants.services.signup import open_store_from_signup


class PlatformOnly(permissions.BasePermission):
    """Platform endpoints answer on the platform host only."""

    def has_permission(self, request, view):
        return getattr(request, "tenant", None) is not None and request.tenant.is_platform


class PlanList(generics.ListAPIView):
    """Plans a merchant can sign up for."""

    serializer_class = PlanSerializer
    permission_classes = [PlatformOnly]
    authentication_classes = []
    pagination_class = None

    def get_queryset(self):
        return signup_plans()


class TemplateList(generics.ListAPIView):
    """Storefront templates offered at signup."""

    serializer_class = TemplateSerializer
    permission_classes = [PlatformOnly]
    authentication_classes = []
    pagination_class = None

    def get_queryset(self):
        return signup_templates()


class CheckSubdomain(APIView):
    permission_classes = [PlatformOnly]
    authentication_classes = []

    @extend_schema(
        parameters=[OpenApiParameter("subdomain", str, required=True)], responses=SubdomainCheckSerializer
    )
    def get(self, request):
        if "subdomain" not in request.query_params:
            raise InvalidInput({"subdomain": [_("Give the subdomain to check.")]})
        slug = request.query_params["subdomain"].strip().lower()
        available, message = subdomain_available(slug)
        return Response({"subdomain": slug, "available": available, "message": message})


class Signup(APIView):
    """Open a store. Answers 201 with its URLs, a one-time console login link and an API token."""

    permission_classes = [PlatformOnly]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signup"

    @extend_schema(request=SignupSerializer, responses={201: SignupResultSerializer})
    def post(self, request):
        serializer = SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = open_store_from_signup(data)
        store = result.store
        token = api_token_for(store=store, user=result.owner)
        login_token = issue_login_token(store=store, user=result.owner)
        login = store_url(store, f"/console/login/token/?t={login_token}", request=request)
        body = {
            "store": store.name,
            "subdomain": store.slug,
            "storefront_url": store_url(store, "/", request=request),
            "console_url": store_url(store, "/console/", request=request),
            "login_url": login,
            "token": token,
        }
        return Response(SignupResultSerializer(body).data, status=status.HTTP_201_CREATED)
