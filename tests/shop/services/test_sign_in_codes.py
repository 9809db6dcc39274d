"""The life of an SMS sign-in code: hashed, five minutes, single use, five tries; and the limits on
asking for codes (a resend gap, daily caps per number and per IP address)."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from shop import events
from shop.models import SmsCode
from shop.services import buyer_auth
from tenants import sms
from tenants.activity.models import ActivityEntry
from tenants.errors import ErrorCode, InvalidInput, NotAllowed, RateLimited
from tests.shop.conftest import PHONE_1, last_code

pytestmark = pytest.mark.django_db
User = get_user_model()
IP = "203.0.113.7"


def request_code(store, phone=PHONE_1, ip=IP):
    return buyer_auth.request_sign_in_code(store=store, phone=phone, ip=ip)


def sign_in(code, phone=PHONE_1):
    return buyer_auth.sign_in_with_code(phone=phone, code=code, ip=IP)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def age_codes(seconds: int, phone=PHONE_1):
    """Move the number's codes back in time, as if they had been sent `seconds` earlier."""
    for row in SmsCode.objects.filter(phone=phone):
        row.created_at -= timedelta(seconds=seconds)
        row.expires_at -= timedelta(seconds=seconds)
        row.save()


def test_a_code_is_texted_in_the_buyers_language_and_stored_only_hashed(in_store_a):
    sent = request_code(in_store_a, phone="138 0013 8001")
    assert (sent.phone, sent.expires_in, sent.resend_in) == (PHONE_1, 300, 60)
    [message] = sms.outbox
    code = last_code()
    assert message.phone == PHONE_1
    assert (
        message.text == f"【Store A】Your code is {code}, valid for 5 minutes. Do not share it with anyone."
    )
    row = SmsCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.ip == IP and row.message_id == message.message_id
    assert row.expires_at - row.created_at == timedelta(minutes=5)


def test_the_text_is_chinese_for_a_chinese_buyer(in_store_a):
    from django.utils import translation

    with translation.override("zh-hans"):
        request_code(in_store_a)
    assert sms.outbox[-1].text.startswith("【Store A】您的验证码是")


def test_the_first_sign_in_makes_the_buyer_and_announces_it_on_commit(
    in_store_a, django_capture_on_commit_callbacks
):
    request_code(in_store_a)
    heard = []
    events.buyer_signed_in.connect(
        lambda sender, **kw: heard.append(kw), weak=False, dispatch_uid="test-heard"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            buyer = buyer_auth.sign_in_with_code(
                phone=PHONE_1, code=last_code(), ip=IP, previous_session_key="guest-session"
            )
    finally:
        events.buyer_signed_in.disconnect(dispatch_uid="test-heard")
    assert (buyer.role, buyer.phone, buyer.email, buyer.has_usable_password()) == (
        "customer",
        PHONE_1,
        None,
        False,
    )
    assert buyer.last_login is not None
    assert heard == [
        {"user_id": buyer.pk, "previous_session_key": "guest-session", "signal": events.buyer_signed_in}
    ]
    entry = ActivityEntry.objects.get(action="buyer.created")
    assert entry.target_id == str(buyer.pk) and entry.changes["phone"] == [None, "+86 138****8001"]


def test_signing_in_again_finds_the_same_buyer(in_store_a):
    request_code(in_store_a)
    first = sign_in(last_code())
    age_codes(61)
    request_code(in_store_a)
    assert sign_in(last_code()) == first
    assert User.objects.filter(role="customer").count() == 1


def test_a_code_is_used_once(in_store_a):
    request_code(in_store_a)
    code = last_code()
    sign_in(code)
    with pytest.raises(InvalidInput) as refused:
        sign_in(code)
    assert refused.value.errors["code"] == ["This code has already been used. Ask for a new code."]


def test_a_code_expires_after_five_minutes(in_store_a):
    request_code(in_store_a)
    age_codes(299)
    code = last_code()
    age_codes(2)
    with pytest.raises(InvalidInput) as refused:
        sign_in(code)
    assert refused.value.code == ErrorCode.CODE_EXPIRED
    assert not User.objects.filter(role="customer").exists()


def test_five_wrong_tries_kill_the_code_and_each_try_is_counted(in_store_a, caplog):
    request_code(in_store_a)
    code = last_code()
    messages = []
    for _ in range(5):
        with pytest.raises(InvalidInput) as refused:
            sign_in(wrong(code))
        messages.append(refused.value.errors["code"][0])
    assert messages[:2] == ["Wrong code. 4 tries left.", "Wrong code. 3 tries left."]
    assert messages[4] == "Wrong code, and that was the last try. Ask for a new code."
    assert SmsCode.objects.get().attempts == 5
    with pytest.raises(InvalidInput) as refused:
        sign_in(code)  # the right code, too late
    assert refused.value.errors["code"] == ["Too many wrong codes. Ask for a new code."]
    assert "last wrong try for +86 138****8001" in caplog.text


def test_only_the_newest_code_of_a_number_counts(in_store_a):
    request_code(in_store_a)
    old = last_code()
    age_codes(61)
    request_code(in_store_a)
    new = last_code()
    if old != new:
        with pytest.raises(InvalidInput):
            sign_in(old)
    assert sign_in(new).phone == PHONE_1


@pytest.mark.parametrize("code", ["", "12345", "1234567", "１２３４５６", "12 456", "12345\x00", "9" * 5000])
def test_a_code_that_is_not_six_ascii_digits_is_refused_before_counting(in_store_a, code):
    request_code(in_store_a)
    with pytest.raises(InvalidInput) as refused:
        sign_in(code)
    assert list(refused.value.errors) == ["code"]
    assert SmsCode.objects.get().attempts == 0


def test_a_number_that_never_got_a_code_cannot_sign_in(in_store_a):
    with pytest.raises(InvalidInput) as refused:
        sign_in("123456")
    assert refused.value.errors["code"] == ["No code was sent to this number. Ask for a new code."]


def test_a_deactivated_buyer_is_refused(in_store_a):
    request_code(in_store_a)
    buyer = sign_in(last_code())
    User.objects.filter(pk=buyer.pk).update(is_active=False)
    age_codes(61)
    request_code(in_store_a)
    with pytest.raises(NotAllowed) as refused:
        sign_in(last_code())
    assert refused.value.code == ErrorCode.ACCOUNT_DEACTIVATED


def test_a_staff_members_phone_never_signs_into_the_staff_account(in_store_a):
    from tests.factories import StaffFactory

    staff = StaffFactory(phone=PHONE_1)
    request_code(in_store_a)
    buyer = sign_in(last_code())
    assert buyer.pk != staff.pk and buyer.role == "customer" and not buyer.is_store_staff
    staff.refresh_from_db()
    assert staff.role == "operations" and staff.phone == PHONE_1


def test_a_landline_or_a_bad_number_gets_no_code(in_store_a):
    for phone in ("010 1234 5678", "12345", "１３８００１３８０００"):
        with pytest.raises(InvalidInput) as refused:
            request_code(in_store_a, phone=phone)
        assert list(refused.value.errors) == ["phone"]
    assert sms.outbox == [] and not SmsCode.objects.exists()


# --- limits on asking -------------------------------------------------------------------------------


def test_a_second_code_waits_for_the_resend_gap(in_store_a):
    request_code(in_store_a)
    age_codes(20)
    with pytest.raises(RateLimited) as refused:
        request_code(in_store_a)
    assert refused.value.retry_after == 40 and refused.value.status_code == 429
    assert len(sms.outbox) == 1
    age_codes(40)
    request_code(in_store_a)
    assert len(sms.outbox) == 2


def test_a_number_gets_at_most_the_daily_cap_of_codes(in_store_a, settings, caplog):
    settings.SMS_CODE_DAILY_LIMIT_PER_PHONE = 3
    for _ in range(3):
        request_code(in_store_a, ip=None)
        age_codes(3600)
    with pytest.raises(RateLimited) as refused, caplog.at_level(logging.WARNING):
        request_code(in_store_a, ip=None)
    assert "today" in refused.value.message
    # the oldest of the three was sent 3 hours ago: the cap lifts 21 hours from now
    assert refused.value.retry_after == 21 * 3600
    assert "daily cap reached for +86 138****8001" in caplog.text
    age_codes(21 * 3600)
    request_code(in_store_a, ip=None)


def test_an_ip_address_gets_at_most_its_daily_cap_of_codes(in_store_a, settings, caplog):
    settings.SMS_CODE_DAILY_LIMIT_PER_IP = 2
    request_code(in_store_a, phone="+8613800138011")
    request_code(in_store_a, phone="+8613800138012")
    with pytest.raises(RateLimited), caplog.at_level(logging.WARNING):
        request_code(in_store_a, phone="+8613800138013")
    assert f"daily cap reached for ip {IP}" in caplog.text
    request_code(in_store_a, phone="+8613800138013", ip="198.51.100.1")
    assert len(sms.outbox) == 3


def test_a_text_the_provider_refuses_leaves_no_code_and_counts_against_nothing(in_store_a, settings):
    settings.SMS_BACKEND = "tests.shop.services.test_sign_in_codes.RefusingBackend"
    with pytest.raises(RateLimited):
        request_code(in_store_a)
    assert not SmsCode.objects.exists()
    settings.SMS_BACKEND = "tenants.sms.ConsoleSmsBackend"
    request_code(in_store_a)  # no resend gap: nothing was sent


class RefusingBackend(sms.BaseSmsBackend):
    def send(self, phone_e164, template, params):
        raise RateLimited("The provider's own limit for this number.", field="phone")


def test_codes_of_yesterday_are_purged(in_store_a):
    request_code(in_store_a)
    age_codes(24 * 3600 + 1)
    request_code(in_store_a)
    assert buyer_auth.purge_stale_sms_codes() == 1
    assert SmsCode.objects.count() == 1 and SmsCode.objects.get().created_at > timezone.now() - timedelta(
        minutes=1
    )
