"""The sandbox: a tracking provider that needs no credentials, for development, demos and tests, and the
platform's provider while it has no Kuaidi100 keys (in development; see settings.TRACKING_PROVIDER).

Every parcel gets a believable Chinese timeline that starts when the merchant shipped it: collected (揽收)
at once, through the transfer centres of its origin, a hub on the way and its destination, out for
delivery (派送中) and signed for (已签收) two to three days after shipping. The cities, the pace and the
courier follow from the carrier and number alone, so a parcel reads the same every time it is asked about,
and the timeline grows as time passes.

The sandbox pushes nothing: `subscribe()` does nothing, and the shop asks it instead (`pushes = False`),
once when the parcel ships and then on every periodic refresh, through the same `record_tracking` service a
Kuaidi100 push goes through. A push posted to the endpoint while the sandbox is the provider is refused."""

import datetime
import hashlib
from collections.abc import Mapping

from django.utils import timezone

from shop.tracking.base import (
    Acknowledgement,
    InvalidTrackingPush,
    State,
    TrackingEvent,
    TrackingProvider,
    TrackingPush,
    TrackingResult,
)
from shop.tracking.carriers import get_carrier
from shop.tracking.kuaidi100 import push_answer

ORIGINS = (
    ("深圳市", "宝安区"),
    ("广州市", "白云区"),
    ("杭州市", "余杭区"),
    ("上海市", "青浦区"),
    ("苏州市", "吴中区"),
)
HUBS = ("武汉市", "郑州市", "长沙市", "南京市", "济南市", "合肥市")
DESTINATIONS = (
    ("北京市", "朝阳区"),
    ("成都市", "武侯区"),
    ("西安市", "雁塔区"),
    ("沈阳市", "和平区"),
    ("重庆市", "渝北区"),
)
COURIER_SURNAMES = "王李张刘陈杨赵黄周吴"

# (hours after shipping at the quickest pace, state once this event happened, text). A parcel's pace
# stretches these by up to half again, so it is signed for 46 to 69 hours after shipping.
STEPS = (
    (0.0, State.IN_TRANSIT, "【{origin}】{carrier} {origin}{origin_district}营业部 已揽收"),
    (2.5, State.IN_TRANSIT, "【{origin}】快件已到达【{origin_centre}】"),
    (4.0, State.IN_TRANSIT, "【{origin}】快件已从【{origin_centre}】发出，下一站【{hub_centre}】"),
    (16.0, State.IN_TRANSIT, "【{hub}】快件已到达【{hub_centre}】"),
    (18.0, State.IN_TRANSIT, "【{hub}】快件已从【{hub_centre}】发出，下一站【{destination_centre}】"),
    (32.0, State.IN_TRANSIT, "【{destination}】快件已到达【{destination_centre}】"),
    (38.0, State.IN_TRANSIT, "【{destination}】快件已到达【{destination}{destination_district}营业部】"),
    (
        40.0,
        State.OUT_FOR_DELIVERY,
        "【{destination}】快递员 {courier}（{phone}）正在为您派件，请保持电话畅通",
    ),
    (
        46.0,
        State.DELIVERED,
        "【{destination}】您的快件已签收，签收人：本人。感谢使用{carrier}，期待再次为您服务",
    ),
)
# Each event also comes up to this many minutes late: less than the shortest gap between two steps, so
# the events keep their order.
JITTER_MINUTES = 40


def _centre(city: str) -> str:
    return f"{city.removesuffix('市')}转运中心"


class SandboxTracking(TrackingProvider):
    code = "sandbox"
    pushes = False
    refresh_after = datetime.timedelta(0)

    def timeline(self, carrier: str, number: str, shipped_at: datetime.datetime) -> list[tuple]:
        """Every (time, state, text) of the parcel's journey, oldest first, whether it happened yet or not."""
        seed = hashlib.sha256(f"{carrier}:{number}".encode()).digest()
        origin, origin_district = ORIGINS[seed[0] % len(ORIGINS)]
        destination, destination_district = DESTINATIONS[seed[1] % len(DESTINATIONS)]
        hub = HUBS[seed[2] % len(HUBS)]
        known = get_carrier(carrier)
        words = {
            "carrier": known.name_zh if known else carrier,
            "origin": origin,
            "origin_district": origin_district,
            "origin_centre": _centre(origin),
            "hub": hub,
            "hub_centre": _centre(hub),
            "destination": destination,
            "destination_district": destination_district,
            "destination_centre": _centre(destination),
            "courier": f"{COURIER_SURNAMES[seed[3] % len(COURIER_SURNAMES)]}师傅",
            "phone": f"1{3 + seed[4] % 7}{seed[5] % 10}****{int.from_bytes(seed[6:8]) % 10000:04d}",
        }
        pace = 1 + (seed[8] % 51) / 100  # 1.00 to 1.50
        events = []
        for index, (hours, state, text) in enumerate(STEPS):
            late = seed[9 + index] % JITTER_MINUTES if index else 0
            when = shipped_at + datetime.timedelta(hours=hours * pace, minutes=late)
            events.append((when, state, text.format(**words)))
        return events

    def query(self, carrier, number, *, phone="", shipped_at=None) -> TrackingResult:
        now = timezone.now()
        happened = [step for step in self.timeline(carrier, number, shipped_at or now) if step[0] <= now]
        if not happened:
            return TrackingResult(state=State.IN_TRANSIT, events=())
        latest_time, state, _text = happened[-1]
        return TrackingResult(
            state=state,
            events=tuple(TrackingEvent(when, text) for when, _state, text in reversed(happened)),
            delivered_at=latest_time if state == State.DELIVERED else None,
        )

    def subscribe(self, carrier, number, callback_url, *, phone="") -> None:
        """Nothing to do: the sandbox is asked, never pushes (see the module's docstring)."""

    def parse_callback(self, *, headers: Mapping, form: Mapping) -> TrackingPush:
        raise InvalidTrackingPush("the tracking sandbox takes no pushes: the platform has no Kuaidi100 keys")

    def acknowledge(self, ok: bool, *, message: str = "") -> Acknowledgement:
        # Kuaidi100's answer, since the sandbox stands in for it at the push endpoint.
        return push_answer(ok, message=message)
