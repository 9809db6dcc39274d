"""How the shop's actions and objects read in the store's activity log (registered when the app loads)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "product.created": _("Product created"),
    "product.updated": _("Product changed"),
    "product.status_changed": _("Product status changed"),
    "product.deleted": _("Product deleted"),
    "product.imported": _("Products imported"),
    "product.images_added": _("Pictures added"),
    "product.image_deleted": _("Picture deleted"),
    "product.images_reordered": _("Pictures reordered"),
    "product.main_image_set": _("Main picture chosen"),
    "product.video_changed": _("Video changed"),
    "sku.stock_adjusted": _("Stock adjusted"),
    "category.created": _("Category created"),
    "category.updated": _("Category changed"),
    "category.deleted": _("Category deleted"),
    "category.reordered": _("Categories reordered"),
    "brand.created": _("Brand created"),
    "brand.updated": _("Brand changed"),
    "brand.deleted": _("Brand deleted"),
    "shop_settings.updated": _("Shop settings changed"),
    "payment_settings.updated": _("Payment settings changed"),
    "shipment.state_changed": _("Parcel status changed"),
}
TARGETS = {
    "product": _("Product"),
    "sku": _("SKU"),
    "category": _("Category"),
    "brand": _("Brand"),
    "shop_settings": _("Shop settings"),
    "payment_settings": _("Payment settings"),
    "shipment": _("Parcel"),
}
