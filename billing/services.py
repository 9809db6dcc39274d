"""Subscriptions and the plan catalogue."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import FEATURE_KEYS, LIMIT_KEYS, Plan, Subscription
from tenants.errors import InvalidInput
from tenants.inputs import parse_int
from tenants.money import MoneyError, parse_amount
from tenants.services.operator import record_operator_action


def start_subscription(*, store, plan_code: str) -> Subscription:
    """Every new store starts with a free trial, no card asked, of the plan it chose at signup (the trial
    plan's length: 7 days); it subscribes from the console's "Plan & billing" page."""
    plan = Plan.objects.filter(code=plan_code, is_public=True, is_retired=False).first()
    if plan is None:
        raise InvalidInput({"plan": [_("Choose one of the plans.")]})
    trial = Plan.objects.filter(trial_days__gt=0).order_by("sort_order", "id").first()
    days = plan.trial_days or (trial.trial_days if trial else DEFAULT_TRIAL_DAYS)
    now = timezone.now()
    return Subscription.objects.create(
        store=store,
        plan=plan,
        status=Subscription.Status.TRIALING,
        started_at=now,
        trial_ends_at=now + timedelta(days=days),
    )


DEFAULT_TRIAL_DAYS = 7


def _parse_plan_input(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    cleaned["name"] = (data.get("name") or "").strip()
    if not cleaned["name"]:
        errors["name"] = [_("A plan needs a name.")]
    cleaned["tagline"] = (data.get("tagline") or "").strip()[:140]
    for field in ("price_monthly", "price_yearly"):
        try:
            value = parse_amount(data.get(field) or "0")
            if value < 0:
                raise MoneyError("negative")
            cleaned[field] = value
        except MoneyError:
            errors[field] = [_("Enter a price of zero or more.")]
    try:
        cleaned["trial_days"] = parse_int(
            data.get("trial_days") or 0, field="trial_days", minimum=0, maximum=90
        )
    except InvalidInput:
        errors["trial_days"] = [_("Trial days are a whole number from 0 to 90.")]
    limits = {}
    for key in LIMIT_KEYS:
        raw = data.get(f"limit_{key}")
        if raw in (None, ""):
            limits[key] = None
            continue
        try:
            limits[key] = parse_int(raw, field=f"limit_{key}", minimum=0)
        except InvalidInput:
            errors[f"limit_{key}"] = [_("Enter a whole number, or leave empty for unlimited.")]
    if limits.get("distribution_levels") is not None and not 1 <= limits["distribution_levels"] <= 3:
        errors["limit_distribution_levels"] = [_("Distribution levels are 1, 2 or 3 (the legal maximum).")]
    cleaned["limits"] = limits
    cleaned["features"] = {key: bool(data.get(f"feature_{key}")) for key in FEATURE_KEYS}
    cleaned["is_public"] = bool(data.get("is_public"))
    cleaned["is_retired"] = bool(data.get("is_retired"))
    for field in ("stripe_price_id", "stripe_price_id_yearly"):
        value = str(data.get(field) or "").strip()
        if value and (len(value) > 80 or not value.replace("_", "").isalnum() or not value.isascii()):
            errors[field] = [_("A Stripe price id looks like price_1Q…: letters, digits and underscores.")]
        cleaned[field] = value
    if errors:
        raise InvalidInput(errors)
    return cleaned


@transaction.atomic
def update_plan(*, plan: Plan, actor, data: dict, reason: str = "") -> Plan:
    cleaned = _parse_plan_input(data)
    before = {k: str(getattr(plan, k)) for k in cleaned}
    for key, value in cleaned.items():
        setattr(plan, key, value)
    plan.save()
    after = {k: str(getattr(plan, k)) for k in cleaned}
    changes = {k: [before[k], after[k]] for k in cleaned if before[k] != after[k]}
    record_operator_action(actor=actor, action="plan.update", target=plan, reason=reason, changes=changes)
    return plan


@transaction.atomic
def create_plan(*, actor, code: str, data: dict) -> Plan:
    code = (code or "").strip().lower()
    if not code or not code.replace("-", "").replace("_", "").isalnum():
        raise InvalidInput({"code": [_("A code of letters, digits, hyphens.")]})
    if Plan.objects.filter(code=code).exists():
        raise InvalidInput({"code": [_("A plan with this code exists.")]})
    cleaned = _parse_plan_input(data)
    plan = Plan.objects.create(code=code, sort_order=Plan.objects.count(), **cleaned)
    record_operator_action(actor=actor, action="plan.create", target=plan, changes={"code": code})
    return plan
