"""WeChat sign-in for buyers, with the store's own WeChat apps:

- in the WeChat browser, web OAuth through the store's official account (wechatpy's WeChatOAuth):
  `snsapi_base` gives the buyer's openid silently; with `official_asks_for_profile` the store asks for
  `snsapi_userinfo`, and the buyer's nickname and avatar come along;
- in the store's mini-program, `wx.login()`'s code exchanged at `sns/jscode2session` (called directly:
  wechatpy's wxa client first fetches an access token this call does not need). The session key it
  returns is kept encrypted on the server and never leaves it.

A WeChat identity (app id + openid) belongs to one buyer; a new one joins the buyer who already has an
identity with the same unionid (the same person in another app of the store's WeChat Open Platform
account), else a new buyer is made. WeChat is called outside any transaction; what it answered is
applied in one.
"""

import logging
import re
from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from wechatpy.exceptions import WeChatOAuthException
from wechatpy.oauth import WeChatOAuth

from shop.models import WechatIdentity, WechatSettings
from shop.services.buyer_auth import create_buyer, require_active, signed_in
from tenants import activity, locks
from tenants.crypto import mask
from tenants.errors import (
    DomainError,
    ErrorCode,
    InvalidInput,
    NotAllowed,
    NotFound,
    ProviderUnavailable,
    RateLimited,
)
from tenants.services.store_settings import require_writable
from tenants.updates import model_update

logger = logging.getLogger(__name__)
User = get_user_model()

JSCODE2SESSION_URL = "https://api.weixin.qq.com/sns/jscode2session"
APP_ID_RE = re.compile(r"wx[0-9a-f]{16}")
APP_SECRET_RE = re.compile(r"[0-9A-Za-z]{32}")
# What wx.login() and the OAuth redirect hand over: short tokens of letters, digits, - and _.
LOGIN_CODE_RE = re.compile(r"[0-9A-Za-z_-]{1,128}")
SCOPE_BASE = "snsapi_base"
SCOPE_USERINFO = "snsapi_userinfo"

# WeChat's errcodes about the login code itself (invalid, already used, missing).
_BAD_CODE = {40029, 40163, 41008}
_TOO_FREQUENT = {45011}
_RISKY_USER = {40226}


# --- the store's WeChat apps ------------------------------------------------------------------------


@dataclass(frozen=True)
class WechatSettingsInput:
    """What the console form and the API send. A secret of None keeps the stored one (the form never shows
    it back); clearing an app id turns that app off and forgets its secret."""

    official_app_id: str = ""
    official_app_secret: str | None = None
    official_asks_for_profile: bool = False
    mini_app_id: str = ""
    mini_app_secret: str | None = None


def wechat_settings() -> WechatSettings:
    return WechatSettings.current()


def masked_secrets(config: WechatSettings) -> dict:
    return {
        "official_app_secret": mask(config.official_app_secret),
        "mini_app_secret": mask(config.mini_app_secret),
    }


@transaction.atomic
def update_wechat_settings(*, store, actor, data: WechatSettingsInput) -> WechatSettings:
    require_writable(store)
    if not actor.can_manage_store:
        raise NotAllowed(_("Only the owner or an administrator can change the WeChat settings."))
    config = WechatSettings.objects.select_for_update().get_or_create(pk=1)[0]
    errors: dict[str, list[str]] = {}
    values: dict = {"official_asks_for_profile": bool(data.official_asks_for_profile)}
    for app in ("official", "mini"):
        id_field, secret_field = f"{app}_app_id", f"{app}_app_secret"
        app_id = (getattr(data, id_field) or "").strip()
        secret = (getattr(data, secret_field) or "").strip()
        if app_id and not APP_ID_RE.fullmatch(app_id):
            errors[id_field] = [_("An AppID is “wx” followed by 16 letters a–f or digits.")]
        if secret and not APP_SECRET_RE.fullmatch(secret):
            errors[secret_field] = [_("An AppSecret is 32 letters and digits.")]
        elif app_id and not secret:
            # The stored secret is kept only for the AppID it belongs to.
            if app_id != getattr(config, id_field) or not getattr(config, secret_field):
                errors[secret_field] = [_("Enter the AppSecret of this AppID.")]
            secret = getattr(config, secret_field)
        values[id_field] = app_id
        values[secret_field] = secret if app_id else ""
    if errors:
        raise InvalidInput(errors)
    before = masked_secrets(config)
    changes = model_update(instance=config, fields=list(values), data=values)
    # The log shows secrets masked, as the console does: that one changed, never what it is.
    after = masked_secrets(config)
    for name in ("official_app_secret", "mini_app_secret"):
        if name in changes:
            changes[name] = [before[name], after[name]]
    if changes:
        activity.record(
            actor=actor,
            action="wechat_settings.updated",
            target=config,
            target_label="WeChat",
            changes=changes,
        )
    return config


# --- talking to WeChat ------------------------------------------------------------------------------


class _OAuth(WeChatOAuth):
    """wechatpy's WeChatOAuth with a timeout on every call (it sets none, so a hung WeChat would hold the
    web worker)."""

    def _request(self, method, url_or_endpoint, **kwargs):
        kwargs.setdefault("timeout", settings.WECHAT_API_TIMEOUT)
        return super()._request(method, url_or_endpoint, **kwargs)


def _clean_login_code(code) -> str:
    code = code.strip() if isinstance(code, str) else ""
    if not LOGIN_CODE_RE.fullmatch(code):
        raise InvalidInput({"code": [_("This WeChat login code is not valid.")]}, code=ErrorCode.CODE_INVALID)
    return code


def _refusal(errcode, errmsg, *, app_id: str) -> DomainError:
    """The domain error for an errcode WeChat answered; its own message goes to the log only."""
    if errcode in _BAD_CODE:
        return InvalidInput(
            {"code": [_("This WeChat sign-in has expired or was already used. Please try again.")]},
            code=ErrorCode.CODE_INVALID,
        )
    if errcode in _TOO_FREQUENT:
        return RateLimited(_("Too many sign-ins in a short time. Please wait a minute and try again."))
    if errcode in _RISKY_USER:
        return NotAllowed(_("WeChat did not allow this sign-in. Please sign in with your phone number."))
    logger.error("WeChat app %s refused a sign-in: errcode %s (%s)", app_id, errcode, str(errmsg)[:200])
    return ProviderUnavailable(
        _("WeChat sign-in is not available right now. Please sign in with your phone number.")
    )


def _unavailable(app_id: str, reason: str) -> ProviderUnavailable:
    logger.error("WeChat app %s could not be reached for a sign-in: %s", app_id, reason[:200])
    return ProviderUnavailable(
        _("WeChat sign-in is not available right now. Please sign in with your phone number.")
    )


def _official_app() -> WechatSettings:
    config = wechat_settings()
    if not config.official_enabled:
        raise NotFound(_("This store does not offer WeChat sign-in."), code=ErrorCode.WECHAT_NOT_CONFIGURED)
    return config


def official_account_enabled() -> bool:
    return wechat_settings().official_enabled


def wechat_authorize_url(*, redirect_uri: str, state: str) -> str:
    """Where to send the buyer's WeChat browser to sign in through the store's official account."""
    config = _official_app()
    scope = SCOPE_USERINFO if config.official_asks_for_profile else SCOPE_BASE
    return _OAuth(
        config.official_app_id, config.official_app_secret, redirect_uri, scope, state
    ).authorize_url


def sign_in_with_wechat_oauth(*, code: str, redirect_uri: str, previous_session_key: str = ""):
    """The buyer the official account's OAuth `code` belongs to (made on the first sign-in)."""
    config = _official_app()
    code = _clean_login_code(code)
    oauth = _OAuth(config.official_app_id, config.official_app_secret, redirect_uri)
    try:
        token = oauth.fetch_access_token(code)
        openid = str(token["openid"])
        profile = oauth.get_user_info() if SCOPE_USERINFO in str(token.get("scope", "")) else {}
    except WeChatOAuthException as exc:
        if exc.errcode is None:
            raise _unavailable(
                config.official_app_id, f"HTTP {getattr(exc.response, 'status_code', '?')}"
            ) from None
        raise _refusal(exc.errcode, exc.errmsg, app_id=config.official_app_id) from None
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise _unavailable(config.official_app_id, type(exc).__name__) from None
    return _sign_in(
        app_id=config.official_app_id,
        openid=openid,
        unionid=str(profile.get("unionid") or token.get("unionid") or ""),
        nickname=str(profile.get("nickname") or ""),
        avatar_url=str(profile.get("headimgurl") or ""),
        session_key="",
        previous_session_key=previous_session_key,
    )


def sign_in_with_wechat_mini(*, code: str):
    """The buyer the mini-program's wx.login() `code` belongs to (made on the first sign-in)."""
    config = wechat_settings()
    if not config.mini_enabled:
        raise NotFound(_("This store does not offer WeChat sign-in."), code=ErrorCode.WECHAT_NOT_CONFIGURED)
    code = _clean_login_code(code)
    params = {
        "appid": config.mini_app_id,
        "secret": config.mini_app_secret,
        "js_code": code,
        "grant_type": "authorization_code",
    }
    try:
        response = requests.get(JSCODE2SESSION_URL, params=params, timeout=settings.WECHAT_API_TIMEOUT)
        response.raise_for_status()
        answer = response.json()
    except (requests.RequestException, ValueError) as exc:
        # Never the response body: it carries the session key.
        raise _unavailable(config.mini_app_id, type(exc).__name__) from None
    if not isinstance(answer, dict):
        raise _unavailable(config.mini_app_id, "not a JSON object")
    if answer.get("errcode"):
        raise _refusal(answer.get("errcode"), answer.get("errmsg", ""), app_id=config.mini_app_id)
    if not answer.get("openid") or not answer.get("session_key"):
        raise _unavailable(config.mini_app_id, "no openid or session_key in the answer")
    return _sign_in(
        app_id=config.mini_app_id,
        openid=str(answer["openid"]),
        unionid=str(answer.get("unionid") or ""),
        nickname="",
        avatar_url="",
        session_key=str(answer["session_key"]),
        previous_session_key="",
    )


# --- the buyer behind an identity -------------------------------------------------------------------


def _clean_avatar_url(url: str) -> str:
    return url if url.startswith(("https://", "http://")) and len(url) <= 500 else ""


@transaction.atomic
def _sign_in(*, app_id, openid, unionid, nickname, avatar_url, session_key, previous_session_key):
    openid, unionid, nickname = openid[:64], unionid[:64], nickname.strip()[:64]
    # Two first sign-ins of one openid at once (a double tap) make one buyer.
    locks.hold(f"wechat-identity:{app_id}:{openid}")
    identity = WechatIdentity.objects.select_related("buyer").filter(app_id=app_id, openid=openid).first()
    if identity is None:
        sibling = (
            WechatIdentity.objects.select_related("buyer").filter(unionid=unionid).order_by("id").first()
            if unionid
            else None
        )
        buyer = sibling.buyer if sibling else create_buyer(name=nickname, how=f"wechat:{app_id}")
        identity = WechatIdentity(buyer=buyer, app_id=app_id, openid=openid)
    buyer = identity.buyer
    if buyer.role != User.Role.CUSTOMER:
        # Identities are only ever made for buyers; a row saying otherwise is not a way into staff.
        raise NotAllowed(_("This WeChat account cannot sign in here."))
    require_active(buyer)
    identity.unionid = unionid or identity.unionid
    identity.nickname = nickname or identity.nickname
    identity.avatar_url = _clean_avatar_url(avatar_url) or identity.avatar_url
    if session_key:
        identity.session_key = session_key
    identity.save()
    if nickname and not buyer.name:
        buyer.name = nickname
        buyer.save(update_fields=["name"])
    signed_in(buyer, previous_session_key=previous_session_key)
    return buyer
