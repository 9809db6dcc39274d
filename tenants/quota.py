"""The door through which platform code asks about plan limits without importing billing (billing
depends on tenants, not the reverse). billing registers `billing.quotas.check_limit` here when it
loads; that function is the one place limits are decided."""

from collections.abc import Callable

_checker: Callable | None = None


def register_quota_checker(checker: Callable) -> None:
    global _checker
    _checker = checker


def check_quota(store, key: str, *, current: int, adding: int = 1) -> None:
    """Raise QuotaExceeded when adding `adding` to `current` would pass the store plan's limit."""
    if _checker is not None:
        _checker(store, key, current=current, adding=adding)
