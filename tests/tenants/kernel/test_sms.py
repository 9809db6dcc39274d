"""Text messages: the console backend keeps an outbox; Tencent Cloud SMS is faked at the HTTP layer
(the SDK posts signed JSON to sms.tencentcloudapi.com), and each kind of refusal becomes a domain error."""

import json
import logging
import subprocess
import sys

import pytest
import responses
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tenants import sms
from tenants.errors import ErrorCode, InvalidInput, ProviderUnavailable, RateLimited

TENCENT_URL = "https://sms.tencentcloudapi.com/"
PHONE = "+8613800138000"


@pytest.fixture(autouse=True)
def _a_template():
    sms.register_template("test_hello", text="Hello %(name)s, your code is %(code)s", params=("code", "name"))


@pytest.fixture
def tencent(settings):
    settings.SMS_BACKEND = "tenants.sms.TencentSmsBackend"
    settings.TENCENT_SMS_SECRET_ID = "AKIDtestsecretid"
    settings.TENCENT_SMS_SECRET_KEY = "test-secret-key"
    settings.TENCENT_SMS_SDK_APP_ID = "1400000000"
    settings.TENCENT_SMS_SIGN_NAME = "分销云"
    settings.TENCENT_SMS_REGION = "ap-guangzhou"
    settings.TENCENT_SMS_TEMPLATES = {"test_hello": "111", "test_hello.en": "222", "test_hello.intl": "333"}
    with responses.RequestsMock() as mocked:
        yield mocked


def ok_answer(code="Ok", serial="2645:1234567890"):
    return {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": serial,
                    "PhoneNumber": PHONE,
                    "Fee": 1,
                    "SessionContext": "",
                    "Code": code,
                    "Message": "send success" if code == "Ok" else "refused",
                    "IsoCode": "CN",
                }
            ],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
        }
    }


def error_answer(code, message="refused"):
    return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "req-1"}}


def sent_body(mocked, index=-1) -> dict:
    return json.loads(mocked.calls[index].request.body)


# --- the console backend ----------------------------------------------------------------------------


def test_the_console_backend_is_the_default_and_keeps_what_it_sent():
    assert settings.SMS_BACKEND == "tenants.sms.ConsoleSmsBackend"
    message_id = sms.send_sms(phone=PHONE, template="test_hello", params={"name": "王芳", "code": "123456"})
    [message] = sms.outbox
    assert message.message_id == message_id and message_id.startswith("console-")
    assert message.phone == PHONE and message.template == "test_hello"
    assert message.text == "Hello 王芳, your code is 123456"


def test_the_outbox_is_empty_again_in_every_test():
    assert sms.outbox == []


def test_the_console_backend_logs_the_code_only_with_debug_on(settings, caplog):
    with caplog.at_level(logging.INFO, logger="tenants.sms"):
        sms.send_sms(phone=PHONE, template="test_hello", params={"name": "A", "code": "654321"})
    assert "654321" not in caplog.text and "+86 138****8000" in caplog.text
    settings.DEBUG = True
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="tenants.sms"):
        sms.send_sms(phone=PHONE, template="test_hello", params={"name": "A", "code": "654321"})
    assert "654321" in caplog.text


def test_an_unknown_template_is_a_programming_error():
    with pytest.raises(ImproperlyConfigured):
        sms.send_sms(phone=PHONE, template="no_such_template", params={})


def test_the_backend_is_a_setting(settings):
    RecordingBackend.sent = []
    settings.SMS_BACKEND = "tests.tenants.kernel.test_sms.RecordingBackend"
    assert sms.send_sms(phone=PHONE, template="test_hello", params={"name": "A", "code": "1"}) == "recorded-1"
    assert RecordingBackend.sent == [(PHONE, "test_hello", {"name": "A", "code": "1"})]


class RecordingBackend(sms.BaseSmsBackend):
    sent: list = []

    def send(self, phone_e164, template, params):
        self.sent.append((phone_e164, template, params))
        return f"recorded-{len(self.sent)}"


# --- Tencent Cloud SMS ------------------------------------------------------------------------------


def test_tencent_sends_the_template_id_sign_and_positional_params(tencent):
    tencent.post(TENCENT_URL, json=ok_answer())
    message_id = sms.send_sms(
        phone=PHONE, template="test_hello", params={"name": "王芳", "code": "123456"}, language="zh-hans"
    )
    assert message_id == "2645:1234567890"
    body = sent_body(tencent)
    assert body == {
        "PhoneNumberSet": [PHONE],
        "SmsSdkAppId": "1400000000",
        "TemplateId": "111",
        "SignName": "分销云",
        "TemplateParamSet": ["123456", "王芳"],
    }
    request = tencent.calls[0].request
    assert request.headers["X-TC-Action"] == "SendSms"
    assert request.headers["X-TC-Region"] == "ap-guangzhou"
    assert request.headers["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDtestsecretid/")
    assert "test-secret-key" not in request.headers["Authorization"]


def test_tencent_picks_the_template_of_the_language_and_of_numbers_abroad(tencent):
    tencent.post(TENCENT_URL, json=ok_answer())
    sms.send_sms(phone=PHONE, template="test_hello", params={"name": "A", "code": "1"}, language="en")
    assert sent_body(tencent)["TemplateId"] == "222"
    sms.send_sms(phone=PHONE, template="test_hello", params={"name": "A", "code": "1"}, language="zh-hans")
    assert sent_body(tencent)["TemplateId"] == "111"
    sms.send_sms(phone="+85251234567", template="test_hello", params={"name": "A", "code": "1"})
    body = sent_body(tencent)
    assert body["TemplateId"] == "333" and "SignName" not in body


@pytest.mark.parametrize(
    "answer, error, code",
    [
        (error_answer("AuthFailure.SecretIdNotFound"), ProviderUnavailable, ErrorCode.PROVIDER_UNAVAILABLE),
        (
            error_answer("FailedOperation.InsufficientBalanceInSmsPackage"),
            ProviderUnavailable,
            ErrorCode.PROVIDER_UNAVAILABLE,
        ),
        (error_answer("InvalidParameterValue.IncorrectPhoneNumber"), InvalidInput, ErrorCode.INVALID),
        (
            ok_answer(code="LimitExceeded.PhoneNumberDailyLimit", serial=""),
            RateLimited,
            ErrorCode.RATE_LIMITED,
        ),
        (
            ok_answer(code="FailedOperation.PhoneNumberInBlacklist", serial=""),
            InvalidInput,
            ErrorCode.INVALID,
        ),
        (
            ok_answer(code="LimitExceeded.AppDailyLimit", serial=""),
            ProviderUnavailable,
            ErrorCode.PROVIDER_UNAVAILABLE,
        ),
    ],
)
def test_a_refusal_of_tencent_becomes_a_clear_domain_error(tencent, caplog, answer, error, code):
    tencent.post(TENCENT_URL, json=answer)
    with pytest.raises(error) as refused, caplog.at_level(logging.WARNING, logger="tenants.sms"):
        sms.send_sms(phone=PHONE, template="test_hello", params={"name": "A", "code": "1"})
    assert refused.value.code == code
    # What Tencent said is logged for us, never shown to the buyer; the number is masked in the log.
    assert "refused" not in refused.value.message
    assert "+86 138****8000" in caplog.text and PHONE not in caplog.text
    if error is InvalidInput:
        assert list(refused.value.errors) == ["phone"]


def test_tencent_being_down_is_provider_unavailable(tencent):
    tencent.post(TENCENT_URL, body="Bad gateway", status=502)
    with pytest.raises(ProviderUnavailable):
        sms.send_sms(phone=PHONE, template="test_hello", params={"name": "A", "code": "1"})
    tencent.post(TENCENT_URL, body=ConnectionError("connection reset"))
    with pytest.raises(ProviderUnavailable):
        sms.send_sms(phone=PHONE, template="test_hello", params={"name": "A", "code": "1"})


def test_tencent_without_its_keys_or_template_ids_says_what_is_missing(settings, tencent):
    settings.TENCENT_SMS_SECRET_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="TENCENT_SMS_SECRET_KEY"):
        sms.send_sms(phone=PHONE, template="test_hello", params={"name": "A", "code": "1"})
    settings.TENCENT_SMS_SECRET_KEY = "k"
    settings.TENCENT_SMS_TEMPLATES = {}
    with pytest.raises(ImproperlyConfigured, match="test_hello"):
        sms.send_sms(phone=PHONE, template="test_hello", params={"name": "A", "code": "1"})


def test_the_tencent_sdk_is_imported_only_when_a_message_goes_through_it():
    script = "import tenants.sms, sys; print('tencentcloud' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
