"""referral listens to the shop (shop/events.py; shop never imports referral). Each event is sent once
the shop's transaction committed, in the store's schema; each handler is idempotent, so an event
delivered twice changes nothing the second time."""

from django.dispatch import receiver

from referral.services import chain, ledger
from shop import events


@receiver(events.order_placed, dispatch_uid="referral.snapshot_chain")
def snapshot_chain_of_placed_order(sender, *, order_id: int, **kwargs):
    chain.snapshot_chain(order_id=order_id)


@receiver(events.order_paid, dispatch_uid="referral.book_commission")
def book_commission_of_paid_order(sender, *, order_id: int, **kwargs):
    ledger.book_commission(order_id=order_id)


@receiver(events.order_completed, dispatch_uid="referral.schedule_release")
def schedule_release_of_completed_order(sender, *, order_id: int, completed_at=None, **kwargs):
    ledger.schedule_release(order_id=order_id, completed_at=completed_at)


@receiver(events.order_item_refunded, dispatch_uid="referral.book_refund")
def book_refund_of_refunded_line(sender, *, order_id: int, order_line_id: int, refund_id=None, **kwargs):
    ledger.book_refund(order_id=order_id, order_line_id=order_line_id, refund_id=refund_id)
