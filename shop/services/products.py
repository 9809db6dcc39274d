"""Product writes: create, update (the editor's and the API's one save), status changes and deletion.
Each is one business action in one transaction that records itself in the store's activity log; bad
input raises InvalidInput with field-level errors and saves nothing. What a write takes is one
`ProductInput` (shop/services/product_input.py)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop import events, locks
from shop.models import SKU, OrderLine, Product, ProductImage, StockMovement
from shop.services import inventory, media
from shop.services.fields import FieldErrors
from shop.services.product_input import ProductInput, ValidProduct, ValidSku, validate_product_input
from tenants import activity, quotas
from tenants.errors import Conflict, ErrorCode, InvalidInput, NotFound
from tenants.updates import model_update


def search_document_for(product: Product) -> str:
    parts = [product.title, product.subtitle, product.brand.name if product.brand_id else "", *product.tags]
    return " ".join(p for p in parts if p).lower()


def refresh_denormalised(product: Product) -> None:
    """Recompute min/max price, in_stock and the search document of a locked product."""
    inventory.recompute_in_stock([product.pk])
    prices = [
        price
        for price, active in SKU.objects.filter(product=product).values_list("price", "is_active")
        if active
    ] or list(SKU.objects.filter(product=product).values_list("price", flat=True))
    product.min_price = min(prices) if prices else 0
    product.max_price = max(prices) if prices else 0
    product.in_stock = Product.objects.filter(pk=product.pk).values_list("in_stock", flat=True).get()
    product.search_document = search_document_for(product)
    Product.objects.filter(pk=product.pk).update(
        min_price=product.min_price, max_price=product.max_price, search_document=product.search_document
    )


def _create_skus(product: Product, rows: list[ValidSku], *, actor, reason=StockMovement.Reason.INITIAL):
    """New SKUs are invisible to everyone else until commit, so their stock is written directly, each
    with its "initial" (or "import") movement."""
    skus = SKU.objects.bulk_create(
        [SKU(product=product, stock=row.stock or 0, **row.model_fields()) for row in rows]
    )
    now = timezone.now()
    StockMovement.objects.bulk_create(
        [
            StockMovement(
                sku=sku, change=sku.stock, stock_after=sku.stock, reason=reason, actor=actor, created_at=now
            )
            for sku in skus
            if sku.stock
        ]
    )


def _check_sellable(data: ValidProduct, status: str) -> None:
    if status == Product.Status.ON_SALE and not any(row.is_active for row in data.skus):
        raise InvalidInput(
            {"skus": [_("%(title)s needs at least one active SKU to be on sale.") % {"title": data.title}]}
        )


def _apply_status(product: Product, status: str) -> bool:
    """Set a locked product's status by the merchant's rules (not saved): on sale needs an active SKU
    and records the first publication; any merchant decision clears off_sale_by_stock, so a restock
    never undoes it. Returns whether this publishes the product for the first time."""
    if status not in Product.Status.values:
        raise InvalidInput({"status": [_("Choose a status.")]})
    if (
        status == Product.Status.ON_SALE
        and not SKU.objects.filter(product_id=product.pk, is_active=True).exists()
    ):
        raise InvalidInput(
            {"status": [_("Add at least one active SKU before putting this product on sale.")]}
        )
    product.status = status
    product.off_sale_by_stock = False
    first_time = status == Product.Status.ON_SALE and product.published_at is None
    if first_time:
        product.published_at = timezone.now()
    return first_time


def announce_published(product: Product, actor) -> None:
    events.send_on_commit(
        events.product_published, product_id=product.pk, actor_id=getattr(actor, "pk", None)
    )


@transaction.atomic
def create_product(
    *, store, actor, data: ProductInput, stock_reason: str = StockMovement.Reason.INITIAL
) -> Product:
    """Create a product with its SKUs (each SKU's stock is logged as an "initial" movement). Checks the
    plan's product quota. `data.status` None means draft."""
    valid = validate_product_input(data)
    status = valid.status or Product.Status.DRAFT
    _check_sellable(valid, status)
    quotas.check_limit(store, "products", current=Product.objects.count())
    product = Product(status=status, code=valid.code, **valid.product_values())
    product.search_document = search_document_for(product)
    if status == Product.Status.ON_SALE:
        product.published_at = timezone.now()
    product.save()
    if not product.code:
        product.code = f"P{product.pk:06d}"
        Product.objects.filter(pk=product.pk).update(code=product.code)
    _create_skus(product, valid.skus, actor=actor, reason=stock_reason)
    refresh_denormalised(product)
    activity.record(
        actor=actor,
        action="product.created",
        target=product,
        changes={"status": [None, status], "skus": [None, len(valid.skus)]},
    )
    if product.published_at:
        announce_published(product, actor)
    return product


def _stock_changes(rows: list[ValidSku], existing: dict[str, SKU]) -> dict[str, dict]:
    """{spec_key: adjust_stock arguments} for the existing SKUs whose stock the merchant changed.
    A row without `stock` leaves the stock alone; with `stock_seen`, the change is relative to the stock
    now (kept sales stay sold); without, `stock` is the new value. Refuses (InvalidInput on
    "skus.<i>.stock") a change that would take the stock below zero, before anything is written."""
    errors = FieldErrors()
    changes: dict[str, dict] = {}
    for index, row in enumerate(rows):
        sku = existing.get(row.spec_key)
        if sku is None or row.stock is None:
            continue
        if row.stock_seen is None:
            if row.stock != sku.stock:
                changes[row.spec_key] = {"new_stock": row.stock}
            continue
        delta = row.stock - row.stock_seen
        if delta == 0:
            continue
        if sku.stock + delta < 0:
            errors.add(
                f"skus.{index}.stock",
                _(
                    "Only %(stock)s left now (orders came in after you loaded it): the stock cannot go "
                    "down by %(n)s."
                )
                % {"stock": sku.stock, "n": -delta},
            )
        elif sku.stock + delta > inventory.MAX_STOCK:
            errors.add(f"skus.{index}.stock", _("%(label)s is too large.") % {"label": _("Stock")})
        else:
            changes[row.spec_key] = {"delta": delta}
    errors.raise_if_any()
    return changes


def _ordered(sku_ids) -> set[int]:
    return set(OrderLine.objects.filter(sku_id__in=list(sku_ids)).values_list("sku_id", flat=True).distinct())


def _remove_skus(skus: list[SKU]) -> None:
    """SKUs taken out of a product's matrix: deleted, unless they were ever ordered — then retired (kept
    with their title, spec and price for the order history, out of every list and page)."""
    ordered = _ordered(sku.pk for sku in skus)
    SKU.all_objects.filter(pk__in=[sku.pk for sku in skus if sku.pk in ordered]).update(
        retired_at=timezone.now(), is_active=False
    )
    SKU.all_objects.filter(pk__in=[sku.pk for sku in skus if sku.pk not in ordered]).delete()


def _sku_changes(locked: Product, valid: ValidProduct, *, actor, stock_reason) -> dict:
    """Bring the product's SKUs in line with the matrix (the SKU rows are locked: their stock is what it
    is now). Returns what changed, for the activity log."""
    # Retired SKUs too: adding a combination that was ordered before brings its SKU (and history) back.
    existing = {sku.spec_key: sku for sku in SKU.all_objects.filter(product=locked)}
    stock_changes = _stock_changes(valid.skus, existing)
    wanted = {row.spec_key: row for row in valid.skus}
    removed = [existing[key] for key in existing if key not in wanted and existing[key].retired_at is None]
    _remove_skus(removed)
    new_rows, changed = [], []
    for key, row in wanted.items():
        sku = existing.get(key)
        if sku is None:
            new_rows.append(row)
            continue
        if model_update(instance=sku, fields=row.model_fields(), data=row.model_fields(), save=False):
            changed.append(key)
        if sku.retired_at is not None:
            sku.retired_at = None
            changed.append(key)
        if sku.low_stock_alerted and sku.stock > sku.low_stock_threshold:
            sku.low_stock_alerted = False  # the new threshold is no longer crossed
        sku.save(update_fields=[*row.model_fields(), "low_stock_alerted", "retired_at"])
        if key in stock_changes:
            inventory.adjust_stock(
                sku=sku.pk,
                **stock_changes[key],
                reason=stock_reason,
                note=_("changed in the product editor"),
                actor=actor,
            )
    reason = (
        StockMovement.Reason.IMPORT
        if stock_reason == StockMovement.Reason.IMPORT
        else StockMovement.Reason.INITIAL
    )
    _create_skus(locked, new_rows, actor=actor, reason=reason)
    summary = {}
    removed_keys = [sku.spec_key for sku in removed]
    if new_rows:
        summary["skus_added"] = [None, [row.spec_key for row in new_rows]]
    if removed_keys:
        summary["skus_removed"] = [removed_keys, None]
    if changed:
        summary["skus_changed"] = [None, changed]
    return summary


@transaction.atomic
def update_product(
    *,
    product: Product | int,
    expected_version,
    actor,
    data: ProductInput,
    stock_reason: str = StockMovement.Reason.ADJUSTMENT,
) -> Product:
    """Replace the product's fields and SKU matrix (the editor sends everything). Raises Conflict when
    `expected_version` is not the row's current version (someone else saved in between). SKUs whose
    spec_key still exists keep their id and history; their stock changes only when the row carries a
    `stock` (relative to `stock_seen` when given), through the inventory adjustment path ("adjustment"
    movement); new SKUs get an "initial" movement; SKUs no longer in the matrix are deleted.
    `data.status` (None = unchanged) moves the product as set_product_status does, when it differs from
    the current one (so an automatic off-sale survives an edit that leaves the status)."""
    locked = locks.lock_product(product)
    if not isinstance(expected_version, int) or isinstance(expected_version, bool):
        expected_version = None
    if expected_version != locked.version:
        raise Conflict(
            _(
                "Someone else saved this product while you were editing it. Reload it to see their "
                "changes, then make yours again."
            ),
            code=ErrorCode.STALE_VERSION,
        )
    valid = validate_product_input(data, product_id=locked.pk)
    _check_sellable(valid, valid.status or locked.status)
    sku_summary = _sku_changes(locked, valid, actor=actor, stock_reason=stock_reason)
    values = valid.product_values()
    if valid.code:
        values["code"] = valid.code
    changes = model_update(instance=locked, fields=[*values, "code"], data=values, save=False)
    locked.search_document = search_document_for(locked)
    locked.version += 1
    saved_fields = [*ValidProduct.PRODUCT_FIELDS, "code", "search_document", "version", "updated_at"]
    published = False
    if valid.status is not None and valid.status != locked.status:
        before = locked.status
        published = _apply_status(locked, valid.status)
        changes["status"] = [before, locked.status]
        saved_fields += ["status", "off_sale_by_stock", "published_at"]
    # Only what the editor owns: a stock change above may have moved in_stock or the status (sold out,
    # automatic off-sale), and this in-memory copy must not write the old values back.
    locked.save(update_fields=saved_fields)
    refresh_denormalised(locked)
    locked.refresh_from_db()
    if changes or sku_summary:
        activity.record(
            actor=actor, action="product.updated", target=locked, changes={**changes, **sku_summary}
        )
    if published:
        announce_published(locked, actor)
    return locked


@transaction.atomic
def save_product(
    *,
    store,
    actor,
    data: ProductInput,
    product: Product | int | None = None,
    expected_version=None,
    new_images=(),
    video_file=None,
    clear_video: bool = False,
) -> Product:
    """One save of the product editor or the API, all or nothing: create (product=None) or update
    (needs `expected_version`) the fields and SKU matrix, then add `new_images` to the gallery and
    upload `video_file` (or `clear_video`). Any refusal — a field, a stale version, a bad picture or
    video — rolls everything back."""
    if product is None:
        saved = create_product(store=store, actor=actor, data=data)
    else:
        saved = update_product(product=product, expected_version=expected_version, actor=actor, data=data)
    if new_images:
        media.add_product_images(product=saved, files=list(new_images), actor=actor)
    if clear_video:
        saved = media.set_product_video(product=saved, clear=True, actor=actor)
    elif video_file:
        saved = media.set_product_video(product=saved, file=video_file, actor=actor)
    return saved


@transaction.atomic
def set_product_status(*, product: Product | int, status: str, actor) -> Product:
    """The merchant moves one product to draft, on sale (needs an active SKU) or off sale."""
    product = locks.lock_product(product, with_skus=False)
    before = product.status
    published = _apply_status(product, status)
    product.save(update_fields=["status", "off_sale_by_stock", "published_at", "updated_at"])
    if before != product.status:
        activity.record(
            actor=actor, action="product.status_changed", target=product, changes={"status": [before, status]}
        )
    if published:
        announce_published(product, actor)
    return product


def delete_products(ids: list[int], *, actor, note: str = "") -> int:
    """Delete products with their SKUs, pictures and video (files removed after commit). A product that
    was ever ordered is archived instead: off sale and out of every list, its code freed for a new
    product, kept with its pictures for the order history. The caller holds a transaction. Returns how
    many existed."""
    products = locks.lock_products(ids)
    ordered_products = set(
        OrderLine.objects.filter(product_id__in=[p.pk for p in products]).values_list("product_id", flat=True)
    )
    now = timezone.now()
    for product in products:
        activity.record(
            actor=actor,
            action="product.deleted",
            target=product,
            note=" ".join(
                filter(None, [note, _("kept for its orders") if product.pk in ordered_products else ""])
            ),
        )
        if product.pk in ordered_products:
            product.status, product.archived_at = Product.Status.OFF_SALE, now
            product.code = f"{product.code}~{product.pk}"[-40:]
            product.save(update_fields=["status", "archived_at", "code", "updated_at"])
    gone = [p.pk for p in products if p.pk not in ordered_products]
    files = []
    for image in ProductImage.objects.filter(product_id__in=gone):
        files += [image.image.name, image.thumbnail.name]
    files += [p.video_file.name for p in products if p.video_file and p.pk in gone]
    Product.objects.filter(pk__in=gone).update(main_image=None)
    Product.objects.filter(pk__in=gone).delete()
    media.delete_files_on_commit(files)
    return len(products)


@transaction.atomic
def delete_product(*, product: Product | int, actor) -> None:
    if not delete_products([getattr(product, "pk", product)], actor=actor):
        raise NotFound(_("This product no longer exists."))
