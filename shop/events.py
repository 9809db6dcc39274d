"""What the shop announces. Every event is sent once the transaction that made it has committed
(`send_on_commit`), so a listener never sees a change that was rolled back, and never runs inside the
shop's transaction. shop imports no listener: the shop's own reactions live in shop/receivers.py and
the distributor program (referral) listens from its own app.

Each signal lists the keyword arguments it is sent with. Amounts are Decimal; ids are ints. Receivers
run in the store's schema (the connection's, as in the request or task that sent them)."""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# kwargs: product_id, actor_id
product_published = Signal()
# A SKU's stock fell to or below its low-stock threshold (once per crossing).
# kwargs: sku_id, stock, threshold
stock_low = Signal()
# A buyer signed in (SMS code or WeChat; on the storefront or through the buyer API), their account made
# on the spot the first time. previous_session_key is the storefront session they browsed with before
# ("" for the API), so a guest cart kept under it can be merged into theirs.
# kwargs: user_id, previous_session_key
buyer_signed_in = Signal()

# Orders. kwargs of each: order_id, buyer_id, and as listed.
order_placed = Signal()  # payable
order_paid = Signal()  # amount, paid_at
order_cancelled = Signal()  # reason
order_shipped = Signal()  # carrier, tracking_number
order_completed = Signal()  # completed_at
# The tracking provider says a parcel was signed for (once per shipment).
# kwargs: order_id, buyer_id, shipment_id, delivered_at (the carrier's time of signing, or None)
shipment_delivered = Signal()
# Money went back to the buyer for one line (a partial refund is one event per line it covers).
# kwargs: order_id, buyer_id, order_line_id, amount (this refund's share of the line), line_refunded
# (the line's refunded total so far), line_paid (what was paid for the line), refund_id
order_item_refunded = Signal()
# An after-sales request changed state. kwargs: after_sale_id, order_id, buyer_id, status
after_sale_changed = Signal()


def send_on_commit(signal: Signal, **payload) -> None:
    """Announce `signal` with `payload` after the current transaction commits (at once outside one).
    A failing receiver is logged, not raised: the change it reacts to is already committed, and the
    request or task that made it must still get its answer."""

    def send():
        for receiver, result in signal.send_robust(sender=None, **payload):
            if isinstance(result, Exception):
                logger.error(
                    "receiver %r of %s failed",
                    receiver,
                    signal,
                    exc_info=(type(result), result, result.__traceback__),
                )

    transaction.on_commit(send)
