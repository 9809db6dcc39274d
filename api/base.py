"""The base every store endpoint is built on. It fails closed:

- it answers only on a store host (never on the platform host, never without a resolved store);
- the caller must be an authenticated, active member of this store's staff (a user row of this store's
  schema, so a session or token of another store cannot even be looked up here);
- a subclass must name its queryset through `get_store_queryset()`; forgetting it is an error, never
  "everything";
- while the store is suspended, only reads are allowed.
"""

from django.utils.translation import gettext as _
from rest_framework import permissions, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.views import APIView

from tenants.hosts import request_store

current_store = request_store


class IsStoreStaff(permissions.BasePermission):
    message = _("Only this store's staff can use this endpoint.")

    def has_permission(self, request, view):
        user = request.user
        return current_store(request) is not None and user.is_authenticated and user.is_store_staff


class IsStoreManager(IsStoreStaff):
    message = _("Only the owner or an administrator can do this.")

    def has_permission(self, request, view):
        return super().has_permission(request, view) and (
            request.method in permissions.SAFE_METHODS or request.user.can_manage_store
        )


class StoreManagersOnly(IsStoreStaff):
    """Owner and administrators, even to read (the activity log, payment settings)."""

    message = _("Only the owner or an administrator can see this.")

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.can_manage_store


class StaffWritesIf(IsStoreStaff):
    """Every staff member reads; a write needs the role `can_write` allows (a shop.permissions rule)."""

    @staticmethod
    def can_write(user) -> bool:
        raise NotImplementedError

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            self.message = IsStoreStaff.message
            return False
        return request.method in permissions.SAFE_METHODS or self.can_write(request.user)


class StoreWritable(permissions.BasePermission):
    def has_permission(self, request, view):
        store = current_store(request)
        if store is not None and store.is_read_only and request.method not in permissions.SAFE_METHODS:
            raise PermissionDenied(store.read_only_message)
        return True


class StoreScoped:
    """The store of the request's host, and the staff check, for every store endpoint."""

    permission_classes = [IsStoreStaff, StoreWritable]

    @property
    def store(self):
        store = current_store(self.request)
        if store is None:
            raise PermissionDenied(_("This endpoint answers on a store's own address only."))
        return store


class StoreAPIView(StoreScoped, APIView):
    """Base for a store's staff endpoints that are no viewset (one settings object: the store, its payment
    or shipping settings). Fails closed: whatever permission classes a subclass names, the caller must be
    this store's staff on this store's host, and a suspended store only reads."""

    def check_permissions(self, request):
        for required in (IsStoreStaff(), StoreWritable()):
            if not required.has_permission(request, self):
                self.permission_denied(request, message=required.message)
        super().check_permissions(request)


class StoreScopedMixin(StoreScoped):
    def get_store_queryset(self):
        raise NotImplementedError(f"{type(self).__name__} must define get_store_queryset()")

    def get_queryset(self):
        self.store  # noqa: B018 - refuses to build any queryset off a store host
        return self.get_store_queryset()


class OnStoreHost(permissions.BasePermission):
    """Anyone, but only on a store's own host and only to read: the buyer-facing catalogue."""

    message = _("This endpoint answers on a store's own address only.")

    def has_permission(self, request, view):
        return current_store(request) is not None and request.method in permissions.SAFE_METHODS


class PublicStoreViewSet(StoreScopedMixin, viewsets.GenericViewSet):
    """Base for what any visitor of a store may read (no sign-in); still scoped and failing closed."""

    permission_classes = [OnStoreHost]
    authentication_classes = []


class StoreViewSet(StoreScopedMixin, viewsets.GenericViewSet):
    """Base for store endpoints: compose with DRF's mixins (ListModelMixin, ...)."""
