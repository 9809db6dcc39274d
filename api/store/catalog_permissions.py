"""Who may use the catalogue endpoints: every staff member reads; only catalogue editors write."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.base import IsStoreStaff
from shop.permissions import can_edit_catalog


class CatalogEditorOrReadOnly(IsStoreStaff):
    message = _("Your role can read the catalogue but not change it.")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            self.message = IsStoreStaff.message
            return False
        return request.method in permissions.SAFE_METHODS or can_edit_catalog(request.user)
