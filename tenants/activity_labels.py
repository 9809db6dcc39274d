"""How the platform kernel's store actions read in a store's activity log."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "store.settings_updated": _("Store settings changed"),
    "staff.added": _("Staff member added"),
    "staff.role_changed": _("Staff role changed"),
    "staff.deactivated": _("Staff member deactivated"),
    "staff.reactivated": _("Staff member reactivated"),
}
TARGETS = {"store": _("Store"), "user": _("Staff member")}
