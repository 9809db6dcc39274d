"""Inventory: reserving, releasing and adjusting stock. Never oversells.

Every change of a SKU is ONE SQL statement that changes the stock only if the result stays >= 0
(`WHERE stock + change >= 0`; a CHECK constraint backs it up) and appends its StockMovement — no
read-modify-write in Python. That statement touches the SKU row and the movement log only: a sale never
writes the product row, so sales of different SKUs of one product never queue behind each other, and the
hot SKU's row lock is held for as little work as possible.

The product row is written only when the RETURNING values show that a SKU crossed zero (sold out, or
back in stock): then `Product.in_stock` is recomputed from the SKUs and the shop's automatic off-sale /
back-on-sale is applied. Likewise a low-stock alert is raised only when a threshold is crossed.

The statement runs prepared on a kept cursor (tenants.db.prepared_cursor): PostgreSQL plans it once per
connection rather than on every sale.

Lock order, to make deadlocks impossible: a transaction locks SKU rows in ascending id order and only
then product rows, in ascending id order; once it holds a product row it never waits for a SKU row (it
may read SKUs). The catalogue's editor follows the same order: the product's SKUs first, then the
product.
"""

from collections import defaultdict
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop import events, locks
from shop.models import SKU, Product, ShopSettings, StockMovement
from tenants import activity
from tenants.db import prepared_cursor
from tenants.errors import Conflict, ErrorCode, InvalidInput, NotFound
from tenants.inputs import ID_MAX, INT_MAX, parse_int

Reason = StockMovement.Reason
RELEASE_REASONS = (Reason.CANCEL, Reason.RETURN)
ADJUST_REASONS = (Reason.ADJUSTMENT, Reason.IMPORT, Reason.INITIAL)
MAX_REFERENCE = 64
MAX_NOTE = 200
# A SKU never holds more than this (far below the integer column's 2**31): a typo of extra digits is
# refused, never stored or overflowed.
MAX_STOCK = 10_000_000


class OutOfStock(Conflict):
    """One or more SKUs do not have the quantity asked for ("sold out"). Nothing was reserved."""

    default_code = ErrorCode.OUT_OF_STOCK

    def __init__(self, message: str, *, sku_ids: list[int]):
        super().__init__(message)
        self.sku_ids = sku_ids

    def details(self) -> dict:
        return {"sku_ids": self.sku_ids}


class _Applied(NamedTuple):
    """What one SKU statement returned."""

    sku_id: int
    product_id: int
    change: int
    stock: int
    threshold: int
    alerted: bool
    is_active: bool

    @property
    def crossed_zero(self) -> bool:
        """Sold out by this change, or back in stock: the product's in_stock may have changed."""
        before = self.stock - self.change
        return self.is_active and (before > 0) != (self.stock > 0)


# One statement per SKU: the conditional update and its movement. The casts give every parameter its
# type when PostgreSQL prepares the statement (server-side binding, see tenants.db).
_STEP_SQL = """
WITH upd AS (
    UPDATE shop_sku SET stock = stock + %(change)s::integer
    WHERE id = %(sku)s::bigint AND stock + %(change)s::integer >= 0 {active_only}
    RETURNING id, product_id, stock, low_stock_threshold, low_stock_alerted, is_active
), mv AS (
    INSERT INTO shop_stockmovement
        (sku_id, change, stock_after, reason, reference, note, actor_id, created_at)
    SELECT id, %(change)s::integer, stock, %(reason)s::varchar, %(reference)s::varchar, %(note)s::varchar,
           %(actor)s::bigint, %(now)s::timestamptz
    FROM upd
)
SELECT id, product_id, stock, low_stock_threshold, low_stock_alerted, is_active FROM upd
"""
_SQL = {active: _STEP_SQL.format(active_only="AND is_active" if active else "") for active in (True, False)}

# Several SKUs at once (an order of many lines): their rows locked in ascending id order first (the
# house lock order), then one statement for all of them — two round trips whatever the number of lines.
_LOCK_SQL = "SELECT id FROM shop_sku WHERE id = ANY(%(ids)s::bigint[]) ORDER BY id FOR UPDATE"
_BATCH_SQL = """
WITH wanted AS (
    SELECT * FROM unnest(%(ids)s::bigint[], %(changes)s::integer[]) AS w(id, change)
), upd AS (
    UPDATE shop_sku s SET stock = s.stock + w.change
    FROM wanted w
    WHERE s.id = w.id AND s.stock + w.change >= 0 {active_only}
    RETURNING s.id, s.product_id, w.change, s.stock, s.low_stock_threshold, s.low_stock_alerted, s.is_active
), mv AS (
    INSERT INTO shop_stockmovement
        (sku_id, change, stock_after, reason, reference, note, actor_id, created_at)
    SELECT id, change, stock, %(reason)s::varchar, %(reference)s::varchar, %(note)s::varchar,
           %(actor)s::bigint, %(now)s::timestamptz
    FROM upd
)
SELECT id, product_id, change, stock, low_stock_threshold, low_stock_alerted, is_active FROM upd ORDER BY id
"""
_BATCH = {
    active: _BATCH_SQL.format(active_only="AND s.is_active" if active else "") for active in (True, False)
}


def _apply_changes(changes: list[tuple[int, int]], *, reason, reference, note, actor, active_only):
    """Apply [(sku_id, change)] (sorted by sku id). Returns (applied list, failed sku ids). Stops at the
    first SKU that cannot take its change; the caller then raises and the transaction rolls back."""
    params = {
        "reason": reason,
        "reference": reference,
        "note": note,
        "actor": getattr(actor, "pk", actor),
        "now": timezone.now(),
    }
    applied: list[_Applied] = []
    if len(changes) > 1:
        if not connection.in_atomic_block:
            raise RuntimeError("several SKUs change together only inside a transaction")
        params["ids"] = [sku_id for sku_id, _change in changes]
        params["changes"] = [change for _sku_id, change in changes]
        with prepared_cursor() as cursor:
            cursor.execute(_LOCK_SQL, params)
            cursor.fetchall()
            cursor.execute(_BATCH[active_only], params)
            rows = cursor.fetchall()
        applied = [_Applied(r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows]
        done = {item.sku_id for item in applied}
        failed = [sku_id for sku_id, _change in changes if sku_id not in done]
        return applied, failed[:1]
    sql = _SQL[active_only]
    with prepared_cursor() as cursor:
        for sku_id, change in changes:
            params["sku"] = sku_id
            params["change"] = change
            cursor.execute(sql, params)
            row = cursor.fetchone()
            if row is None:
                return applied, [sku_id]
            applied.append(_Applied(row[0], row[1], change, row[2], row[3], row[4], row[5]))
    return applied, []


# --- side effects, only when something was crossed ----------------------------------------------------


def _side_effects(applied: list[_Applied]) -> list:
    """What the RETURNING values say must happen besides the stock change: usually nothing. Returns
    a list of zero-argument actions (SKU rows first, then products in id order: the lock order)."""
    actions = []
    for item in applied:
        if not item.is_active:
            continue
        low = item.threshold > 0 and item.stock <= item.threshold
        if low and not item.alerted and item.change < 0:
            actions.append(lambda item=item: _alert_low_stock(item))
        elif not low and item.alerted:
            actions.append(
                lambda pk=item.sku_id: SKU.all_objects.filter(pk=pk).update(low_stock_alerted=False)
            )
    for product_id in sorted({item.product_id for item in applied if item.crossed_zero}):
        actions.append(lambda pk=product_id: _refresh_stock_state(pk))
    return actions


def _after_changes(applied: list[_Applied]) -> None:
    for action in _side_effects(applied):
        action()


def _refresh_stock_state(product_id: int) -> None:
    """After a SKU of the product crossed zero: recompute in_stock from the SKUs and apply the shop's
    rules — sold out takes an on-sale product off sale when the shop asks for it; back in stock puts back
    on sale what that rule took off (never the merchant's own off-sale).

    Locking the product row first, then reading the SKUs in a new statement, makes concurrent crossings
    safe: whoever locks the product last sees every SKU change committed before it, and a SKU change not
    yet committed is itself a crossing that will come through here after it."""
    locked = (
        Product.objects.select_for_update()
        .filter(pk=product_id)
        .values_list("in_stock", "status", "off_sale_by_stock")
        .first()
    )
    if locked is None:
        return
    was_in_stock, status, off_sale_by_stock = locked
    in_stock = SKU.objects.filter(product_id=product_id, is_active=True, stock__gt=0).exists()
    changes = {} if in_stock == was_in_stock else {"in_stock": in_stock}
    if in_stock and status == Product.Status.OFF_SALE and off_sale_by_stock:
        changes.update(status=Product.Status.ON_SALE, off_sale_by_stock=False)
    elif (
        not in_stock and status == Product.Status.ON_SALE and ShopSettings.load().auto_off_sale_when_sold_out
    ):
        changes.update(status=Product.Status.OFF_SALE, off_sale_by_stock=True)
    if changes:
        Product.objects.filter(pk=product_id).update(**changes)


def _alert_low_stock(item: _Applied) -> None:
    # The conditional update makes the alert fire once per crossing even if two sales cross together.
    if not SKU.all_objects.filter(pk=item.sku_id, low_stock_alerted=False).update(low_stock_alerted=True):
        return
    events.send_on_commit(events.stock_low, sku_id=item.sku_id, stock=item.stock, threshold=item.threshold)


# --- input checks --------------------------------------------------------------------------------------


def _positive_int(value, *, maximum: int) -> bool:
    """A positive int that fits its column (ids are bigint, quantities integer)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= maximum


def _normalise_items(items) -> list[tuple[int, int]]:
    """[(sku_id, qty)] -> quantities summed per SKU, sorted by SKU id (the lock order)."""
    if not items:
        raise InvalidInput({"items": [_("Choose at least one item.")]})
    quantities: dict[int, int] = defaultdict(int)
    for index, item in enumerate(items):
        try:
            sku_id, qty = item
        except (TypeError, ValueError):
            raise InvalidInput({f"items.{index}": [_("Each item is a SKU and a quantity.")]}) from None
        if not _positive_int(sku_id, maximum=ID_MAX):
            raise InvalidInput({f"items.{index}.sku": [_("Unknown SKU.")]})
        if not _positive_int(qty, maximum=INT_MAX) or quantities[sku_id] + qty > INT_MAX:
            raise InvalidInput(
                {
                    f"items.{index}.quantity": [
                        _("The quantity must be a whole number from 1 to %(max)s.") % {"max": INT_MAX}
                    ]
                }
            )
        quantities[sku_id] += qty
    return sorted(quantities.items())


def _check_reference(reference: str, *, required: bool) -> str:
    reference = (reference or "").strip()
    if required and not reference:
        raise InvalidInput({"reference": [_("A reference (such as the order number) is required.")]})
    if len(reference) > MAX_REFERENCE:
        raise InvalidInput({"reference": [_("A reference has at most 64 characters.")]})
    return reference


# --- services -----------------------------------------------------------------------------------------


def reserve_stock(items, *, reference: str, actor=None) -> dict[int, int]:
    """Take stock for an order: `items` is [(sku_id, qty), ...] (same SKU may repeat; quantities are
    summed). All or nothing: raises OutOfStock(sku_ids=[...]) when any SKU lacks stock, InvalidInput
    for a qty that is not a positive int, NotFound for an unknown SKU. Movements have reason "order".
    Returns {sku_id: stock_after}."""
    lines = _normalise_items(items)
    reference = _check_reference(reference, required=True)
    changes = [(sku_id, -qty) for sku_id, qty in lines]
    options = {
        "reason": Reason.ORDER,
        "reference": reference,
        "note": "",
        "actor": actor,
        "active_only": True,
    }
    if len(changes) == 1 and not connection.in_atomic_block:
        # Fast path for one SKU outside any transaction (a flash-sale hold, a benchmark): the single
        # statement is atomic by itself (stock and movement together), so it runs in autocommit and the
        # hot row is locked only while that statement runs — no BEGIN/COMMIT round trips while holding
        # it. The rare follow-ups (an alert, sold out) run afterwards in their own transaction; their
        # conditional updates keep them exactly-once.
        applied, failed = _apply_changes(changes, **options)
        if failed:
            _raise_unavailable(lines)
        actions = _side_effects(applied)
        if actions:
            with transaction.atomic():
                for action in actions:
                    action()
    else:
        with transaction.atomic():
            applied, failed = _apply_changes(changes, **options)
            if failed:
                _raise_unavailable(lines)  # the exception rolls back the SKUs already taken
            _after_changes(applied)
    return {item.sku_id: item.stock for item in applied}


def _raise_unavailable(lines: list[tuple[int, int]]):
    """Explain a failed reservation: every SKU that cannot be had (read without locks; the transaction is
    about to roll back)."""
    wanted = dict(lines)
    skus = {sku.pk: sku for sku in SKU.objects.select_related("product").filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in skus]
    if missing:
        raise NotFound(_("This item no longer exists."), code=ErrorCode.SKU_NOT_FOUND)
    short = sorted(pk for pk, sku in skus.items() if not sku.is_active or sku.stock < wanted[pk])
    names = "、".join(str(skus[pk]) for pk in short) or _("an item")
    if all(skus[pk].stock == 0 or not skus[pk].is_active for pk in short):
        message = _("Sold out: %(names)s.") % {"names": names}
    else:
        message = _("Not enough stock left for %(names)s.") % {"names": names}
    raise OutOfStock(message, sku_ids=short or [pk for pk, _qty in lines])


@transaction.atomic
def release_stock(items, *, reference: str, reason: str = Reason.CANCEL, actor=None) -> dict[int, int]:
    """Give stock back (reason "cancel" or "return"). Idempotent per (reference, SKU): releasing the same
    reference twice adds the stock once. Returns {sku_id: stock_after} for the SKUs released now."""
    if reason not in RELEASE_REASONS:
        raise InvalidInput({"reason": [_("Stock is released on a cancellation or a return.")]})
    lines = _normalise_items(items)
    reference = _check_reference(reference, required=True)
    sku_ids = [sku_id for sku_id, _qty in lines]
    # Idempotency: lock the SKU rows first (ascending, the usual order), THEN look for an earlier
    # release of this reference. A concurrent release of the same reference waits on the lock and,
    # once the first commits, its fresh statement sees that release and skips. The unique partial
    # constraint "shop_stockmovement_release_once" backs this up in the database.
    if len(locks.lock_skus(sku_ids)) != len(sku_ids):
        raise NotFound(_("This item no longer exists."), code=ErrorCode.SKU_NOT_FOUND)
    done = set(
        StockMovement.objects.filter(
            sku_id__in=sku_ids, reference=reference, reason__in=RELEASE_REASONS
        ).values_list("sku_id", flat=True)
    )
    todo = [(sku_id, qty) for sku_id, qty in lines if sku_id not in done]
    if not todo:
        return {}
    applied, _failed = _apply_changes(
        todo, reason=reason, reference=reference, note="", actor=actor, active_only=False
    )
    _after_changes(applied)
    return {item.sku_id: item.stock for item in applied}


@transaction.atomic
def adjust_stock(
    *,
    sku: SKU | int,
    new_stock: int | None = None,
    delta: int | None = None,
    reason: str = Reason.ADJUSTMENT,
    note: str = "",
    actor=None,
    reference: str = "",
) -> StockMovement | None:
    """Set the stock to `new_stock`, or change it by `delta` (exactly one of them). Refuses to go below
    zero (InvalidInput on "new_stock"/"delta"). Returns the movement, or None when nothing changed."""
    if reason not in ADJUST_REASONS:
        raise InvalidInput({"reason": [_("Choose a reason for the adjustment.")]})
    if (new_stock is None) == (delta is None):
        raise InvalidInput({"new_stock": [_("Give either the new stock or the change.")]})
    field = "new_stock" if new_stock is not None else "delta"
    value = new_stock if new_stock is not None else delta
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput({field: [_("Stock is a whole number.")]})
    parse_int(value, field=field)  # fits the integer column, or InvalidInput on the field
    if abs(value) > MAX_STOCK:
        raise InvalidInput({field: [_("The stock cannot be more than %(max)s.") % {"max": MAX_STOCK}]})
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput({"note": [_("A note has at most 200 characters.")]})
    reference = _check_reference(reference, required=False)
    sku_id = getattr(sku, "pk", sku)
    # A manual adjustment is rare: locking the row first to learn the current stock is fine here.
    current = SKU.objects.select_for_update().filter(pk=sku_id).values_list("stock", flat=True).first()
    if current is None:
        raise NotFound(_("This SKU no longer exists."))
    change = new_stock - current if new_stock is not None else delta
    if current + change < 0:
        if new_stock is not None:
            message = _("Stock cannot be below 0.")
        else:
            message = _("Only %(stock)s in stock: you cannot take away %(n)s.") % {
                "stock": current,
                "n": -change,
            }
        raise InvalidInput({field: [message]})
    if current + change > MAX_STOCK:
        raise InvalidInput({field: [_("The stock cannot be more than %(max)s.") % {"max": MAX_STOCK}]})
    if change == 0:
        return None
    applied, _failed = _apply_changes(
        [(sku_id, change)], reason=reason, reference=reference, note=note, actor=actor, active_only=False
    )
    _after_changes(applied)
    if actor is not None:
        activity.record(
            actor=actor,
            action="sku.stock_adjusted",
            target_type="sku",
            target_id=sku_id,
            target_label=str(sku) if isinstance(sku, SKU) else "",
            changes={"stock": [current, applied[0].stock]},
            note=note,
        )
    if isinstance(sku, SKU):
        sku.stock = applied[0].stock
    return StockMovement.objects.filter(sku_id=sku_id).order_by("-id").first()


def recompute_in_stock(product_ids) -> None:
    """Set in_stock from the SKUs (after SKUs were added, removed, (de)activated or restocked by an edit).
    The caller holds the products' SKU rows and product rows locked, in that order."""
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE shop_product p SET in_stock = EXISTS (
                   SELECT 1 FROM shop_sku s WHERE s.product_id = p.id AND s.is_active AND s.stock > 0)
               WHERE p.id = ANY(%s)""",
            [sorted(product_ids)],
        )
