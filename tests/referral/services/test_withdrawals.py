"""Withdrawals: held on request, paid out on approval (once, by withdrawal number), released on a rejection
or a failed payout, refused under the minimum, above what is withdrawable, and for the wrong staff."""

from decimal import Decimal

import pytest

from referral import payouts
from referral.models import CommissionEntry, Withdrawal
from referral.services import withdrawals
from tenants.activity.models import ActivityEntry
from tenants.errors import Conflict, ErrorCode, InvalidInput, NotAllowed, ProviderUnavailable
from tests.conftest import make_staff
from tests.referral.conftest import balance

D = Decimal


@pytest.fixture
def earner(program_a):
    """A distributor with 8.80 released (10 % of a tea)."""
    level_1, _level_2, _level_3 = program_a.team(3)
    order = program_a.placed_and_paid([(program_a.shop.tea_sku, 1)], buyer=program_a.customer_of(level_1))
    program_a.complete(order)
    program_a.settle()
    assert balance(level_1).withdrawable == D("8.80")
    return level_1


def test_a_request_holds_its_amount_and_an_approval_pays_it_out_once(program_a, earner):
    withdrawal = program_a.withdraw(earner, "5.00")
    assert (balance(earner).held, balance(earner).withdrawable) == (D("5.00"), D("3.80"))
    with pytest.raises(InvalidInput, match="At most 3.80") as refused:
        program_a.withdraw(earner, "3.81")
    assert refused.value.code == ErrorCode.WITHDRAWAL_TOO_LARGE

    finance = make_staff(program_a.store, role="finance")
    paid = withdrawals.approve_withdrawal(actor=finance, withdrawal=withdrawal)
    assert paid.status == Withdrawal.Status.PAID and paid.payout_reference == f"SANDBOX-{paid.number}"
    assert balance(earner) == type(balance(earner))(pending=D("0.00"), settled=D("3.80"), held=D("0.00"))
    # approved again (a double click, a retry): nothing more is paid
    assert (
        withdrawals.approve_withdrawal(actor=finance, withdrawal=withdrawal).status == Withdrawal.Status.PAID
    )
    assert CommissionEntry.objects.filter(kind="payout").count() == 1
    entry = ActivityEntry.objects.get(action="referral.withdrawal_paid")
    assert entry.actor_id == finance.pk and entry.changes["amount"] == [None, "5.00"]


def test_a_rejection_says_why_and_releases_the_hold(program_a, earner):
    withdrawal = program_a.withdraw(earner, "8.80")
    with pytest.raises(InvalidInput):
        withdrawals.reject_withdrawal(actor=program_a.owner, withdrawal=withdrawal, reason=" ")
    rejected = withdrawals.reject_withdrawal(
        actor=program_a.owner, withdrawal=withdrawal, reason="账户信息有误"
    )
    assert (rejected.status, rejected.reason) == (Withdrawal.Status.REJECTED, "账户信息有误")
    assert balance(earner).withdrawable == D("8.80")
    with pytest.raises(Conflict):
        withdrawals.approve_withdrawal(actor=program_a.owner, withdrawal=withdrawal)


def test_a_failed_payout_releases_the_hold_and_says_why(program_a, earner, monkeypatch):
    monkeypatch.setattr(
        payouts.SandboxPayouts,
        "send_payout",
        lambda self, request: payouts.PayoutResult(succeeded=False, message="收款账户未实名"),
    )
    failed = withdrawals.approve_withdrawal(
        actor=program_a.owner, withdrawal=program_a.withdraw(earner, "8.00")
    )
    assert (failed.status, failed.failure) == (Withdrawal.Status.FAILED, "收款账户未实名")
    assert balance(earner).withdrawable == D("8.80")
    assert ActivityEntry.objects.get(action="referral.withdrawal_failed").note == "收款账户未实名"


def test_a_provider_out_of_reach_leaves_the_withdrawal_requested(program_a, earner, monkeypatch):
    def unreachable(self, request):
        raise ProviderUnavailable("稍后再试", provider="sandbox")

    monkeypatch.setattr(payouts.SandboxPayouts, "send_payout", unreachable)
    withdrawal = program_a.withdraw(earner, "8.00")
    with pytest.raises(ProviderUnavailable):
        withdrawals.approve_withdrawal(actor=program_a.owner, withdrawal=withdrawal)
    withdrawal.refresh_from_db()
    assert withdrawal.status == Withdrawal.Status.REQUESTED and balance(earner).held == D("8.00")


def test_the_minimum_and_bad_amounts_are_refused(program_a, earner):
    program_a.settings(withdrawal_minimum=D("5.00"))
    with pytest.raises(InvalidInput, match="at least 5.00") as refused:
        program_a.withdraw(earner, "4.99")
    assert refused.value.code == ErrorCode.WITHDRAWAL_TOO_SMALL
    for bad in ("1e3", "-5", "abc", 5.5):
        with pytest.raises(InvalidInput):
            program_a.withdraw(earner, bad)
    assert not Withdrawal.objects.exists()


def test_only_the_owner_administrators_and_finance_decide(program_a, earner):
    withdrawal = program_a.withdraw(earner, "8.00")
    for role in ("operations", "customer_service"):
        with pytest.raises(NotAllowed):
            withdrawals.approve_withdrawal(
                actor=make_staff(program_a.store, role=role), withdrawal=withdrawal
            )
    with pytest.raises(NotAllowed):
        withdrawals.reject_withdrawal(actor=earner.user, withdrawal=withdrawal, reason="自己批")
    assert Withdrawal.objects.get().status == Withdrawal.Status.REQUESTED


def test_a_clawback_after_the_request_stops_its_approval(program_a):
    level_1, _level_2, _level_3 = program_a.team(3)
    order = program_a.placed_and_paid([(program_a.shop.small, 2)], buyer=program_a.customer_of(level_1))
    program_a.complete(order)
    program_a.settle()
    withdrawal = program_a.withdraw(level_1, "5.98")
    program_a.refund(order.lines.get(), "19.93")  # clawback of 1.99 while 5.98 is held

    with pytest.raises(Conflict) as refused:
        withdrawals.approve_withdrawal(actor=program_a.owner, withdrawal=withdrawal)
    assert refused.value.code == ErrorCode.COMMISSION_BALANCE_NEGATIVE
    withdrawals.reject_withdrawal(actor=program_a.owner, withdrawal=withdrawal, reason="订单已退款")
    assert balance(level_1).withdrawable == D("3.99")


def test_a_refusal_reads_in_the_stores_chinese(program_a, earner):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(InvalidInput) as refused:
        program_a.withdraw(earner, "9.00")
    assert refused.value.as_dict() == {"amount": ["当前最多可提现 8.80。"]}
