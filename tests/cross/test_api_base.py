"""The store API base fails closed."""

import pytest
from rest_framework.exceptions import PermissionDenied
from rest_framework.test import APIRequestFactory

from api.base import StoreViewSet

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
