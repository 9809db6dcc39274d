"""Who may use the catalogue endpoints: every staff member reads; only catalogue editors write."""

from django.utils.translation import gettext_lazy as _

from api.base import StaffWritesIf
from shop.permissions import can_edit_catalog


class CatalogEditorOrReadOnly(StaffWritesIf):
    message = _("Your role can read the catalogue but not change it.")
    can_write = staticmethod(can_edit_catalog)
