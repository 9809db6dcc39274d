"""The shop's lock order, written once (as Saleor's warehouse/lock_objects.py): a transaction locks SKU
rows in ascending id order and only then product rows, in ascending id order; once it holds a product
row it never waits for a SKU row (it may read SKUs). Inventory, the product editor, bulk actions and
orders lock through these functions, so no two of them can deadlock.

Stock statements (inventory) lock one SKU row each by their conditional UPDATE, in ascending SKU id
order too (the caller sorts the lines).

Locks go through `SKU.all_objects`: a SKU retired from the matrix after it was ordered still holds that
order's stock, and cancelling or closing the order must lock it and give its stock back."""

from django.utils.translation import gettext as _

from shop.models import SKU, Product
from tenants.errors import NotFound


def lock_skus(sku_ids) -> list[int]:
    """Lock the given SKUs (retired ones included), ascending; returns the ids that exist."""
    return list(
        SKU.all_objects.filter(pk__in=list(sku_ids))
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )


def lock_products(product_ids, *, with_skus: bool = True) -> list[Product]:
    """Lock the products' SKUs (when `with_skus`) and then the products, each ascending; returns the
    products that exist, in id order."""
    ids = sorted({int(pk) for pk in product_ids})
    if with_skus:
        list(
            SKU.all_objects.filter(product_id__in=ids)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", flat=True)
        )
    return list(Product.objects.filter(pk__in=ids).order_by("pk").select_for_update())


def lock_product(product: Product | int, *, with_skus: bool = True) -> Product:
    """One product, locked in the house order (its SKUs first); NotFound when it is gone."""
    found = lock_products([getattr(product, "pk", product)], with_skus=with_skus)
    if not found:
        raise NotFound(_("This product no longer exists."))
    return found[0]
