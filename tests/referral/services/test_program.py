"""The program's settings, grades, distributors and bindings: defaults that work out of the box, input
refused once with the field at fault, a tree without loops, first-touch bindings, and the settlement
job reachable from beat and from manage.py."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from referral import tasks
from referral.models import Binding, Distributor, Grade, ProgramSettings
from referral.services import program
from referral.services.program import ProgramSettingsInput
from tenants.activity.models import ActivityEntry
from tenants.errors import Conflict, ErrorCode, InvalidInput, NotAllowed, QuotaExceeded
from tests.conftest import make_staff

D = Decimal


def test_a_new_store_runs_the_program_with_sensible_defaults(program_a):
    defaults = ProgramSettings.current()
    assert (defaults.enabled, defaults.levels, defaults.self_purchase, defaults.freeze_days) == (
        True,
        3,
        False,
        7,
    )
    assert defaults.withdrawal_minimum == D("1.00")
    grade = program.default_grade()
    assert (grade.rate_1, grade.rate_2, grade.rate_3, grade.is_default) == (
        D("10.00"),
        D("5.00"),
        D("2.00"),
        True,
    )
    assert program.default_grade() == grade and Grade.objects.count() == 1


def test_settings_are_checked_field_by_field_and_their_change_is_logged(program_a):
    with pytest.raises(InvalidInput) as refused:
        program.update_program_settings(
            actor=program_a.owner,
            data=ProgramSettingsInput(
                enabled=True, levels=4, self_purchase=False, freeze_days="181", withdrawal_minimum="1e3"
            ),
        )
    assert set(refused.value.errors) == {"levels", "freeze_days", "withdrawal_minimum"}
    with pytest.raises(NotAllowed):
        program.update_program_settings(
            actor=make_staff(program_a.store, role="finance"),
            data=ProgramSettingsInput(
                enabled=True, levels=2, self_purchase=True, freeze_days=0, withdrawal_minimum="10"
            ),
        )
    saved = program.update_program_settings(
        actor=program_a.owner,
        data=ProgramSettingsInput(
            enabled=True, levels=2, self_purchase=True, freeze_days=0, withdrawal_minimum="10"
        ),
    )
    assert (saved.levels, saved.self_purchase, saved.freeze_days, saved.withdrawal_minimum) == (
        2,
        True,
        0,
        D("10.00"),
    )
    entry = ActivityEntry.objects.get(action="referral.settings_updated")
    assert entry.changes["levels"] == [3, 2] and entry.changes["withdrawal_minimum"] == ["1.00", "10.00"]


def test_a_distributor_joins_under_the_code_they_give_and_waits_for_approval(program_a):
    upline = program_a.distributor("上级")
    user = program_a.shop.new_buyer("+8613700000001", "新人")
    applied = program.apply_as_distributor(user=user, referrer_code=upline.code.lower())
    assert (applied.status, applied.parent, applied.depth) == (Distributor.Status.APPLIED, upline, 2)
    assert len(applied.code) == 6 and applied.code != upline.code
    with pytest.raises(Conflict) as again:
        program.apply_as_distributor(user=user)
    assert again.value.code == ErrorCode.ALREADY_A_DISTRIBUTOR
    with pytest.raises(InvalidInput):
        program.apply_as_distributor(
            user=program_a.shop.new_buyer("+8613700000002", "乱填"), referrer_code="NOPE"
        )
    approved = program.approve_distributor(actor=program_a.owner, store=program_a.store, distributor=applied)
    assert approved.status == Distributor.Status.ACTIVE and approved.activated_at is not None


def test_a_bound_buyer_who_applies_joins_under_their_distributor(program_a):
    upline = program_a.distributor("上级")
    buyer = program_a.customer_of(upline)
    assert program.apply_as_distributor(user=buyer).parent == upline


def test_the_plan_caps_how_many_distributors_a_store_has(program_a):
    from tests.referral.conftest import put_on_plan

    put_on_plan(program_a.store, "trial")  # 50 distributors
    for n in range(50):
        Distributor.objects.create(
            user=program_a.shop.new_buyer(f"+86136000{n:05d}", f"d{n}"),
            code=f"C{n:05d}",
            status=Distributor.Status.ACTIVE,
            grade=program.default_grade(),
        )
    applied = program.apply_as_distributor(user=program_a.shop.new_buyer("+8613700000003", "第51位"))
    with pytest.raises(QuotaExceeded):
        program.approve_distributor(actor=program_a.owner, store=program_a.store, distributor=applied)


def test_bindings_are_first_touch_and_never_to_oneself_or_ones_own_team(program_a):
    level_1, level_2, level_3 = program_a.team(3)
    other = program_a.distributor("另一位")
    buyer = program_a.customer_of(level_1)
    assert program.bind_buyer(buyer=buyer, distributor=other).distributor == level_1  # the first touch stays
    assert Binding.objects.get(buyer=buyer).bound_at is not None

    with pytest.raises(InvalidInput) as own:
        program.bind_buyer(buyer=level_2.user, distributor=level_2)
    assert own.value.code == ErrorCode.REFERRAL_LOOP
    with pytest.raises(InvalidInput) as team:
        program.bind_buyer(buyer=level_3.user, distributor=level_1)  # level_1 is in level_3's team
    assert team.value.code == ErrorCode.REFERRAL_LOOP
    program.change_distributor_status(
        actor=program_a.owner, distributor=other, status=Distributor.Status.FROZEN
    )
    with pytest.raises(InvalidInput):
        program_a.customer_of(other)


def test_status_moves_are_checked(program_a):
    distributor = program_a.distributor("某人")
    owner = program_a.owner
    frozen = program.change_distributor_status(
        actor=owner, distributor=distributor, status="frozen", reason="刷单"
    )
    assert frozen.status == "frozen"
    assert (
        program.change_distributor_status(actor=owner, distributor=distributor, status="active").status
        == "active"
    )
    program.change_distributor_status(actor=owner, distributor=distributor, status="removed")
    with pytest.raises(Conflict):
        program.change_distributor_status(actor=owner, distributor=distributor, status="active")


def test_the_settlement_job_runs_from_beat_and_from_manage_py(program_a, store_b):
    level_1, _level_2, _level_3 = program_a.team(3)
    order = program_a.placed_and_paid([(program_a.shop.tea_sku, 1)], buyer=program_a.customer_of(level_1))
    program_a.complete(order)
    from referral.models import CommissionChain

    CommissionChain.objects.filter(order=order).update(due_at=order.completed_at)

    out = io.StringIO()
    call_command("settle_commissions", "--store", program_a.store.slug, stdout=out)
    assert out.getvalue() == f"{program_a.store.slug}: 3 entries released, 14.96\n"
    out = io.StringIO()
    call_command("settle_commissions", stdout=out)
    assert f"{program_a.store.slug}: 0 entries released, 0.00" in out.getvalue()
    assert f"{store_b.slug}: 0 entries released, 0.00" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("settle_commissions", "--store", "no-such-store")

    assert (
        settings.CELERY_BEAT_SCHEDULE["settle-commissions"]["task"]
        == "referral.tasks.settle_commissions_everywhere"
    )
    assert tasks.settle_commissions() == 0


def test_beat_queues_one_settlement_per_active_store(db, monkeypatch):
    from tenants.tasks import active_stores

    queued = []
    monkeypatch.setattr(
        tasks.settle_commissions,
        "apply_async",
        lambda args=(), kwargs=None, headers=None: queued.append(headers),
    )
    assert tasks.settle_commissions_everywhere() == active_stores().count() == len(queued)
    assert {h["_schema_name"] for h in queued} == set(active_stores().values_list("schema_name", flat=True))
