"""Text messages. Every app sends through `send_sms(...)`; the SMS_BACKEND setting (a dotted path, like
EMAIL_BACKEND) picks who delivers them:

- `ConsoleSmsBackend`, the default: logs each message and keeps it in `tenants.sms.outbox` (as Django's
  locmem mail backend keeps `mail.outbox`), which tests read and a fixture clears per test;
- `TencentSmsBackend`: Tencent Cloud SMS, from the optional extra `sms-tencent`
  (tencentcloud-sdk-python-sms), imported only when a message is sent.

A message is a *template* — a purpose such as "sign_in_code" — with named params. Apps register their
templates when they load (`register_template`): the wording, which the console backend renders in the
active language, and the order of the params, which Tencent's positional templates ({1}, {2}, …) need.
Tencent sends the template id configured for the purpose (TENCENT_SMS_TEMPLATES)."""

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tenants.errors import InvalidInput, ProviderUnavailable, RateLimited
from tenants.phones import mask_phone

logger = logging.getLogger(__name__)

CHINA_PREFIX = "+86"


@dataclass(frozen=True)
class SmsTemplate:
    name: str
    # The wording with %(param)s placeholders, e.g. "【%(store)s】Your code is %(code)s".
    text: Promise | str
    # The params in the order of the provider's positional template.
    params: tuple[str, ...]

    def render(self, params: dict) -> str:
        return str(self.text) % params


_TEMPLATES: dict[str, SmsTemplate] = {}


def register_template(name: str, *, text: Promise | str, params: tuple[str, ...]) -> None:
    _TEMPLATES[name] = SmsTemplate(name=name, text=text, params=tuple(params))


def get_template(name: str) -> SmsTemplate:
    try:
        return _TEMPLATES[name]
    except KeyError:
        raise ImproperlyConfigured(f"no SMS template {name!r} is registered") from None


@dataclass(frozen=True)
class SmsMessage:
    """A message the console backend kept."""

    phone: str
    template: str
    params: dict
    text: str
    message_id: str


outbox: list[SmsMessage] = []


class BaseSmsBackend:
    def send(self, phone_e164: str, template: str, params: dict) -> str:
        """Send one message; return the provider's message id. Raises a DomainError when it was not
        sent: InvalidInput on "phone" for a number that cannot receive it, RateLimited when the
        provider's own limits for the number are reached, ProviderUnavailable for anything else."""
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Development and tests. With DEBUG on the log shows the whole text (the developer needs the code);
    otherwise only that a message went to a masked number, so a misconfigured production server never
    writes sign-in codes into its logs."""

    def send(self, phone_e164: str, template: str, params: dict) -> str:
        text = get_template(template).render(params)
        message_id = f"console-{uuid.uuid4().hex[:16]}"
        outbox.append(SmsMessage(phone_e164, template, dict(params), text, message_id))
        if settings.DEBUG:
            logger.info("SMS %s to %s: %s", message_id, phone_e164, text)
        else:
            logger.info("SMS %s to %s (%s), console backend", message_id, mask_phone(phone_e164), template)
        return message_id


# Tencent's error codes (tencentcloud/sms/v20210111/errorcodes.py) that are about the number, or about
# the number's own limits; every other code (our account's limits, credentials, templates, their outage)
# is ours to fix, not the buyer's.
_TENCENT_BAD_NUMBER = (
    "InvalidParameterValue.IncorrectPhoneNumber",
    "FailedOperation.PhoneNumberInBlacklist",
    "FailedOperation.PhoneNumberParseFail",
    "UnsupportedOperation.UnsupportedRegion",
    "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone",
    "UnsupportedOperation.GlobalTemplateToChineseMainlandPhone",
    "LimitExceeded.AppCountryOrRegionInBlacklist",
)
_TENCENT_NUMBER_LIMITED = (
    "LimitExceeded.PhoneNumberDailyLimit",
    "LimitExceeded.PhoneNumberOneHourLimit",
    "LimitExceeded.PhoneNumberSameContentDailyLimit",
    "LimitExceeded.PhoneNumberThirtySecondLimit",
)


class TencentSmsBackend(BaseSmsBackend):
    """Tencent Cloud SMS (API 2021-01-11, SendSms). Settings: TENCENT_SMS_SECRET_ID, _SECRET_KEY,
    _SDK_APP_ID, _SIGN_NAME, _REGION, _TIMEOUT and TENCENT_SMS_TEMPLATES, a template id per purpose:
    "sign_in_code" for Chinese numbers in Chinese, optionally "sign_in_code.en" for English and
    "sign_in_code.intl" for numbers outside mainland China (Tencent's international templates, sent
    without a signature)."""

    endpoint = "sms.tencentcloudapi.com"

    def __init__(self):
        missing = [
            name
            for name in ("SECRET_ID", "SECRET_KEY", "SDK_APP_ID", "SIGN_NAME")
            if not getattr(settings, f"TENCENT_SMS_{name}", "")
        ]
        if missing:
            raise ImproperlyConfigured(
                "TencentSmsBackend needs " + ", ".join(f"TENCENT_SMS_{name}" for name in missing)
            )

    def _template_id(self, template: str, phone_e164: str) -> str:
        ids = settings.TENCENT_SMS_TEMPLATES
        language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
        if phone_e164.startswith(CHINA_PREFIX):
            candidates = [f"{template}.{language}", template] if language != "zh" else [template]
        else:
            candidates = [f"{template}.intl"]
        for key in candidates:
            if ids.get(key):
                return ids[key]
        raise ImproperlyConfigured(f"TENCENT_SMS_TEMPLATES has no template id for {' or '.join(candidates)}")

    def send(self, phone_e164: str, template: str, params: dict) -> str:
        try:
            from tencentcloud.common import credential
            from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
            from tencentcloud.common.profile.client_profile import ClientProfile
            from tencentcloud.common.profile.http_profile import HttpProfile
            from tencentcloud.sms.v20210111 import models, sms_client
        except ImportError as exc:
            raise ImproperlyConfigured(
                "TencentSmsBackend needs the optional extra sms-tencent (tencentcloud-sdk-python-sms)"
            ) from exc

        spec = get_template(template)
        request = models.SendSmsRequest()
        request.SmsSdkAppId = settings.TENCENT_SMS_SDK_APP_ID
        request.TemplateId = self._template_id(template, phone_e164)
        request.PhoneNumberSet = [phone_e164]
        request.TemplateParamSet = [str(params[name]) for name in spec.params]
        if phone_e164.startswith(CHINA_PREFIX):
            request.SignName = settings.TENCENT_SMS_SIGN_NAME
        profile = ClientProfile(
            httpProfile=HttpProfile(endpoint=self.endpoint, reqTimeout=settings.TENCENT_SMS_TIMEOUT)
        )
        client = sms_client.SmsClient(
            credential.Credential(settings.TENCENT_SMS_SECRET_ID, settings.TENCENT_SMS_SECRET_KEY),
            settings.TENCENT_SMS_REGION,
            profile,
        )
        try:
            response = client.SendSms(request)
        except TencentCloudSDKException as exc:
            raise self._refusal(exc.get_code() or "", phone_e164, request_id=exc.get_request_id()) from None
        status = (response.SendStatusSet or [None])[0]
        if status is None:
            raise self._refusal("EmptySendStatusSet", phone_e164, request_id=response.RequestId)
        if status.Code != "Ok":
            raise self._refusal(status.Code or "", phone_e164, request_id=response.RequestId)
        return status.SerialNo or response.RequestId

    @staticmethod
    def _refusal(code: str, phone_e164: str, *, request_id=None):
        """The domain error for a Tencent error code; what Tencent said goes to the log only."""
        logger.warning(
            "Tencent SMS to %s refused: %s (request %s)", mask_phone(phone_e164), code, request_id or "-"
        )
        if code in _TENCENT_BAD_NUMBER:
            return InvalidInput({"phone": [_("This number cannot receive our text messages.")]})
        if code in _TENCENT_NUMBER_LIMITED:
            return RateLimited(
                _("This number has received too many text messages. Please try again later."), field="phone"
            )
        return ProviderUnavailable(
            _("The text message could not be sent. Please try again in a few minutes.")
        )


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, phone: str, template: str, params: dict, language: str | None = None) -> str:
    """Send `template` with `params` to `phone` (E.164) through SMS_BACKEND, worded in `language` (the
    active language when None). Returns the provider's message id; raises a DomainError when it was
    not sent (see BaseSmsBackend.send)."""
    get_template(template)  # an unknown template is a programming error, whichever the backend
    backend = get_backend()
    if language is None:
        return backend.send(phone, template, params)
    with translation.override(language):
        return backend.send(phone, template, params)
