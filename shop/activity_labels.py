"""How the shop's actions and objects read in the store's activity log (registered when the app loads)."""

from django.utils.translation import gettext_lazy as _

from tenants.activity import register_labels

register_labels(
    actions={"payment_settings.updated": _("Payment settings changed")},
    targets={"payment_settings": _("Payment settings")},
)
