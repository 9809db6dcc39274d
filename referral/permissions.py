"""Who runs the distributor program and who decides withdrawals. The services ask here (money moves on
these decisions, so they refuse a wrong actor themselves), and so will both faces."""

from tenants.accounts.models import User

# The owner, administrators and operations staff run the program (settings, approving distributors).
PROGRAM_MANAGER_ROLES = (User.Role.OWNER, User.Role.ADMIN, User.Role.OPERATIONS)
# Money leaves the store on a withdrawal: the owner, administrators and finance decide them.
WITHDRAWAL_DECIDER_ROLES = (User.Role.OWNER, User.Role.ADMIN, User.Role.FINANCE)


def _staff_in(user, roles) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_store_staff
        and user.role in roles
    )


def can_manage_program(user) -> bool:
    return _staff_in(user, PROGRAM_MANAGER_ROLES)


def can_decide_withdrawals(user) -> bool:
    return _staff_in(user, WITHDRAWAL_DECIDER_ROLES)
