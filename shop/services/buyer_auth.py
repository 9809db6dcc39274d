"""Buyers sign in with their phone number and a code sent by SMS; the first sign-in makes their account.

The rules of a code: six digits, stored only as an HMAC (keyed with the server's secret, bound to the
number); valid for SMS_CODE_TTL seconds; used once; dead after SMS_CODE_MAX_ATTEMPTS wrong tries; only
the newest code of a number counts. Asking for codes is limited: one per SMS_CODE_RESEND_SECONDS per
number, SMS_CODE_DAILY_LIMIT_PER_PHONE per number and SMS_CODE_DAILY_LIMIT_PER_IP per address in any 24
hours. The limits are decided under named locks (tenants.locks) on the number and the address, so
requests racing each other are counted one after the other and cannot slip past a limit together; a
verification locks the code's row, so one code signs in once however many requests carry it.

A staff member's phone number is never a way into their account: sign-in looks among buyers only, so
the same number makes (or finds) a separate buyer account, and the console still needs the password."""

import logging
import math
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop import events
from shop.models import SmsCode
from tenants import activity, locks
from tenants.errors import Conflict, DomainError, ErrorCode, InvalidInput, NotAllowed, RateLimited
from tenants.phones import mask_phone, parse_phone
from tenants.sms import send_sms

logger = logging.getLogger(__name__)
User = get_user_model()

SIGN_IN_SMS = "sign_in_code"
SIGN_IN_SMS_TEXT = gettext_lazy(
    "【%(store)s】Your code is %(code)s, valid for %(minutes)s minutes. Do not share it with anyone."
)
SIGN_IN_SMS_PARAMS = ("store", "code", "minutes")
CODE_DIGITS = 6
_CODE_RE = re.compile(rf"[0-9]{{{CODE_DIGITS}}}")
_HMAC_SALT = "fenxiao.shop.sms-code"
DAY = timedelta(days=1)


@dataclass(frozen=True)
class CodeSent:
    phone: str  # E.164
    expires_in: int  # seconds
    resend_in: int  # seconds until another code may be asked for


def _hash(phone: str, code: str) -> str:
    return salted_hmac(_HMAC_SALT, f"{phone}:{code}", algorithm="sha256").hexdigest()


def _clean_code(code) -> str:
    code = code.strip() if isinstance(code, str) else ""
    if not _CODE_RE.fullmatch(code):
        raise InvalidInput(
            {"code": [_("Enter the %(n)s-digit code from the text message.") % {"n": CODE_DIGITS}]},
            code=ErrorCode.CODE_INVALID,
        )
    return code


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


@transaction.atomic
def request_sign_in_code(*, store, phone: str, ip: str | None) -> CodeSent:
    """Send a sign-in code by SMS to `phone` (any spelling parse_phone reads; a mobile number), in the
    active language. Refuses with RateLimited (retry_after set) inside the resend gap or over a daily
    cap; an SMS the provider refuses leaves no code behind and counts against no limit."""
    phone = parse_phone(phone, mobile=True)
    ip = ip or None
    locks.hold(f"sms-code:phone:{phone}", *([f"sms-code:ip:{ip}"] if ip else []))
    now = timezone.now()
    since = now - DAY
    recent = SmsCode.objects.filter(phone=phone, created_at__gt=since).aggregate(
        count=Count("id"), first=Min("created_at")
    )
    latest = SmsCode.objects.filter(phone=phone).order_by("-created_at", "-id").first()
    gap = timedelta(seconds=settings.SMS_CODE_RESEND_SECONDS)
    if latest is not None and now - latest.created_at < gap:
        wait = _seconds(latest.created_at + gap - now)
        raise RateLimited(
            _("A code was just sent. You can ask for another one in %(n)s seconds.") % {"n": wait},
            retry_after=wait,
            field="phone",
        )
    if recent["count"] >= settings.SMS_CODE_DAILY_LIMIT_PER_PHONE:
        logger.warning("sign-in codes: daily cap reached for %s (ip %s)", mask_phone(phone), ip or "-")
        raise RateLimited(
            _("Too many codes were sent to this number today. Please try again tomorrow."),
            retry_after=_seconds(recent["first"] + DAY - now),
            field="phone",
        )
    if ip is not None:
        from_ip = SmsCode.objects.filter(ip=ip, created_at__gt=since).aggregate(
            count=Count("id"), first=Min("created_at")
        )
        if from_ip["count"] >= settings.SMS_CODE_DAILY_LIMIT_PER_IP:
            logger.warning("sign-in codes: daily cap reached for ip %s (asked for %s)", ip, mask_phone(phone))
            raise RateLimited(
                _("Too many codes were asked for from your network today. Please try again later."),
                retry_after=_seconds(from_ip["first"] + DAY - now),
            )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    ttl = settings.SMS_CODE_TTL
    row = SmsCode.objects.create(
        phone=phone,
        code_hash=_hash(phone, code),
        ip=ip,
        created_at=now,
        expires_at=now + timedelta(seconds=ttl),
    )
    row.message_id = send_sms(
        phone=phone,
        template=SIGN_IN_SMS,
        params={"store": store.name, "code": code, "minutes": max(1, ttl // 60)},
    )[:64]
    row.save(update_fields=["message_id"])
    return CodeSent(phone=phone, expires_in=ttl, resend_in=settings.SMS_CODE_RESEND_SECONDS)


def _consume_code(*, phone: str, code: str, ip: str | None) -> DomainError | None:
    """Check `code` against the newest code sent to `phone`, under a lock on its row: mark it used and
    return None when it matches, else count the wrong try and return the refusal. The caller raises
    the refusal after its transaction, so that the counted try is kept."""
    row = SmsCode.objects.select_for_update().filter(phone=phone).order_by("-created_at", "-id").first()
    ask_again = _("Ask for a new code.")
    if row is None:
        return InvalidInput(
            {"code": [_("No code was sent to this number.") + " " + ask_again]}, code=ErrorCode.CODE_INVALID
        )
    if row.used_at is not None:
        return InvalidInput(
            {"code": [_("This code has already been used.") + " " + ask_again]}, code=ErrorCode.CODE_INVALID
        )
    if row.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
        return InvalidInput(
            {"code": [_("Too many wrong codes.") + " " + ask_again]}, code=ErrorCode.CODE_EXPIRED
        )
    now = timezone.now()
    if now >= row.expires_at:
        return InvalidInput(
            {"code": [_("This code has expired.") + " " + ask_again]}, code=ErrorCode.CODE_EXPIRED
        )
    if not constant_time_compare(row.code_hash, _hash(phone, code)):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        left = settings.SMS_CODE_MAX_ATTEMPTS - row.attempts
        if left <= 0:
            logger.warning(
                "sign-in codes: last wrong try for %s (ip %s), code dead", mask_phone(phone), ip or "-"
            )
            return InvalidInput(
                {"code": [_("Wrong code, and that was the last try.") + " " + ask_again]},
                code=ErrorCode.CODE_EXPIRED,
            )
        return InvalidInput(
            {"code": [_("Wrong code. %(n)s tries left.") % {"n": left}]}, code=ErrorCode.CODE_INVALID
        )
    row.used_at = now
    row.save(update_fields=["used_at"])
    return None


def create_buyer(*, phone: str = "", name: str = "", how: str):
    """A new buyer account (no password, no email: they sign in by SMS code or WeChat), in the activity
    log as `buyer.created`. `how` says what made it ("sms" or a WeChat app id)."""
    buyer = User(role=User.Role.CUSTOMER, phone=phone, name=name[:80], email=None)
    buyer.set_unusable_password()
    buyer.save()
    activity.record(
        actor=buyer,
        action="buyer.created",
        target=buyer,
        changes={"signed_up_with": [None, how], **({"phone": [None, mask_phone(phone)]} if phone else {})},
    )
    return buyer


def require_active(buyer) -> None:
    if not buyer.is_active:
        raise NotAllowed(
            _("This account has been deactivated. Please contact the store."),
            code=ErrorCode.ACCOUNT_DEACTIVATED,
        )


def signed_in(buyer, *, previous_session_key: str) -> None:
    """What every way of signing in does last: note the time and announce it once committed."""
    buyer.last_login = timezone.now()
    buyer.save(update_fields=["last_login"])
    events.send_on_commit(
        events.buyer_signed_in, user_id=buyer.pk, previous_session_key=previous_session_key or ""
    )


def _with_proven_phone(*, phone: str, code: str, ip: str | None, then):
    """`then(phone)` (the number in E.164), in one transaction with the code sent to `phone` used up and
    the number held (a sign-in making its buyer and a binding to another account may race). A code that
    does not match raises its refusal once the transaction has kept the counted try."""
    phone = parse_phone(phone, mobile=True)
    code = _clean_code(code)
    with transaction.atomic():
        refusal = _consume_code(phone=phone, code=code, ip=ip)
        if refusal is None:
            locks.hold(f"buyer-phone:{phone}")
            return then(phone)
    raise refusal


def sign_in_with_code(*, phone: str, code: str, ip: str | None, previous_session_key: str = ""):
    """The buyer whose number `phone` is, signed in by the code sent to it (made on the first sign-in).
    A wrong code counts a try and raises InvalidInput on "code"; a deactivated buyer is refused."""

    def sign_in(phone):
        buyer = User.objects.select_for_update().filter(role=User.Role.CUSTOMER, phone=phone).first()
        if buyer is None:
            buyer = create_buyer(phone=phone, how="sms")
        require_active(buyer)
        signed_in(buyer, previous_session_key=previous_session_key)
        return buyer

    return _with_proven_phone(phone=phone, code=code, ip=ip, then=sign_in)


def bind_phone(*, buyer, phone: str, code: str, ip: str | None):
    """Give `buyer` (typically made through WeChat) the number `phone`, proven by the code sent to it.
    Nothing is ever merged: a number that already belongs to another buyer of the store is refused
    (Conflict, PHONE_TAKEN), and that account stays as it is."""

    def bind(phone):
        account = User.objects.select_for_update().get(pk=buyer.pk)
        if User.objects.filter(role=User.Role.CUSTOMER, phone=phone).exclude(pk=account.pk).exists():
            raise Conflict(
                _(
                    "This number already belongs to another account of this store. Sign out and "
                    "sign in with the number to use that account."
                ),
                field="phone",
                code=ErrorCode.PHONE_TAKEN,
            )
        if account.phone != phone:
            before = account.phone
            account.phone = phone
            account.save(update_fields=["phone"])
            activity.record(
                actor=account,
                action="buyer.phone_changed",
                target=account,
                changes={"phone": [mask_phone(before) or None, mask_phone(phone)]},
            )
        return account

    return _with_proven_phone(phone=phone, code=code, ip=ip, then=bind)


@transaction.atomic
def purge_stale_sms_codes() -> int:
    """Delete codes older than the daily window: they can no longer be used nor count against a cap."""
    deleted, _by_model = SmsCode.objects.filter(created_at__lte=timezone.now() - DAY).delete()
    return deleted
