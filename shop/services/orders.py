"""Order transitions. Each is one service that locks the order, checks the state it is in, refuses an
illegal move with a clear error (nothing changed), writes the order's history and — for the
merchant's actions and every money-related step — the store's activity log, and announces what happened
on commit (shop/events.py).

    pending_payment → paid        mark_order_paid (from a verified payment notification)
    pending_payment → cancelled   cancel_order (buyer, merchant) / close_unpaid_orders (timeout)
    paid → shipped                ship_order
    shipped → completed           confirm_receipt (buyer) / complete_delivered_orders (after N days)
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from shop import events
from shop.models import Order, OrderEvent, Payment, Shipment, ShopSettings, StockMovement
from shop.selectors.orders import nothing_left_to_ship
from shop.services import inventory
from tenants import activity
from tenants.errors import Conflict, ErrorCode, InvalidInput, NotFound, ProviderUnavailable
from tenants.models import Store

logger = logging.getLogger(__name__)
Status = Order.Status
MAX_REASON = 200
# "This order is <status>: it cannot be <doing>." The two word lists carry their own contexts: in Chinese
# a state ("已付款") and an action ("付款") are different words for the same English one.
_STATUS_WORDS = {
    Status.PENDING_PAYMENT: pgettext_lazy("order is", "awaiting payment"),
    Status.PAID: pgettext_lazy("order is", "paid"),
    Status.SHIPPED: pgettext_lazy("order is", "shipped"),
    Status.COMPLETED: pgettext_lazy("order is", "completed"),
    Status.CANCELLED: pgettext_lazy("order is", "cancelled"),
}


def lock_order(order: Order | int) -> Order:
    """The order row, locked for a transition; NotFound when it is gone."""
    found = Order.objects.select_for_update().filter(pk=getattr(order, "pk", order)).first()
    if found is None:
        raise NotFound(_("This order does not exist."))
    return found


def require_status(order: Order, *allowed: str, doing: str) -> None:
    if order.status not in allowed:
        raise Conflict(
            _("This order is %(status)s: it cannot be %(doing)s.")
            % {"status": _STATUS_WORDS[order.status], "doing": doing},
            code=ErrorCode.ILLEGAL_TRANSITION,
        )


def add_event(
    order: Order, kind: str, *, actor=None, role: str = "system", message: str = "", **data
) -> None:
    OrderEvent.objects.create(
        order=order,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_role=role,
        message=message[:300],
        data=activity.json_value(data),
    )


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise InvalidInput({"reason": [_("Say why.")]})
    if len(reason) > MAX_REASON:
        raise InvalidInput({"reason": [_("At most %(n)s characters.") % {"n": MAX_REASON}]})
    return reason


def _release(order: Order) -> None:
    inventory.release_stock(
        [(line.sku_id, line.quantity) for line in order.lines.all()],
        reference=order.number,
        reason=StockMovement.Reason.CANCEL,
    )


@transaction.atomic
def cancel_order(*, order: Order | int, actor, role: str, reason: str = "") -> Order:
    """Cancel an unpaid order (the buyer, the merchant, or the system when its time ran out): the stock
    goes back on sale, exactly once. A paid order is refunded through after-sales instead."""
    if role not in ("buyer", "merchant", "system"):
        raise InvalidInput({"role": ["buyer, merchant or system"]})
    order = lock_order(order)
    if role == "buyer" and order.buyer_id != getattr(actor, "pk", None):
        raise NotFound(_("This order does not exist."))
    require_status(order, Status.PENDING_PAYMENT, doing=pgettext("order can be", "cancelled"))
    reason = _reason(reason, required=role == "merchant")
    _release(order)
    order.status, order.cancelled_at = Status.CANCELLED, timezone.now()
    order.cancel_reason = reason or (
        _("Not paid in time") if role == "system" else _("Cancelled by the buyer")
    )
    order.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    add_event(order, OrderEvent.Kind.CANCELLED, actor=actor, role=role, message=order.cancel_reason)
    if role == "merchant":
        activity.record(
            actor=actor,
            action="order.cancelled",
            target=order,
            changes={"status": ["pending_payment", "cancelled"]},
            note=reason,
        )
    events.send_on_commit(
        events.order_cancelled, order_id=order.pk, buyer_id=order.buyer_id, reason=order.cancel_reason
    )
    return order


def close_unpaid_orders(*, store=None, now=None, limit: int = 500) -> int:
    """The timeout job: cancel the unpaid orders whose time to pay ran out. Before closing one it asks the
    provider about its payments still open (shop/services/payment_jobs.py): one paid after all pays the
    order instead (its notification was lost), the others are closed at the provider so they can no longer
    be paid. A provider that cannot answer leaves its order for the next run — never closed blindly.

    Each order on its own, in its own transaction, skipping an order another run (or a payment arriving
    right now) holds: running it twice at the same moment cancels each order once and releases its stock
    once, and one order that fails is logged with its number while the rest go on. Returns how many this
    run closed."""
    now = now or timezone.now()
    closed = 0
    due = list(
        Order.objects.filter(status=Status.PENDING_PAYMENT, pay_deadline__lte=now)
        .order_by("pay_deadline")
        .values_list("pk", "number")[:limit]
    )
    for pk, number in due:
        try:
            if _close_unpaid(pk, now=now, store=store):
                closed += 1
        except ProviderUnavailable as error:
            logger.warning(
                "unpaid order %s left open: the provider did not answer (%s)", number, error.message
            )
        except Exception:
            logger.exception("could not close unpaid order %s", number)
    return closed


def _close_unpaid(pk: int, *, now, store) -> bool:
    from shop.services import payment_jobs

    due = Order.objects.filter(pk=pk, status=Status.PENDING_PAYMENT, pay_deadline__lte=now)
    open_payments = Payment.objects.filter(order_id=pk, status__in=payment_jobs.OPEN_PAYMENT_STATES)
    if open_payments.exists():
        # The provider's calls, outside any lock: past the deadline start_payment records no new payment,
        # and one recorded meanwhile is seen under the lock below and left for the next run.
        order = due.first()
        if order is None:
            return False
        store = store or Store.objects.get(schema_name=connection.schema_name)
        if not payment_jobs.check_open_payments(store=store, order=order, now=now):
            return False  # paid after all
    with transaction.atomic():
        order = due.select_for_update(skip_locked=True).first()
        if order is None or open_payments.exists():
            return False  # another run has it, or a payment it has not asked about yet: the next run
        cancel_order(order=order, actor=None, role="system")
        return True


def mark_order_paid(*, order: Order, payment) -> Order:
    """A locked, unpaid order is paid by `payment` (called by the payment service with a verified payment
    of the full amount, inside its transaction); the order's refunds go back through that payment."""
    require_status(order, Status.PENDING_PAYMENT, doing=pgettext("order can be", "paid"))
    amount, paid_at, provider = payment.amount, payment.paid_at, payment.provider
    order.status, order.paid_at, order.paid_amount, order.payment_provider, order.paid_by = (
        Status.PAID,
        paid_at,
        amount,
        provider,
        payment,
    )
    order.save(update_fields=["status", "paid_at", "paid_amount", "payment_provider", "paid_by"])
    add_event(order, OrderEvent.Kind.PAID, message=f"{amount}", provider=provider)
    activity.record(
        actor=None,
        action="order.paid",
        target=order,
        changes={"status": ["pending_payment", "paid"], "paid_amount": [None, amount]},
        note=provider,
    )
    events.send_on_commit(
        events.order_paid, order_id=order.pk, buyer_id=order.buyer_id, amount=amount, paid_at=paid_at
    )
    return order


def _require_something_to_ship(order: Order) -> None:
    """An order whose every line was refunded in full (or is being refunded in full) has nothing left to
    send: shipping it would send goods the buyer has had their money back for."""
    if nothing_left_to_ship(order):
        raise Conflict(
            _(
                "Every item of this order was refunded in full: there is nothing to ship. Do not send "
                "the parcel; the order is closed for shipping."
            ),
            code=ErrorCode.ORDER_REFUNDED,
        )


@transaction.atomic
def ship_order(*, order: Order | int, actor, carrier: str, tracking_number: str) -> Shipment:
    """The merchant ships a paid order with a carrier and tracking number; it completes by itself after
    the store's number of days unless the buyer confirms receipt earlier."""
    from shop.tracking import carriers

    order = lock_order(order)
    require_status(order, Status.PAID, doing=pgettext("order can be", "shipped"))
    _require_something_to_ship(order)
    chosen = carriers.parse_carrier(carrier)
    carrier_code = chosen.code
    number = carriers.check_tracking_number(chosen, tracking_number)
    used = {"tracking_number": [_("This tracking number is already used by another order.")]}
    if Shipment.objects.filter(carrier=carrier_code, tracking_number=number).exists():
        raise InvalidInput(used)
    now = timezone.now()
    try:
        with transaction.atomic():
            shipment = Shipment.objects.create(
                order=order, carrier=carrier_code, tracking_number=number, shipped_at=now
            )
    except IntegrityError:
        # Another order shipped with the same parcel at the same moment (the unique index made this one
        # wait for it, then refused it).
        raise InvalidInput(used) from None
    days = ShopSettings.load().auto_complete_days
    order.status, order.shipped_at, order.auto_complete_at = Status.SHIPPED, now, now + timedelta(days=days)
    order.save(update_fields=["status", "shipped_at", "auto_complete_at"])
    add_event(
        order,
        OrderEvent.Kind.SHIPPED,
        actor=actor,
        role="merchant",
        carrier=carrier_code,
        tracking_number=number,
    )
    activity.record(
        actor=actor,
        action="order.shipped",
        target=order,
        changes={"status": ["paid", "shipped"], "tracking": [None, f"{carrier_code} {number}"]},
    )
    # Once per parcel: the tracking layer subscribes it from a worker (shop/receivers.py).
    events.send_on_commit(
        events.order_shipped,
        order_id=order.pk,
        buyer_id=order.buyer_id,
        carrier=carrier_code,
        tracking_number=number,
    )
    return shipment


def _complete(order: Order, *, actor, role: str) -> Order:
    require_status(order, Status.SHIPPED, doing=pgettext("order can be", "completed"))
    order.status, order.completed_at = Status.COMPLETED, timezone.now()
    order.save(update_fields=["status", "completed_at"])
    add_event(order, OrderEvent.Kind.COMPLETED, actor=actor, role=role)
    events.send_on_commit(
        events.order_completed, order_id=order.pk, buyer_id=order.buyer_id, completed_at=order.completed_at
    )
    return order


@transaction.atomic
def confirm_receipt(*, order: Order | int, buyer) -> Order:
    """The buyer says the parcel arrived: the order completes."""
    order = lock_order(order)
    if order.buyer_id != buyer.pk:
        raise NotFound(_("This order does not exist."))
    return _complete(order, actor=buyer, role="buyer")


def complete_delivered_orders(*, now=None, limit: int = 500) -> int:
    """The auto-complete job: shipped orders past their day complete by themselves (each once, however
    many runs overlap; one that fails is logged with its number and the rest go on). Returns how many
    this run completed."""
    now = now or timezone.now()
    done = 0
    due = list(
        Order.objects.filter(status=Status.SHIPPED, auto_complete_at__lte=now)
        .order_by("auto_complete_at")
        .values_list("pk", "number")[:limit]
    )
    for pk, number in due:
        try:
            with transaction.atomic():
                order = (
                    Order.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, status=Status.SHIPPED, auto_complete_at__lte=now)
                    .first()
                )
                if order is not None:
                    _complete(order, actor=None, role="system")
                    done += 1
        except Exception:
            logger.exception("could not complete delivered order %s", number)
    return done
