"""The base every buyer endpoint (/api/v1/buyer/...) is built on. Like the staff base (api/base.py) it
fails closed:

- it answers only on a store host;
- the caller must be an authenticated, active buyer of this store (a customer row of this store's
  schema: a staff token is refused, and a token or session of another store is not even found here);
- a viewset names its model's owner field (`buyer_field`) and its rows through `get_buyer_queryset()`;
  the base itself filters them to the caller, and a subclass that overrides `get_queryset()` — and so
  could skip that filter — is refused when it is defined.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotAuthenticated, PermissionDenied

from api.base import StoreWritable, current_store


class IsStoreBuyer(permissions.BasePermission):
    message = _("Only a signed-in customer of this store can use this endpoint.")

    def has_permission(self, request, view):
        user = request.user
        return current_store(request) is not None and user.is_authenticated and user.is_buyer


class BuyerMixin:
    permission_classes = [IsStoreBuyer, StoreWritable]

    @property
    def buyer(self):
        """The signed-in buyer, checked again here so that no code path gets a user that is not one."""
        if current_store(self.request) is None:
            raise PermissionDenied(_("This endpoint answers on a store's own address only."))
        user = self.request.user
        if not user.is_authenticated:
            raise NotAuthenticated()
        if not user.is_buyer:
            raise PermissionDenied(IsStoreBuyer.message)
        return user


class BuyerScopedMixin(BuyerMixin):
    # The model's field that points at its buyer, e.g. "buyer".
    buyer_field = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not override get_queryset(); define get_buyer_queryset()")

    def get_buyer_queryset(self):
        raise NotImplementedError(f"{type(self).__name__} must define get_buyer_queryset()")

    def get_queryset(self):
        buyer = self.buyer
        if not self.buyer_field:
            raise NotImplementedError(f"{type(self).__name__} must name its buyer_field")
        return self.get_buyer_queryset().filter(**{self.buyer_field: buyer})


class BuyerViewSet(BuyerScopedMixin, viewsets.GenericViewSet):
    """Base for buyer endpoints over the buyer's own rows: compose with DRF's mixins."""
