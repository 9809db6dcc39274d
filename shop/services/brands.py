"""Brands. Each write is one transaction that records itself in the store's activity log."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from shop.models import Brand, Product
from shop.services import fields, media
from shop.services.fields import FieldErrors
from shop.services.products import search_document_for
from tenants import activity
from tenants.errors import NotFound
from tenants.updates import model_update

FIELDS = ("name", "sort_order")


@dataclass(frozen=True)
class BrandInput:
    """What a brand write takes (the console's form and the API's serializer build it). `logo` is an
    uploaded picture; `clear_logo` removes the current one."""

    name: str = ""
    sort_order: int | str = 0
    logo: object = None
    clear_logo: bool = False

    @classmethod
    def of_brand(cls, brand: Brand) -> "BrandInput":
        return cls(name=brand.name, sort_order=brand.sort_order)


def _clean(*, brand_id, name, sort_order) -> dict:
    errors = FieldErrors()
    name = fields.text(name, "name", errors, max_length=60, required=True, label=_("A name"))
    if name and Brand.objects.filter(name__iexact=name).exclude(pk=brand_id).exists():
        errors.add("name", _("There is already a brand called %(name)s.") % {"name": name})
    sort_order = fields.position(sort_order, "sort_order", errors)
    errors.raise_if_any()
    return {"name": name, "sort_order": sort_order}


def _locked(brand: Brand | int) -> Brand:
    found = Brand.objects.select_for_update().filter(pk=getattr(brand, "pk", brand)).first()
    if found is None:
        raise NotFound(_("This brand no longer exists."))
    return found


def _refresh_search_documents(queryset) -> None:
    products = list(queryset.select_related("brand"))
    for product in products:
        product.search_document = search_document_for(product)
    Product.objects.bulk_update(products, ["search_document"])


@transaction.atomic
def create_brand(*, actor, data: BrandInput) -> Brand:
    brand = Brand(**_clean(brand_id=None, name=data.name, sort_order=data.sort_order))
    if data.logo:
        media.store_picture(brand, "logo", data.logo, errors_key="logo")
    brand.save()
    activity.record(
        actor=actor,
        action="brand.created",
        target=brand,
        changes=activity.diff({}, activity.snapshot(brand, FIELDS)),
    )
    return brand


@transaction.atomic
def update_brand(*, actor, brand: Brand | int, data: BrandInput) -> Brand:
    brand = _locked(brand)
    values = _clean(brand_id=brand.pk, name=data.name, sort_order=data.sort_order)
    old_logo = brand.logo.name if brand.logo else ""
    changes = model_update(instance=brand, fields=FIELDS, data=values, save=False)
    if data.logo:
        media.store_picture(brand, "logo", data.logo, errors_key="logo")
        changes["logo"] = [old_logo or None, brand.logo.name]
    elif data.clear_logo and old_logo:
        brand.logo = ""
        changes["logo"] = [old_logo, None]
    brand.save()
    if old_logo and old_logo != (brand.logo.name if brand.logo else ""):
        media.delete_files_on_commit([old_logo])
    if "name" in changes:
        _refresh_search_documents(Product.objects.filter(brand=brand))
    if changes:
        activity.record(actor=actor, action="brand.updated", target=brand, changes=changes)
    return brand


@transaction.atomic
def delete_brand(*, actor, brand: Brand | int) -> None:
    """Products of the brand keep existing, without a brand."""
    brand = _locked(brand)
    product_ids = list(Product.objects.filter(brand=brand).values_list("pk", flat=True))
    logo = brand.logo.name if brand.logo else ""
    activity.record(actor=actor, action="brand.deleted", target=brand)
    brand.delete()
    _refresh_search_documents(Product.objects.filter(pk__in=product_ids))
    media.delete_files_on_commit([logo])
