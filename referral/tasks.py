"""Celery tasks of the distributor program (run inside the store whose schema the message carries)."""

from celery import shared_task

from referral.services import ledger
from tenants.tasks import fan_out


@shared_task
def settle_commissions() -> int:
    """In one store: release the commission that is due. Returns how many entries were released."""
    return ledger.settle_due_commissions().count


@shared_task
def settle_commissions_everywhere() -> int:
    """Beat's dispatcher (beat runs in public): one settlement per active store."""
    return fan_out(settle_commissions)
