"""The program's settings, its default grade, distributors and buyer bindings.

Distributors form a tree: each has at most one upline (`parent`), set once when they join, so the tree
never has a loop and nobody is their own upline. A buyer is bound to the first distributor who brought
them (first touch, permanent); a buyer is never bound to themselves or, when they are a distributor
too, to one of their own downline."""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referral.models import MAX_LEVELS, Binding, Distributor, Grade, ProgramSettings
from referral.permissions import can_manage_program
from tenants import activity, quotas
from tenants.errors import Conflict, ErrorCode, InvalidInput, NotAllowed, NotFound
from tenants.money import MoneyError, to_money

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed from a poster
CODE_LENGTH = 6
DEFAULT_RATES = (Decimal("10.00"), Decimal("5.00"), Decimal("2.00"))
MAX_FREEZE_DAYS = 180
SETTINGS_FIELDS = ("enabled", "levels", "self_purchase", "freeze_days", "withdrawal_minimum")
Status = Distributor.Status


def require_manager(actor) -> None:
    if not can_manage_program(actor):
        raise NotAllowed(
            _("Only the owner, administrators and operations staff run the distributor program.")
        )


@dataclass(frozen=True)
class ProgramSettingsInput:
    enabled: bool
    levels: int
    self_purchase: bool
    freeze_days: int
    withdrawal_minimum: str | Decimal


def _whole(value, key: str, low: int, high: int, errors: dict) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors[key] = [_("Enter a whole number.")]
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        errors[key] = [_("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}]
        return None
    return int(text)


@transaction.atomic
def update_program_settings(*, actor, data: ProgramSettingsInput) -> ProgramSettings:
    require_manager(actor)
    errors: dict[str, list[str]] = {}
    levels = _whole(data.levels, "levels", 1, MAX_LEVELS, errors)
    freeze_days = _whole(data.freeze_days, "freeze_days", 0, MAX_FREEZE_DAYS, errors)
    try:
        minimum = to_money(data.withdrawal_minimum)
        if minimum < 0:
            errors["withdrawal_minimum"] = [_("Cannot be below zero.")]
    except MoneyError:
        errors["withdrawal_minimum"] = [_("Enter an amount, such as 10.00.")]
    if errors:
        raise InvalidInput(errors)
    ProgramSettings.load()
    program = ProgramSettings.objects.select_for_update().get(pk=1)
    before = activity.snapshot(program, SETTINGS_FIELDS)
    program.enabled, program.levels, program.self_purchase = (
        bool(data.enabled),
        levels,
        bool(data.self_purchase),
    )
    program.freeze_days, program.withdrawal_minimum = freeze_days, minimum
    program.save()
    changes = activity.diff(before, activity.snapshot(program, SETTINGS_FIELDS))
    if changes:
        activity.record(
            actor=actor,
            action="referral.settings_updated",
            target_type="referral_settings",
            target_id=program.pk,
            target_label=_("Distributor program"),
            changes=changes,
        )
    return program


def default_grade() -> Grade:
    """The grade new distributors get: made the first time it is asked for (普通: 10 % / 5 % / 2 %)."""
    grade = Grade.objects.filter(is_default=True).first()
    if grade is not None:
        return grade
    try:
        with transaction.atomic():
            return Grade.objects.create(
                name=_("Standard"),
                rate_1=DEFAULT_RATES[0],
                rate_2=DEFAULT_RATES[1],
                rate_3=DEFAULT_RATES[2],
                is_default=True,
            )
    except IntegrityError:  # made meanwhile by another request
        return Grade.objects.get(is_default=True)


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def distributor_by_code(code: str) -> Distributor | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 12:
        return None
    return Distributor.objects.select_related("user").filter(code=code).first()


def upline_ids(distributor: Distributor) -> list[int]:
    """The distributor's uplines, nearest first (ids), read up the tree."""
    ids, node_id, seen = [], distributor.parent_id, {distributor.pk}
    while node_id is not None and node_id not in seen:
        ids.append(node_id)
        seen.add(node_id)
        node_id = Distributor.objects.filter(pk=node_id).values_list("parent_id", flat=True).first()
    return ids


@transaction.atomic
def apply_as_distributor(*, user, referrer_code: str = "") -> Distributor:
    """A user asks to become a distributor. Their upline is the distributor whose code they give, or else
    the one they are bound to as a buyer. Waits for the merchant's approval (`approve_distributor`)."""
    if Distributor.objects.filter(user_id=user.pk).exists():
        raise Conflict(
            _("You are already a distributor of this store."), code=ErrorCode.ALREADY_A_DISTRIBUTOR
        )
    parent = None
    if referrer_code:
        parent = distributor_by_code(referrer_code)
        if parent is None or parent.status != Status.ACTIVE:
            raise InvalidInput({"referrer_code": [_("No distributor has this code.")]})
    else:
        binding = Binding.objects.select_related("distributor").filter(buyer_id=user.pk).first()
        if binding is not None and binding.distributor.status == Status.ACTIVE:
            parent = binding.distributor
    # A new distributor is nobody's upline yet, so joining under any existing one can never make a loop.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                distributor = Distributor.objects.create(
                    user=user,
                    code=_new_code(),
                    parent=parent,
                    depth=(parent.depth + 1) if parent else 1,
                    grade=default_grade(),
                )
            break
        except IntegrityError:
            if Distributor.objects.filter(user_id=user.pk).exists():
                raise Conflict(
                    _("You are already a distributor of this store."), code=ErrorCode.ALREADY_A_DISTRIBUTOR
                ) from None
    else:  # pragma: no cover - five collisions in a billion codes
        raise Conflict(_("Please try again."))
    activity.record(
        actor=user,
        action="referral.distributor_applied",
        target=distributor,
        changes={"status": [None, distributor.status], "parent": [None, parent.code if parent else None]},
    )
    return distributor


def _lock(distributor: Distributor | int) -> Distributor:
    found = Distributor.objects.select_for_update().filter(pk=getattr(distributor, "pk", distributor)).first()
    if found is None:
        raise NotFound(_("This distributor does not exist."), code=ErrorCode.NOT_A_DISTRIBUTOR)
    return found


# status → the statuses it may move to by `change_distributor_status`
_MOVES = {
    Status.ACTIVE: (Status.FROZEN, Status.REMOVED),
    Status.FROZEN: (Status.ACTIVE, Status.REMOVED),
    Status.APPLIED: (Status.REMOVED,),
    Status.REMOVED: (),
}


@transaction.atomic
def approve_distributor(*, actor, store, distributor: Distributor | int) -> Distributor:
    """The merchant accepts an application: the distributor earns from now on (within the plan's number
    of distributors)."""
    require_manager(actor)
    distributor = _lock(distributor)
    if distributor.status != Status.APPLIED:
        raise Conflict(_("This application was already decided."), code=ErrorCode.ILLEGAL_TRANSITION)
    current = Distributor.objects.filter(status__in=(Status.ACTIVE, Status.FROZEN)).count()
    quotas.check_limit(store, "distributors", current=current)
    distributor.status, distributor.activated_at = Status.ACTIVE, timezone.now()
    distributor.save(update_fields=["status", "activated_at"])
    activity.record(
        actor=actor,
        action="referral.distributor_approved",
        target=distributor,
        changes={"status": ["applied", "active"]},
    )
    return distributor


@transaction.atomic
def change_distributor_status(
    *, actor, distributor: Distributor | int, status: str, reason: str = ""
) -> Distributor:
    """Freeze (earns no new commission), reactivate or remove a distributor. What they earned stays theirs."""
    require_manager(actor)
    distributor = _lock(distributor)
    if status not in _MOVES.get(distributor.status, ()):
        raise Conflict(
            _("A distributor cannot move to this status from here."), code=ErrorCode.ILLEGAL_TRANSITION
        )
    before = distributor.status
    distributor.status = status
    distributor.save(update_fields=["status"])
    activity.record(
        actor=actor,
        action="referral.distributor_status_changed",
        target=distributor,
        changes={"status": [before, status]},
        note=(reason or "")[:200],
    )
    return distributor


@transaction.atomic
def bind_buyer(*, buyer, distributor: Distributor) -> Binding:
    """Bind a buyer to the distributor who brought them, the first time only: an existing binding is
    returned unchanged (first touch, permanent)."""
    existing = Binding.objects.select_related("distributor").filter(buyer_id=buyer.pk).first()
    if existing is not None:
        return existing
    distributor = Distributor.objects.filter(pk=distributor.pk).first()  # its status now, not as passed
    if distributor is None or distributor.status != Status.ACTIVE:
        raise InvalidInput({"distributor": [_("This distributor cannot take new customers.")]})
    if distributor.user_id == buyer.pk:
        raise InvalidInput(
            {"distributor": [_("You cannot be your own customer.")]}, code=ErrorCode.REFERRAL_LOOP
        )
    own = Distributor.objects.filter(user_id=buyer.pk).first()
    if own is not None and own.pk in upline_ids(distributor):
        raise InvalidInput(
            {"distributor": [_("A distributor cannot be the customer of their own team.")]},
            code=ErrorCode.REFERRAL_LOOP,
        )
    with transaction.atomic():
        binding, _created = Binding.objects.get_or_create(buyer=buyer, defaults={"distributor": distributor})
    return binding
