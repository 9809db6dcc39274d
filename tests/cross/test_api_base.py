"""The store API base fails closed."""

import pytest
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from api.base import StoreAPIView, StoreViewSet

pytestmark = pytest.mark.django_db


class ForgetfulViewSet(StoreViewSet):
    """A store endpoint whose author forgot to say what it lists."""


def _view(tenant):
    request = APIRequestFactory().get("/api/v1/forgetful/")
    request.tenant = tenant
    view = ForgetfulViewSet()
    view.request = request
    view.format_kwarg = None
    return view


def test_a_viewset_without_a_store_queryset_refuses_to_list_anything(store_a):
    with pytest.raises(NotImplementedError):
        _view(store_a).get_queryset()


def test_store_viewsets_refuse_to_run_on_the_platform_host():
    from tenants.models import Store

    platform = Store.objects.get(schema_name="public")
    with pytest.raises(PermissionDenied):
        _view(platform).get_queryset()


def test_store_viewsets_refuse_to_run_without_a_resolved_store():
    with pytest.raises(PermissionDenied):
        _view(None).get_queryset()


class OpenSettings(StoreAPIView):
    """A settings endpoint whose author let anyone in."""

    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"secret": "yes"})


def _call(tenant, user):
    request = APIRequestFactory().get("/api/v1/open-settings/")
    request.tenant = tenant
    force_authenticate(request, user=user)
    return OpenSettings.as_view()(request)


def test_a_store_api_view_lets_only_this_stores_staff_in_whatever_its_permissions_say(store_a):
    from django.contrib.auth.models import AnonymousUser

    from tenants.models import Store
    from tests.conftest import make_buyer, owner_of

    assert _call(store_a, AnonymousUser()).status_code == 403
    assert _call(store_a, make_buyer(store_a, "+8613800138009")).status_code == 403
    assert _call(Store.objects.get(schema_name="public"), owner_of(store_a)).status_code == 403
    assert _call(store_a, owner_of(store_a)).data == {"secret": "yes"}
