"""Who in a store may see and change its plan: the owner, an administrator, finance."""

from tenants.accounts.models import User

BILLING_ROLES = (User.Role.OWNER, User.Role.ADMIN, User.Role.FINANCE)


def can_manage_billing(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in BILLING_ROLES
