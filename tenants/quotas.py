"""The quota gate: every create path that a plan limits asks here, in every app.

tenants cannot import billing (billing depends on tenants, not the reverse), so billing registers the
one place limits are decided (`billing.quotas`) when it loads. The gate fails closed: with no decider
registered — a misconfigured deployment, a script that never loaded billing — it refuses rather than
allowing everything."""

from typing import Protocol

from django.utils.translation import gettext as _

from tenants.errors import ErrorCode, QuotaExceeded


class QuotaDecider(Protocol):
    def check_limit(self, store, key: str, *, current: int, adding: int = 1) -> None: ...
    def require_feature(self, store, key: str) -> None: ...
    def distribution_levels(self, store) -> int: ...


_decider: QuotaDecider | None = None


def register(decider: QuotaDecider) -> None:
    global _decider
    _decider = decider


def _registered() -> QuotaDecider:
    if _decider is None:
        raise QuotaExceeded(
            _("Plan limits cannot be checked right now, so nothing was created. Please try again later."),
            code=ErrorCode.QUOTA_UNAVAILABLE,
        )
    return _decider


def check_limit(store, key: str, *, current: int, adding: int = 1) -> None:
    """Raise QuotaExceeded when adding `adding` to `current` would pass the store plan's limit."""
    _registered().check_limit(store, key, current=current, adding=adding)


def require_feature(store, key: str) -> None:
    """Raise QuotaExceeded when the store's plan does not include the feature."""
    _registered().require_feature(store, key)


def distribution_levels(store) -> int:
    """Levels of commission the store may pay (its plan's, never above the legal three)."""
    return _registered().distribution_levels(store)
