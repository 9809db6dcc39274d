"""Withdrawals: a distributor takes released commission out.

    request_withdrawal   the amount is held at once (withdrawable = settled − held): two requests at
                         the same moment queue on the distributor's row, so they never overdraw
    approve_withdrawal   finance approves: the payout provider pays (idempotent by withdrawal number),
                         a payout entry takes the amount off the ledger; a failed payout releases the
                         hold and keeps the provider's reason
    reject_withdrawal    finance rejects with a reason: the hold is released

A negative balance (a clawback bigger than what was left) refuses new requests until later commission
has made it good again. Lock order: the distributor row, then the withdrawal row."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referral.models import CommissionEntry, Distributor, ProgramSettings, Withdrawal
from referral.payouts import PayoutRequest, payout_provider
from referral.permissions import can_decide_withdrawals
from referral.selectors import balances
from shop.services.numbers import new_number
from tenants import activity
from tenants.errors import Conflict, ErrorCode, InvalidInput, NotAllowed, NotFound
from tenants.money import ZERO, MoneyError, to_money

MAX_REASON = 200
Status = Withdrawal.Status


def _lock_distributor(pk: int) -> Distributor:
    found = Distributor.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("This distributor does not exist."), code=ErrorCode.NOT_A_DISTRIBUTOR)
    return found


def _lock_withdrawal(withdrawal: Withdrawal | int) -> Withdrawal:
    pk = getattr(withdrawal, "pk", withdrawal)
    distributor_id = Withdrawal.objects.filter(pk=pk).values_list("distributor_id", flat=True).first()
    if distributor_id is None:
        raise NotFound(_("This withdrawal does not exist."))
    _lock_distributor(distributor_id)
    return Withdrawal.objects.select_for_update().select_related("distributor").get(pk=pk)


def _require_decider(actor) -> None:
    if not can_decide_withdrawals(actor):
        raise NotAllowed(_("Only the owner, administrators and finance staff decide withdrawals."))


def _record(actor, action: str, withdrawal: Withdrawal, before: str, note: str = "") -> None:
    activity.record(
        actor=actor,
        action=action,
        target=withdrawal,
        changes={"status": [before, withdrawal.status], "amount": [None, withdrawal.amount]},
        note=note,
    )


@transaction.atomic
def request_withdrawal(*, distributor: Distributor | int, amount, method: str = "sandbox") -> Withdrawal:
    try:
        amount = to_money(amount)
    except MoneyError:
        raise InvalidInput({"amount": [_("Enter an amount, such as 100.00.")]}) from None
    payout_provider(method)
    distributor = _lock_distributor(getattr(distributor, "pk", distributor))
    if distributor.status != Distributor.Status.ACTIVE:
        raise Conflict(_("Only an active distributor can withdraw."), code=ErrorCode.NOT_A_DISTRIBUTOR)
    minimum = ProgramSettings.current().withdrawal_minimum
    if amount <= ZERO or amount < minimum:
        raise InvalidInput(
            {"amount": [_("Withdraw at least %(minimum)s.") % {"minimum": max(minimum, to_money("0.01"))}]},
            code=ErrorCode.WITHDRAWAL_TOO_SMALL,
        )
    balance = balances(distributor)
    if balance.negative:
        raise Conflict(
            _("Your balance is %(balance)s after a refund: withdrawals resume once new commission covers it.")
            % {"balance": balance.withdrawable},
            code=ErrorCode.COMMISSION_BALANCE_NEGATIVE,
        )
    if amount > balance.withdrawable:
        raise InvalidInput(
            {
                "amount": [
                    _("At most %(available)s can be withdrawn now.") % {"available": balance.withdrawable}
                ]
            },
            code=ErrorCode.WITHDRAWAL_TOO_LARGE,
        )
    withdrawal = Withdrawal.objects.create(
        number=new_number("W"), distributor=distributor, amount=amount, method=method
    )
    activity.record(
        actor=distributor.user,
        action="referral.withdrawal_requested",
        target=withdrawal,
        changes={"status": [None, withdrawal.status], "amount": [None, amount]},
        note=method,
    )
    return withdrawal


@transaction.atomic
def approve_withdrawal(*, actor, withdrawal: Withdrawal | int) -> Withdrawal:
    """Pay the withdrawal out. Approving a paid one again changes nothing. A provider that cannot be
    reached raises ProviderUnavailable and leaves it requested (approve again later: the provider pays
    a number once)."""
    _require_decider(actor)
    withdrawal = _lock_withdrawal(withdrawal)
    if withdrawal.status == Status.PAID:
        return withdrawal
    if withdrawal.status != Status.REQUESTED:
        raise Conflict(_("This withdrawal was already decided."), code=ErrorCode.ILLEGAL_TRANSITION)
    if balances(withdrawal.distributor_id).negative:
        # A clawback since the request took the balance below zero: paying would pay out the store's money.
        raise Conflict(
            _("The distributor's balance went below zero after a refund: reject this withdrawal."),
            code=ErrorCode.COMMISSION_BALANCE_NEGATIVE,
        )
    result = payout_provider(withdrawal.method).send_payout(
        PayoutRequest(
            number=withdrawal.number, amount=withdrawal.amount, user_id=withdrawal.distributor.user_id
        )
    )
    now = timezone.now()
    withdrawal.decided_by, withdrawal.decided_at = actor, now
    if result.succeeded:
        withdrawal.status, withdrawal.payout_reference = Status.PAID, result.reference[:64]
        withdrawal.save(update_fields=["status", "payout_reference", "decided_by", "decided_at"])
        CommissionEntry.objects.create(
            distributor_id=withdrawal.distributor_id,
            kind=CommissionEntry.Kind.PAYOUT,
            state=CommissionEntry.State.SETTLED,
            amount=-withdrawal.amount,
            withdrawal=withdrawal,
            settled_at=now,
        )
        _record(
            actor, "referral.withdrawal_paid", withdrawal, Status.REQUESTED, note=withdrawal.payout_reference
        )
    else:
        withdrawal.status = Status.FAILED
        withdrawal.failure = (result.message or _("The payout failed."))[:300]
        withdrawal.save(update_fields=["status", "failure", "decided_by", "decided_at"])
        _record(actor, "referral.withdrawal_failed", withdrawal, Status.REQUESTED, note=withdrawal.failure)
    return withdrawal


@transaction.atomic
def reject_withdrawal(*, actor, withdrawal: Withdrawal | int, reason: str) -> Withdrawal:
    _require_decider(actor)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise InvalidInput({"reason": [_("Say why.")]})
    if len(reason) > MAX_REASON:
        raise InvalidInput({"reason": [_("At most %(n)s characters.") % {"n": MAX_REASON}]})
    withdrawal = _lock_withdrawal(withdrawal)
    if withdrawal.status != Status.REQUESTED:
        raise Conflict(_("This withdrawal was already decided."), code=ErrorCode.ILLEGAL_TRANSITION)
    withdrawal.status, withdrawal.reason = Status.REJECTED, reason
    withdrawal.decided_by, withdrawal.decided_at = actor, timezone.now()
    withdrawal.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    _record(actor, "referral.withdrawal_rejected", withdrawal, Status.REQUESTED, note=reason)
    return withdrawal
