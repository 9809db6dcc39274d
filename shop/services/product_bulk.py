"""Bulk actions on the product list: one service both faces call, all or nothing."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop import locks
from shop.models import SKU, Category, Product
from shop.services import fields
from shop.services.fields import FieldErrors
from shop.services.products import announce_published, delete_products
from tenants import activity
from tenants.errors import InvalidInput
from tenants.inputs import parse_id

MAX_BULK = 1000
# The actions, in the order the console offers them.
BULK_ACTIONS = {
    "on_sale": gettext_lazy("Put on sale"),
    "off_sale": gettext_lazy("Take off sale"),
    "draft": gettext_lazy("Back to draft"),
    "move_category": gettext_lazy("Move to category"),
    "delete": gettext_lazy("Delete"),
}
_STATUS_OF = {
    "on_sale": Product.Status.ON_SALE,
    "off_sale": Product.Status.OFF_SALE,
    "draft": Product.Status.DRAFT,
}


@dataclass(frozen=True)
class BulkResult:
    action: str
    changed: int


def _ids(product_ids) -> list[int]:
    try:
        ids = {parse_id(pk, field="ids") for pk in product_ids or ()}
    except InvalidInput:
        raise InvalidInput({"ids": [_("Choose products from the list.")]}) from None
    if not ids:
        raise InvalidInput({"ids": [_("Select at least one product.")]})
    if len(ids) > MAX_BULK:
        raise InvalidInput({"ids": [_("Select at most %(n)s products at once.") % {"n": MAX_BULK}]})
    return sorted(ids)


@transaction.atomic
def apply_bulk_action(*, actor, action: str, product_ids, category=None) -> BulkResult:
    """Put on sale / take off sale / back to draft / move to a category / delete several products at
    once. Putting on sale refuses (InvalidInput naming the titles) products without an active SKU.
    Every product changed gets its own activity entry."""
    if action not in BULK_ACTIONS:
        raise InvalidInput({"action": [_("Choose an action.")]})
    ids = _ids(product_ids)
    if action == "delete":
        return BulkResult(action, delete_products(ids, actor=actor, note=_("bulk action")))
    if action == "move_category":
        return BulkResult(action, _move_category(ids, category, actor=actor))
    return BulkResult(action, _set_status(ids, _STATUS_OF[action], actor=actor))


def _set_status(ids: list[int], status: str, *, actor) -> int:
    products = locks.lock_products(ids, with_skus=False)
    if status == Product.Status.ON_SALE:
        sellable = set(
            SKU.objects.filter(product_id__in=ids, is_active=True).values_list("product_id", flat=True)
        )
        unsellable = [p.title for p in products if p.pk not in sellable]
        if unsellable:
            raise InvalidInput(
                {
                    "ids": [
                        _("These products have no active SKU and cannot go on sale: %(titles)s")
                        % {"titles": "、".join(unsellable)}
                    ]
                }
            )
    now = timezone.now()
    published = []
    for product in products:
        before = product.status
        product.status = status
        product.off_sale_by_stock = False
        product.updated_at = now  # bulk_update leaves auto_now fields alone
        if status == Product.Status.ON_SALE and product.published_at is None:
            product.published_at = now
            published.append(product)
        if before != status:
            activity.record(
                actor=actor,
                action="product.status_changed",
                target=product,
                changes={"status": [before, status]},
                note=_("bulk action"),
            )
    Product.objects.bulk_update(products, ["status", "off_sale_by_stock", "published_at", "updated_at"])
    for product in published:
        announce_published(product, actor)
    return len(products)


def _move_category(ids: list[int], category, *, actor) -> int:
    errors = FieldErrors()
    category = fields.existing(Category, category, "category", errors, _("Choose an existing category."))
    errors.raise_if_any()
    products = locks.lock_products(ids, with_skus=False)
    target = category.pk if category else None
    for product in products:
        if product.category_id != target:
            activity.record(
                actor=actor,
                action="product.updated",
                target=product,
                changes={"category": [product.category_id, target]},
                note=_("bulk action"),
            )
    return Product.objects.filter(pk__in=[p.pk for p in products]).update(
        category=category, updated_at=timezone.now()
    )
