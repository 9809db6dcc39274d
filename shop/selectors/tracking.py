"""Parcels as pages show them, and the parcels the periodic refresh asks about."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from shop.models import Order, Shipment
from shop.tracking.carriers import carrier_name

# The states in which a parcel may still have news; a delivered or returned parcel is left alone.
IN_TRANSIT_STATES = (Shipment.State.IN_TRANSIT, Shipment.State.OUT_FOR_DELIVERY, Shipment.State.PROBLEM)
# A parcel still not delivered a month after shipping needs a person, not another query.
TRACKING_WINDOW = datetime.timedelta(days=30)


@dataclass(frozen=True)
class ParcelEvent:
    time: datetime.datetime
    text: str


@dataclass(frozen=True)
class ParcelTimeline:
    shipment_id: int
    carrier: str  # the code
    carrier_name: str  # in the active language
    tracking_number: str
    state: str
    state_label: str  # in the active language
    events: tuple[ParcelEvent, ...]  # newest first
    shipped_at: datetime.datetime
    tracked_at: datetime.datetime | None  # when the tracking last changed; None before any news

    @property
    def latest(self) -> ParcelEvent | None:
        return self.events[0] if self.events else None


def _events(tracking) -> tuple[ParcelEvent, ...]:
    events = []
    for item in tracking if isinstance(tracking, list) else []:
        try:
            events.append(
                ParcelEvent(time=datetime.datetime.fromisoformat(item["time"]), text=str(item["text"]))
            )
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(events)


def shipment_timeline(order: Order) -> list[ParcelTimeline]:
    """Each parcel of the order, first shipped first, with what the carrier said of it. One query, none
    with `order.shipments` prefetched."""
    return [
        ParcelTimeline(
            shipment_id=shipment.pk,
            carrier=shipment.carrier,
            carrier_name=carrier_name(shipment.carrier),
            tracking_number=shipment.tracking_number,
            state=shipment.state,
            state_label=str(shipment.get_state_display()),
            events=_events(shipment.tracking),
            shipped_at=shipment.shipped_at,
            tracked_at=shipment.tracked_at,
        )
        for shipment in order.shipments.all()
    ]


def shipments_due_for_refresh(
    *, now: datetime.datetime, quiet_for: datetime.timedelta, limit: int
) -> QuerySet:
    """The store's parcels in transit that have had no news for `quiet_for` (shipped that long ago, for
    one with none yet), within a month of shipping; the longest without news first."""
    cutoff = now - quiet_for
    return (
        Shipment.objects.filter(state__in=IN_TRANSIT_STATES, shipped_at__gte=now - TRACKING_WINDOW)
        .filter(Q(tracked_at__lte=cutoff) | Q(tracked_at__isnull=True, shipped_at__lte=cutoff))
        .select_related("order")
        .order_by(F("tracked_at").asc(nulls_first=True), "id")[:limit]
    )
