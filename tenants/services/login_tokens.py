"""The signed one-time link that carries a new owner from the platform host to their store's host
(cookies are host-only, so a session cannot cross). Short-lived and single use."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import caches
from django.utils.translation import gettext as _

from tenants.errors import Conflict, DomainError, ErrorCode, NotFound
from tenants.models import Store

SALT = "fenxiao.store-login"


class LoginTokenExpired(DomainError):
    default_code = ErrorCode.LOGIN_TOKEN_EXPIRED


class LoginTokenInvalid(DomainError):
    default_code = ErrorCode.LOGIN_TOKEN_INVALID


def issue_login_token(*, store: Store, user) -> str:
    return signing.dumps({"s": store.schema_name, "u": user.pk, "n": secrets.token_urlsafe(12)}, salt=SALT)


def redeem_login_token(*, store: Store, token: str):
    """The user the token logs in, in the current store's schema. Raises on an expired, forged, reused
    or foreign token."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.LOGIN_TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LoginTokenExpired(_("This login link has expired. Please log in with your password.")) from exc
    except signing.BadSignature as exc:
        raise LoginTokenInvalid(_("This login link is not valid.")) from exc
    if payload.get("s") != store.schema_name:
        raise LoginTokenInvalid(_("This login link is for another store."))
    # SET NX in Redis: of two redemptions only the first succeeds.
    used_key = f"login-token-used:{payload['n']}"
    if not caches["platform"].add(used_key, 1, timeout=settings.LOGIN_TOKEN_MAX_AGE + 60):
        raise Conflict(
            _("This login link has already been used. Please log in with your password."),
            code=ErrorCode.LOGIN_TOKEN_USED,
        )
    user = get_user_model().objects.filter(pk=payload["u"], is_active=True).first()
    if user is None:
        raise NotFound(_("This account no longer exists."))
    return user
