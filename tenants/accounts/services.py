"""Staff of a store (run inside the store's schema)."""

import secrets

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from tenants import activity, quotas
from tenants.accounts.backends import DEACTIVATED_FLAG, refusal_message
from tenants.errors import (
    Conflict,
    ErrorCode,
    InvalidInput,
    LockedOut,
    NotAllowed,
    NotAuthenticated,
    NotFound,
)
from tenants.services.store_settings import require_writable

User = get_user_model()
ASSIGNABLE_ROLES = [r for r in User.STAFF_ROLES if r != User.Role.OWNER]
NAME_MAX_LENGTH = 80


def login_email(value: str) -> str:
    """The one spelling of an email at sign-in: django-axes counts wrong passwords per email and address,
    so "Alice@A.example" and "alice@a.example " must be the same account to it."""
    return (value or "").strip().lower()


def authenticate_staff(*, request, email: str, password: str):
    """The staff member of this store with these credentials, for the console login and the API token
    alike. `request` goes along for django-axes (which counts failures per email and address). Raises
    LockedOut after too many wrong passwords (even for the right one), NotAuthenticated with the reason
    otherwise: a wrong email or password, a deactivated account (only when the password was right), or a
    customer's account, which may not open the merchant console."""
    user = authenticate(request, username=login_email(email), password=password)
    if getattr(request, "axes_locked_out", False):
        raise LockedOut(_("For your safety this login is paused for 15 minutes. Please try again later."))
    if user is None:
        deactivated = getattr(request, DEACTIVATED_FLAG, False)
        raise NotAuthenticated(
            str(refusal_message(request)),
            code=ErrorCode.ACCOUNT_DEACTIVATED if deactivated else ErrorCode.WRONG_CREDENTIALS,
        )
    if not user.is_store_staff:
        raise NotAuthenticated(
            _("This account belongs to a customer of the store and cannot open the merchant console."),
            code=ErrorCode.NOT_STORE_STAFF,
        )
    return user


def staff_members():
    return User.objects.filter(role__in=User.STAFF_ROLES).order_by("id")


def active_staff_count() -> int:
    """Staff that count against the plan's staff limit: every active staff account, the owner included."""
    return User.objects.filter(role__in=User.STAFF_ROLES, is_active=True).count()


def _require_manager(actor) -> None:
    if not actor.can_manage_store:
        raise NotAllowed(_("Only the owner or an administrator can manage staff."))


def _require_staff(member) -> None:
    if member is None or member.role not in User.STAFF_ROLES:
        raise NotFound(_("This staff member does not exist."))


def _hold_staff_list() -> None:
    """Serialise staff changes within the store: two owners adding a member at the same moment must not
    both slip under the plan's limit. The owner row is the store's one fixed staff row, so it is the lock."""
    list(User.objects.select_for_update().filter(role=User.Role.OWNER).values_list("pk", flat=True))


@transaction.atomic
def add_staff_member(*, store, actor, email: str, name: str, role: str, password: str = "") -> tuple:
    """Add a staff member. Returns (user, generated_password): when no password is given one is made up
    and returned so the owner can pass it on; when the caller chose the password, the second item is ""."""
    require_writable(store)
    _require_manager(actor)
    email = (email or "").strip().lower()
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    if not name:
        errors["name"] = [_("Enter the staff member's name.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("A name has at most %(n)s characters.") % {"n": NAME_MAX_LENGTH}]
    if role not in ASSIGNABLE_ROLES:
        errors["role"] = [_("Choose a role.")]
    if "email" not in errors and User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("Someone with this email is already a user of this store.")]
    generated = "" if password else secrets.token_urlsafe(9)
    try:
        validate_password(password or generated, user=User(email=email, name=name))
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise InvalidInput(errors)
    _hold_staff_list()
    quotas.check_limit(store, "staff", current=active_staff_count())
    user = User.objects.create_user(email=email, password=password or generated, name=name, role=role)
    activity.record(
        actor=actor, action="staff.added", target=user, changes={"role": [None, role], "email": [None, email]}
    )
    return user, generated


@transaction.atomic
def change_staff_role(*, store, actor, member, role: str):
    require_writable(store)
    _require_manager(actor)
    _require_staff(member)
    if member.role == User.Role.OWNER:
        raise Conflict(_("The owner's role cannot be changed."))
    if role not in ASSIGNABLE_ROLES:
        raise InvalidInput({"role": [_("Choose a role.")]})
    if member.role != role:
        activity.record(
            actor=actor, action="staff.role_changed", target=member, changes={"role": [member.role, role]}
        )
        member.role = role
        member.save(update_fields=["role"])
    return member


@transaction.atomic
def set_staff_active(*, store, actor, member, active: bool):
    """Deactivate (the member can no longer log in; their open sessions end) or reactivate a member."""
    require_writable(store)
    _require_manager(actor)
    _require_staff(member)
    if member.role == User.Role.OWNER:
        raise Conflict(_("The owner cannot be deactivated."))
    if member.pk == actor.pk:
        raise Conflict(_("You cannot deactivate yourself."))
    if member.is_active == active:
        return member
    if active:
        _hold_staff_list()
        quotas.check_limit(store, "staff", current=active_staff_count())
    member.is_active = active
    member.save(update_fields=["is_active"])
    activity.record(
        actor=actor,
        action="staff.reactivated" if active else "staff.deactivated",
        target=member,
        changes={"is_active": [not active, active]},
    )
    return member


def api_token_for(*, user, store=None) -> str:
    """The user's API token (made on first use). With `store`, it is looked up in that store's schema:
    a token opens one store only."""
    from django_tenants.utils import schema_context
    from rest_framework.authtoken.models import Token

    if store is None:
        return Token.objects.get_or_create(user=user)[0].key
    with schema_context(store.schema_name):
        return Token.objects.get_or_create(user=user)[0].key
