"""After-sales (售后) per order line: a buyer asks for a refund, or to return the item for a refund; the
merchant agrees (a refund only is then paid back at once), or rejects with a reason; a return is
shipped back by the buyer and received by the merchant (who says whether it goes back to stock), then
paid back. The buyer may withdraw an open request. Refunds go back through the provider the order was
paid with, exact to the fen, never more than what was paid for the line less what was refunded."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shop import events
from shop.models import (
    AfterSale,
    AfterSaleEvent,
    AfterSalePhoto,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    Refund,
    ShopSettings,
    StockMovement,
)
from shop.services import inventory, media
from shop.services import orders as order_services
from shop.services.numbers import create_numbered
from tenants import activity
from tenants.errors import Conflict, DomainError, ErrorCode, InvalidInput, NotFound
from tenants.inputs import id_or_none, parse_int, parse_money

logger = logging.getLogger(__name__)
Status = AfterSale.Status
MAX_PHOTOS = 6
MAX_DETAILS = 1000


@dataclass(frozen=True)
class AfterSaleInput:
    """A buyer's request, from the storefront's form or the API alike."""

    order_line_id: int | str
    kind: str
    amount: Decimal | str
    reason: str
    details: str = ""
    quantity: int | str = 0
    photos: tuple = ()


def locked_request(after_sale: AfterSale | int) -> AfterSale:
    found = (
        AfterSale.objects.select_for_update()
        .select_related("order_line__order")
        .filter(pk=getattr(after_sale, "pk", after_sale))
        .first()
    )
    if found is None:
        raise NotFound(_("This after-sales request does not exist."))
    return found


def _require(after_sale: AfterSale, *allowed: str, doing: str) -> None:
    if after_sale.status not in allowed:
        _refuse(after_sale, doing=doing)


def _refuse(after_sale: AfterSale, *, doing: str):
    raise Conflict(
        _("This request is %(status)s: it cannot be %(doing)s.")
        % {"status": after_sale.get_status_display().lower(), "doing": doing},
        code=ErrorCode.ILLEGAL_TRANSITION,
    )


def _step(after_sale: AfterSale, status: str, *, role: str, message: str = "", actor=None) -> None:
    before = after_sale.status
    after_sale.status = status
    AfterSaleEvent.objects.create(
        after_sale=after_sale, status=status, message=message[:300], actor_role=role
    )
    order = after_sale.order_line.order
    order_services.add_event(
        order,
        OrderEvent.Kind.AFTER_SALE,
        actor=actor,
        role=role,
        message=f"{after_sale.number} {after_sale.get_status_display()}",
        after_sale=after_sale.number,
    )
    if role == "merchant":
        activity.record(
            actor=actor,
            action=f"after_sale.{status}",
            target_type="after_sale",
            target_id=after_sale.pk,
            target_label=after_sale.number,
            changes={"status": [before, status], "amount": [None, after_sale.amount]},
            note=message,
        )
    events.send_on_commit(
        events.after_sale_changed,
        after_sale_id=after_sale.pk,
        order_id=order.pk,
        buyer_id=after_sale.buyer_id,
        status=status,
    )


def _text(value, key: str, *, limit: int, required: bool) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        raise InvalidInput({key: [_("Say why.")]})
    if len(value) > limit:
        raise InvalidInput({key: [_("At most %(n)s characters.") % {"n": limit}]})
    return value


def require_after_sales_open(order: Order, *, kind: str) -> None:
    """Whether the order takes a request of `kind` now — paid, shipped, or completed within the store's
    after-sales window; a return only once it shipped — raising why not."""
    order_services.require_status(
        order,
        Order.Status.PAID,
        Order.Status.SHIPPED,
        Order.Status.COMPLETED,
        doing=pgettext("order can be", "refunded"),
    )
    if kind == AfterSale.Kind.RETURN_AND_REFUND and order.status == Order.Status.PAID:
        raise InvalidInput({"kind": [_("This order has not shipped yet: ask for a refund only.")]})
    if order.status == Order.Status.COMPLETED:
        window = ShopSettings.load().after_sale_days
        if order.completed_at and timezone.now() > order.completed_at + timedelta(days=window):
            raise Conflict(
                _("After-sales for this order closed %(days)s days after it completed.") % {"days": window},
                code=ErrorCode.ORDER_CLOSED,
            )


def units_returnable(line: OrderLine) -> int:
    """Units of the line that may still be sent back: its quantity less those of its returns that are
    open or done (a rejected or withdrawn return gives its units back)."""
    asked = (
        line.after_sales.filter(kind=AfterSale.Kind.RETURN_AND_REFUND)
        .exclude(status__in=(Status.REJECTED, Status.WITHDRAWN))
        .aggregate(units=Sum("quantity"))["units"]
    )
    return max(line.quantity - (asked or 0), 0)


def _refund_on_its_way(after_sale: AfterSale) -> bool:
    return after_sale.refunds.filter(status__in=(Refund.Status.PENDING, Refund.Status.SUCCEEDED)).exists()


def takes_after_sales(order: Order, *, kind: str = AfterSale.Kind.REFUND_ONLY) -> bool:
    """The same rule as a yes or no, for pages deciding whether to offer a request."""
    try:
        require_after_sales_open(order, kind=kind)
    except DomainError:
        return False
    return True


@transaction.atomic
def request_after_sale(*, buyer, data: AfterSaleInput) -> AfterSale:
    """The buyer asks for a refund (or a return and refund) of one line of a paid order of theirs."""
    line_id = id_or_none(data.order_line_id)
    line = (
        OrderLine.objects.select_related("order").filter(pk=line_id, order__buyer=buyer).first()
        if line_id
        else None
    )
    if line is None:
        raise NotFound(_("This item is not in your orders."))
    # The photos are checked and stored before the order is locked (storage is a network away).
    photos = [photo for photo in data.photos or () if photo]
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput({"photos": [_("At most %(n)s photos.") % {"n": MAX_PHOTOS}]})
    records = []
    for photo in photos:
        record = AfterSalePhoto()
        media.store_picture(record, "image", photo, errors_key="photos")
        records.append(record)
    order = order_services.lock_order(line.order_id)
    line = OrderLine.objects.select_for_update().get(pk=line.pk)
    if data.kind not in AfterSale.Kind.values:
        raise InvalidInput({"kind": [_("Choose a refund only, or a return and refund.")]})
    require_after_sales_open(order, kind=data.kind)
    if line.after_sales.filter(status__in=AfterSale.OPEN).exists():
        raise Conflict(_("This item already has an open request."), code=ErrorCode.AFTER_SALE_OPEN)
    amount = parse_money(data.amount, field="amount")
    left = line.refundable_amount
    if amount <= 0:
        raise InvalidInput({"amount": [_("The amount must be above 0.")]})
    if amount > left:
        raise InvalidInput(
            {"amount": [_("At most %(amount)s can be refunded for this item.") % {"amount": left}]},
            code=ErrorCode.REFUND_TOO_LARGE,
        )
    try:
        quantity = parse_int(
            data.quantity if data.quantity not in ("", None) else 0,
            field="quantity",
            minimum=0,
            maximum=line.quantity,
        )
    except InvalidInput:
        raise InvalidInput({"quantity": [_("Between 0 and %(n)s units.") % {"n": line.quantity}]}) from None
    if data.kind == AfterSale.Kind.RETURN_AND_REFUND:
        returnable = units_returnable(line)
        if returnable == 0:
            raise InvalidInput({"quantity": [_("Every unit of this item was sent back already.")]})
        if quantity > returnable:
            raise InvalidInput(
                {"quantity": [_("At most %(n)s more units can be sent back.") % {"n": returnable}]}
            )
        quantity = quantity or returnable
    after_sale = create_numbered(
        AfterSale,
        prefix="AS",
        digits=8,
        order_line=line,
        buyer=buyer,
        kind=data.kind,
        amount=amount,
        quantity=quantity,
        reason=_text(data.reason, "reason", limit=200, required=True),
        details=_text(data.details, "details", limit=MAX_DETAILS, required=False),
    )
    for record in records:
        record.after_sale = after_sale
        record.save()
    _step(after_sale, Status.REQUESTED, role="buyer", message=after_sale.reason, actor=buyer)
    return after_sale


@transaction.atomic
def withdraw_after_sale(*, buyer, after_sale: AfterSale | int) -> AfterSale:
    after_sale = locked_request(after_sale)
    if after_sale.buyer_id != buyer.pk:
        raise NotFound(_("This after-sales request does not exist."))
    if not after_sale.can_withdraw or _refund_on_its_way(after_sale):
        _refuse(after_sale, doing=_("withdrawn"))
    after_sale.closed_at = timezone.now()
    _step(after_sale, Status.WITHDRAWN, role="buyer", actor=buyer)
    after_sale.save(update_fields=["status", "closed_at"])
    return after_sale


@transaction.atomic
def approve_after_sale(*, actor, after_sale: AfterSale | int) -> AfterSale:
    """The merchant agrees: a refund only is paid back now; a return waits for the parcel."""
    after_sale = locked_request(after_sale)
    _require(after_sale, Status.REQUESTED, doing=_("approved"))
    after_sale.decided_at = timezone.now()
    _step(after_sale, Status.APPROVED, role="merchant", actor=actor)
    after_sale.save(update_fields=["status", "decided_at"])
    if after_sale.kind == AfterSale.Kind.REFUND_ONLY:
        refund_request(after_sale)
    return after_sale


@transaction.atomic
def reject_after_sale(*, actor, after_sale: AfterSale | int, reason: str) -> AfterSale:
    after_sale = locked_request(after_sale)
    # Once agreed (a refund only) or received (a return), the money is the buyer's: no rejecting then.
    _require(after_sale, Status.REQUESTED, Status.RETURNED, doing=_("rejected"))
    after_sale.reject_reason = _text(reason, "reason", limit=200, required=True)
    after_sale.decided_at = after_sale.closed_at = timezone.now()
    _step(after_sale, Status.REJECTED, role="merchant", message=after_sale.reject_reason, actor=actor)
    after_sale.save(update_fields=["status", "reject_reason", "decided_at", "closed_at"])
    return after_sale


@transaction.atomic
def ship_return(*, buyer, after_sale: AfterSale | int, carrier: str, tracking_number: str) -> AfterSale:
    """The buyer sent the item back, with its carrier and tracking number."""
    from shop.tracking import carriers

    after_sale = locked_request(after_sale)
    if after_sale.buyer_id != buyer.pk:
        raise NotFound(_("This after-sales request does not exist."))
    if after_sale.kind != AfterSale.Kind.RETURN_AND_REFUND:
        raise Conflict(
            _("This request is a refund only: nothing is sent back."), code=ErrorCode.ILLEGAL_TRANSITION
        )
    _require(after_sale, Status.APPROVED, doing=_("shipped back"))
    chosen = carriers.parse_carrier(carrier)
    code = chosen.code
    after_sale.return_carrier = code
    after_sale.return_tracking_number = carriers.check_tracking_number(chosen, tracking_number)
    _step(
        after_sale,
        Status.RETURNED,
        role="buyer",
        message=f"{code} {after_sale.return_tracking_number}",
        actor=buyer,
    )
    after_sale.save(update_fields=["status", "return_carrier", "return_tracking_number"])
    return after_sale


@transaction.atomic
def receive_return(*, actor, after_sale: AfterSale | int, restock: bool) -> AfterSale:
    """The merchant has the item back: the refund goes out, and the units go back to stock if they can be
    sold again (exactly once, whatever happens next)."""
    after_sale = locked_request(after_sale)
    _require(after_sale, Status.RETURNED, doing=_("received"))
    if restock and after_sale.quantity:
        inventory.release_stock(
            [(after_sale.order_line.sku_id, after_sale.quantity)],
            reference=after_sale.number,
            reason=StockMovement.Reason.RETURN,
            actor=actor,
        )
        after_sale.restocked = True
    _step(
        after_sale, Status.RECEIVED, role="merchant", actor=actor, message=_("restocked") if restock else ""
    )
    after_sale.save(update_fields=["status", "restocked"])
    refund_request(after_sale)
    return after_sale


def refund_request(after_sale: AfterSale, *, retry_of: Refund | None = None) -> Refund:
    """The refund of an agreed request, through the payment that paid the order (submitted after commit)."""
    from shop.services import refunds

    order = order_services.lock_order(after_sale.order_line.order_id)
    line = OrderLine.objects.select_for_update().get(pk=after_sale.order_line_id)
    if after_sale.amount > line.refundable_amount:
        raise Conflict(
            _("At most %(amount)s can be refunded for this item.") % {"amount": line.refundable_amount},
            code=ErrorCode.REFUND_TOO_LARGE,
        )
    payment = Payment.objects.filter(pk=order.paid_by_id, status=Payment.Status.SUCCEEDED).first()
    if payment is None:
        raise Conflict(_("This order has no payment to refund."), code=ErrorCode.ILLEGAL_TRANSITION)
    units = after_sale.quantity if after_sale.kind == AfterSale.Kind.RETURN_AND_REFUND else 0
    return refunds.create_refund(
        payment=payment,
        amount=after_sale.amount,
        reason=after_sale.reason,
        after_sale=after_sale,
        lines=[(line, after_sale.amount, units)],
        retry_of=retry_of,
    )


def refunded(*, after_sale_id: int) -> None:
    """The refund of a request went through (called by the payment side, inside its transaction)."""
    after_sale = locked_request(after_sale_id)
    if after_sale.status not in (Status.APPROVED, Status.RECEIVED):
        # Done already (a second report of the same refund), or, impossibly, closed with money out.
        if after_sale.status != Status.REFUNDED:
            logger.error("refund of %s arrived while it is %s", after_sale.number, after_sale.status)
        return
    after_sale.closed_at = timezone.now()
    _step(after_sale, Status.REFUNDED, role="system", message=f"{after_sale.amount}")
    after_sale.save(update_fields=["status", "closed_at"])
