"""The one place that decides what a store's plan allows. Callers go through the gate in
`tenants.quotas` (registered with this module when billing loads), which fails closed."""

from django.utils.translation import gettext as _

from billing.models import LIMIT_LABELS, Plan, Subscription
from tenants.errors import ErrorCode, QuotaExceeded

LEGAL_MAX_DISTRIBUTION_LEVELS = 3  # Chinese law caps multi-level distribution at three levels


def plan_for(store) -> Plan | None:
    """The plan the store is on (None for the platform itself or an unclaimed schema)."""
    cached = getattr(store, "_plan_cache", None)
    if cached is not None:
        return cached
    sub = Subscription.objects.select_related("plan").filter(store_id=store.pk).first()
    plan = sub.plan if sub else None
    store._plan_cache = plan
    return plan


def limit(store, key: str) -> int | None:
    plan = plan_for(store)
    return plan.limit(key) if plan else None


def plan_that_lifts(key: str, needed: int) -> Plan | None:
    """The first plan on offer (in the catalogue's order) that allows `needed` of `key`."""
    from billing.selectors import plans_on_sale

    for plan in plans_on_sale():
        allowed = plan.limit(key)
        if allowed is None or allowed >= needed:
            return plan
    return None


def check_limit(store, key: str, *, current: int, adding: int = 1) -> None:
    allowed = limit(store, key)
    if allowed is not None and current + adding > allowed:
        plan = plan_for(store)
        lifts = plan_that_lifts(key, current + adding)
        values = {"n": allowed, "what": LIMIT_LABELS.get(key, key)}
        if lifts is not None and (plan is None or lifts.pk != plan.pk):
            message = _("%(what)s: your plan allows %(n)s. Upgrade to %(upgrade)s to add more.") % {
                **values,
                "upgrade": lifts.name,
            }
        else:
            message = _("%(what)s: your plan allows %(n)s, the most any plan offers.") % values
        raise QuotaExceeded(message, code=ErrorCode.QUOTA_EXCEEDED, limit=key)


def has_feature(store, key: str) -> bool:
    plan = plan_for(store)
    return bool(plan and plan.has_feature(key))


def require_feature(store, key: str) -> None:
    if not has_feature(store, key):
        raise QuotaExceeded(
            _("Your plan does not include this feature. Upgrade to use it."),
            code=ErrorCode.FEATURE_NOT_IN_PLAN,
            limit=key,
        )


def distribution_levels(store) -> int:
    """Levels of commission the store may pay: its plan's number, never more than the law's three."""
    allowed = limit(store, "distribution_levels")
    return min(
        allowed if allowed is not None else LEGAL_MAX_DISTRIBUTION_LEVELS, LEGAL_MAX_DISTRIBUTION_LEVELS
    )


def over_limits(plan: Plan, counts: dict[str, int]) -> list[dict]:
    """What a store with `counts` has more of than `plan` allows: kept, but no more can be added."""
    rows = []
    for key, used in counts.items():
        allowed = plan.limit(key)
        if allowed is not None and used > allowed:
            rows.append({"label": LIMIT_LABELS.get(key, key), "used": used, "limit": allowed})
    return rows


def usage_summary(store, counts: dict[str, int]) -> list[dict]:
    """Rows for the console dashboard: what is used against what the plan allows."""
    return [
        {"key": key, "label": LIMIT_LABELS.get(key, key), "used": used, "limit": limit(store, key)}
        for key, used in counts.items()
    ]
