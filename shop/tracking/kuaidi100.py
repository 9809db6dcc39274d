"""Kuaidi100 (快递100), the platform's tracking provider once its keys are set (KUAIDI100_CUSTOMER,
KUAIDI100_KEY, KUAIDI100_SALT). There is no Python client worth using; the API is three form posts:

- query: POST https://poll.kuaidi100.com/poll/query.do with `customer`, `param` (JSON: com, num, phone)
  and `sign` = upper-case MD5(param + key + customer);
- subscribe: POST https://poll.kuaidi100.com/poll with `schema=json` and `param` (JSON: company, number,
  key, parameters: callbackurl, salt, phone). Kuaidi100 then watches the parcel and pushes every change;
- push: Kuaidi100 posts `param` (JSON: status, message, lastResult with the whole timeline) and `sign` =
  upper-case MD5(param + salt) to the callback URL, and wants {"result": true, "returnCode": "200"} back
  (else it retries a few times, about half an hour apart).

A timeout, a non-200 answer or a refusal (`result: false` with a `returnCode`) becomes a clear domain
error, never a crash. Kuaidi100's times are China time without a zone."""

import datetime
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

import requests
from django.utils.translation import gettext as _

from shop.tracking.base import (
    Acknowledgement,
    InvalidTrackingPush,
    State,
    TrackingEvent,
    TrackingProvider,
    TrackingProviderError,
    TrackingPush,
    TrackingResult,
    TrackingUnavailable,
    state_from_kuaidi100,
)
from tenants.inputs import load_json

logger = logging.getLogger(__name__)

QUERY_URL = "https://poll.kuaidi100.com/poll/query.do"
SUBSCRIBE_URL = "https://poll.kuaidi100.com/poll"
# (connect, read) seconds: the refresh job and the subscription task wait, but not for ever.
TIMEOUT = (5, 15)
CHINA = ZoneInfo("Asia/Shanghai")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# A subscription Kuaidi100 already has: what we asked for is in place.
ALREADY_SUBSCRIBED = "501"
# What a carrier code and a tracking number of ours look like (Shipment.carrier holds 20 characters,
# tracking_number 40): a push naming anything else cannot be for one of our parcels.
CARRIER_RE = re.compile(r"[0-9a-z]{1,20}", re.ASCII)
NUMBER_RE = re.compile(r"[0-9A-Za-z]{1,40}", re.ASCII)


def _param(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _md5_upper(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest().upper()


def _parse_time(item: Mapping) -> datetime.datetime | None:
    text = item.get("ftime") or item.get("time")
    try:
        return datetime.datetime.strptime(str(text).strip(), TIME_FORMAT).replace(tzinfo=CHINA)
    except ValueError:
        return None


def read_result(data: Mapping) -> TrackingResult:
    """A query answer or a push's `lastResult` as a TrackingResult. An event whose time does not read is
    left out (logged) rather than losing the whole timeline over it."""
    items = data.get("data")
    events = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping):
            continue
        when, text = _parse_time(item), item.get("context")
        if when is None or not isinstance(text, str):
            logger.warning("kuaidi100: an event without a readable time or text: %r", item)
            continue
        events.append(TrackingEvent(when, text))
    events.sort(key=lambda event: event.time, reverse=True)
    state = state_from_kuaidi100(data.get("state", "0"))
    delivered_at = events[0].time if state == State.DELIVERED and events else None
    return TrackingResult(state=state, events=tuple(events), delivered_at=delivered_at)


def push_answer(ok: bool, *, message: str = "") -> Acknowledgement:
    """What Kuaidi100 expects back from a push: anything but result true and returnCode "200" is a failure,
    and it sends the push again later."""
    if ok:
        status, payload = 200, {"result": True, "returnCode": "200", "message": "成功"}
    else:
        status, payload = 400, {"result": False, "returnCode": "400", "message": message or "失败"}
    return Acknowledgement(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")


class Kuaidi100Client(TrackingProvider):
    code = "kuaidi100"
    pushes = True
    # Kuaidi100 looks at a subscribed parcel about every four hours and pushes what changed.
    refresh_after = datetime.timedelta(hours=6)

    def __init__(self, *, customer: str, key: str, salt: str):
        self.customer = customer
        self.key = key
        self.salt = salt

    def _post(self, url: str, form: dict) -> dict:
        try:
            response = requests.post(url, data=form, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise TrackingUnavailable(
                _("Kuaidi100 could not be reached. Try again in a moment."),
                provider=self.code,
                provider_code="NETWORK",
            ) from exc
        if response.status_code != 200:
            error = TrackingUnavailable if response.status_code >= 500 else TrackingProviderError
            raise error(
                _("Kuaidi100 answered with HTTP %(status)s.") % {"status": response.status_code},
                provider=self.code,
                provider_code=f"HTTP_{response.status_code}",
            )
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise TrackingProviderError(
                _("Kuaidi100 gave an unexpected answer."), provider=self.code, provider_code="UNEXPECTED"
            )
        return data

    def _refused(self, data: dict) -> TrackingProviderError:
        code = str(data.get("returnCode") or "")
        message = str(data.get("message") or "")[:200]
        return TrackingProviderError(
            _("Kuaidi100 refused the request (%(code)s): %(message)s")
            % {"code": code or "-", "message": message},
            provider=self.code,
            provider_code=code,
        )

    def query(self, carrier, number, *, phone="", shipped_at=None) -> TrackingResult:
        fields = {"com": carrier, "num": number}
        if phone:
            fields["phone"] = phone
        param = _param(fields)
        data = self._post(
            QUERY_URL,
            {"customer": self.customer, "param": param, "sign": _md5_upper(param + self.key + self.customer)},
        )
        # A refusal ("查询无结果", a wrong key...) carries `result: false` and a returnCode; an answer
        # carries the timeline and no returnCode.
        if data.get("result") is False or str(data.get("returnCode") or "200") != "200":
            raise self._refused(data)
        return read_result(data)

    def subscribe(self, carrier, number, callback_url, *, phone="") -> None:
        parameters = {"callbackurl": callback_url, "salt": self.salt}
        if phone:
            parameters["phone"] = phone
        param = _param({"company": carrier, "number": number, "key": self.key, "parameters": parameters})
        data = self._post(SUBSCRIBE_URL, {"schema": "json", "param": param})
        code = str(data.get("returnCode") or "")
        if code == ALREADY_SUBSCRIBED:
            return
        if data.get("result") is not True or code != "200":
            raise self._refused(data)

    def parse_callback(self, *, headers: Mapping, form: Mapping) -> TrackingPush:
        param, sign = form.get("param"), form.get("sign")
        if not isinstance(param, str) or not param or not isinstance(sign, str) or not sign:
            raise InvalidTrackingPush("the param or sign field is missing")
        expected = _md5_upper(param + self.salt)
        if not hmac.compare_digest(expected.encode(), sign.strip().upper().encode("utf-8")):
            raise InvalidTrackingPush("the signature does not match")
        try:
            data = load_json(param)
            last = data["lastResult"]
            carrier, number = last["com"], last["nu"]
            # Kuaidi100 may correct a wrong carrier code (autoCheck=1) and push under the new one: the
            # parcel is ours under the code we subscribed with (comOld).
            if str(data.get("autoCheck", "")) == "1" and data.get("comOld"):
                carrier = data["comOld"]
            if not CARRIER_RE.fullmatch(carrier) or not NUMBER_RE.fullmatch(number):
                raise ValueError("carrier or number")
            return TrackingPush(carrier=carrier, number=number, result=read_result(last))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InvalidTrackingPush("the push body is malformed") from exc

    def acknowledge(self, ok: bool, *, message: str = "") -> Acknowledgement:
        return push_answer(ok, message=message)
