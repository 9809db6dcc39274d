"""The one tracking provider interface. The shop's tracking services (shop/services/tracking_updates.py),
its tasks and the push endpoint talk to every provider through it:
`shop.tracking.registry.tracking_provider()` gives the platform's provider, configured from settings.

A provider answers with a `TrackingResult`: the parcel's state as a `Shipment.State`, the carrier's events
newest first, and when it was signed for. It does not know the shop's records: matching a push to a
shipment, ignoring old or repeated news and announcing a delivery are the services' job."""

import datetime
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import ClassVar, NamedTuple

from shop.models import Shipment
from tenants.errors import Conflict, DomainError, ErrorCode, ProviderError, ProviderUnavailable

State = Shipment.State

# Kuaidi100's `state` codes, which most Chinese tracking services share: 0 在途 in transit, 1 揽收
# collected, 2 疑难 a problem, 3 签收 signed for, 4 退签 refused and back with the sender, 5 派件 out for
# delivery, 6 退回 on its way back, 7 转投 handed to another carrier; with customs, 10-12 waiting for /
# in / through customs, 13 a customs problem, 14 拒签 refused (not yet returned).
KUAIDI100_STATES = {
    "0": State.IN_TRANSIT,
    "1": State.IN_TRANSIT,
    "2": State.PROBLEM,
    "3": State.DELIVERED,
    "4": State.RETURNED,
    "5": State.OUT_FOR_DELIVERY,
    "6": State.RETURNED,
    "7": State.IN_TRANSIT,
    "10": State.IN_TRANSIT,
    "11": State.IN_TRANSIT,
    "12": State.IN_TRANSIT,
    "13": State.PROBLEM,
    "14": State.PROBLEM,
}


def state_from_kuaidi100(code) -> str:
    """A Kuaidi100 `state` code as a Shipment.State. A code it may add later reads as in transit: the
    parcel is still on its way as far as we can tell."""
    return KUAIDI100_STATES.get(str(code).strip(), State.IN_TRANSIT)


# --- errors --------------------------------------------------------------------------------------------


class TrackingNotConfigured(Conflict):
    """The platform has no tracking provider (production without Kuaidi100 keys)."""

    default_code = ErrorCode.TRACKING_NOT_CONFIGURED


class TrackingProviderError(ProviderError):
    """The tracking provider refused or failed a query or subscription (`provider_code`: Kuaidi100's
    `returnCode`, "HTTP_404", "NETWORK")."""

    default_code = ErrorCode.TRACKING_PROVIDER_ERROR


class TrackingUnavailable(TrackingProviderError, ProviderUnavailable):
    """The provider could not be reached or failed on its side (a timeout, a 5xx): try again later."""

    status_code = 503
    default_code = ErrorCode.TRACKING_PROVIDER_UNAVAILABLE


class InvalidTrackingPush(DomainError):
    """A push that must not be acted on: a bad or missing signature, a malformed body. The reason goes to
    the log and back to the provider; it is not UI text, hence not translated."""

    default_code = ErrorCode.INVALID_TRACKING_PUSH

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- what comes out ------------------------------------------------------------------------------------


class TrackingEvent(NamedTuple):
    time: datetime.datetime  # aware
    text: str  # as the carrier wrote it, e.g. "【北京市】快件已签收，签收人：本人"


class TrackingResult(NamedTuple):
    state: str  # Shipment.State
    events: tuple[TrackingEvent, ...]  # newest first
    delivered_at: datetime.datetime | None = None  # when it was signed for, once it is


class TrackingPush(NamedTuple):
    """A verified push: which parcel (by the carrier code and number it was subscribed with) and what the
    provider now says about it."""

    carrier: str
    number: str
    result: TrackingResult


class Acknowledgement(NamedTuple):
    """How the push endpoint answers, exactly as the provider expects."""

    status: int
    body: bytes
    content_type: str


# --- the interface ---------------------------------------------------------------------------------------


class TrackingProvider(ABC):
    code: ClassVar[str]
    # Whether the provider pushes news of a subscribed parcel. One that does not is asked instead: at once
    # when a parcel ships, then by the periodic refresh.
    pushes: ClassVar[bool]
    # How long a parcel may go without news before the periodic refresh asks about it: for a provider that
    # pushes, the refresh is only the safety net for a lost push, and every query may cost money.
    refresh_after: ClassVar[datetime.timedelta]

    @abstractmethod
    def query(
        self, carrier: str, number: str, *, phone: str = "", shipped_at: datetime.datetime | None = None
    ) -> TrackingResult:
        """What the provider knows of a parcel now. `phone` is the recipient's (SF Express checks its last
        digits); `shipped_at` is when the merchant shipped it (a real provider knows; the sandbox's
        timeline starts there). Raises TrackingProviderError or TrackingUnavailable."""

    @abstractmethod
    def subscribe(self, carrier: str, number: str, callback_url: str, *, phone: str = "") -> None:
        """Ask the provider to push news of a parcel to `callback_url` (the store's push endpoint, so a push
        reaches the store that shipped it). Subscribing twice is fine."""

    @abstractmethod
    def parse_callback(self, *, headers: Mapping, form: Mapping) -> TrackingPush:
        """Verify and read a push: `headers` as request.headers, `form` the posted fields (request.POST).
        Raises InvalidTrackingPush."""

    @abstractmethod
    def acknowledge(self, ok: bool, *, message: str = "") -> Acknowledgement:
        """The push endpoint's answer: `ok` once the push is recorded (or knowingly ignored), else a
        refusal."""
