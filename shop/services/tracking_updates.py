"""What the shop does with what the tracking provider says about its parcels.

- `start_tracking`: once a parcel ships (the order_shipped receiver queues it), subscribe it at the provider
  so that its news is pushed to the store's own push endpoint; a provider that does not push is asked at
  once instead.
- `record_tracking`: the one place a tracking answer — a push, a query — changes a shipment. Idempotent: the
  same news twice, or news older than what the shipment has, changes nothing. A parcel signed for writes
  the order's "delivered" event once and announces `shipment_delivered` on commit.
- `record_tracking_push`: a verified push, matched to the store's shipment by carrier and number (a push for
  a parcel this store does not have is ignored and logged).
- `refresh_tracking`, `refresh_due_shipments`: ask the provider (for the sandbox, its only news; for
  Kuaidi100, the safety net for a lost push), a parcel or the parcels that have been quiet too long.

Network calls happen outside any transaction; each write is one transaction of its own."""

import datetime
import logging
import re

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from shop.events import send_on_commit, shipment_delivered
from shop.models import OrderEvent, Shipment
from shop.selectors.tracking import shipments_due_for_refresh
from shop.tracking.base import (
    TrackingProvider,
    TrackingProviderError,
    TrackingPush,
    TrackingResult,
    TrackingUnavailable,
)
from shop.tracking.carriers import carrier_name, get_carrier
from shop.tracking.registry import tracking_provider
from tenants.activity import diff, record, snapshot
from tenants.links import store_path, store_url

logger = logging.getLogger(__name__)

# A carrier's timeline rarely has more than a few dozen events; more are cut (the oldest first).
MAX_EVENTS = 100
MAX_EVENT_TEXT = 300
# Text that PostgreSQL cannot store in JSON (NUL) or that no page should show (other control characters).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# How many parcels one refresh run asks about, per store: the rest wait for the next run.
REFRESH_BATCH = 200
_EPOCH = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def _stored_events(result: TrackingResult) -> list[dict]:
    """The result's events as Shipment.tracking keeps them, newest first."""
    events = []
    for event in sorted(result.events, key=lambda e: e.time, reverse=True)[:MAX_EVENTS]:
        # Drops what UTF-8 cannot carry (lone surrogates from a JSON escape) along with control characters.
        text = CONTROL_CHARACTERS.sub("", event.text.encode("utf-8", "ignore").decode()).strip()
        events.append({"time": event.time.isoformat(), "text": text[:MAX_EVENT_TEXT]})
    return events


def _freshness(events: list) -> tuple[datetime.datetime, int]:
    """How new a timeline is: its newest event's time, then how many events it has (a carrier may add an
    event with the same minute as the last)."""
    if not events:
        return (_EPOCH, 0)
    return (datetime.datetime.fromisoformat(events[0]["time"]), len(events))


@transaction.atomic
def record_tracking(*, shipment: Shipment, result: TrackingResult) -> Shipment:
    """Apply what the provider says to `shipment`, unless it is no news; returns the shipment as stored."""
    # Locks the shipment only (not its order): a push and a refresh of one parcel take turns.
    locked = Shipment.objects.select_for_update(of=("self",)).select_related("order").get(pk=shipment.pk)
    events = _stored_events(result)
    if not events or _freshness(events) <= _freshness(locked.tracking):
        return locked
    before = snapshot(locked, ["state"])
    locked.tracking = events
    locked.state = result.state
    locked.tracked_at = timezone.now()
    locked.save(update_fields=["tracking", "state", "tracked_at"])
    changes = diff(before, snapshot(locked, ["state"]))
    if changes:
        record(
            actor=None,
            action="shipment.state_changed",
            target=locked,
            target_label=f"{carrier_name(locked.carrier)} {locked.tracking_number}",
            changes=changes,
            note=events[0]["text"],
        )
    if locked.state == Shipment.State.DELIVERED:
        _record_delivery(locked, result)
    return locked


def _record_delivery(shipment: Shipment, result: TrackingResult) -> None:
    """The order's "delivered" event and the announcement, once per parcel whatever comes after."""
    if OrderEvent.objects.filter(
        order_id=shipment.order_id, kind=OrderEvent.Kind.DELIVERED, data__shipment_id=shipment.pk
    ).exists():
        return
    OrderEvent.objects.create(
        order_id=shipment.order_id,
        kind=OrderEvent.Kind.DELIVERED,
        message=shipment.tracking[0]["text"],
        data={
            "shipment_id": shipment.pk,
            "carrier": shipment.carrier,
            "tracking_number": shipment.tracking_number,
            "delivered_at": result.delivered_at.isoformat() if result.delivered_at else None,
        },
    )
    send_on_commit(
        shipment_delivered,
        order_id=shipment.order_id,
        buyer_id=shipment.order.buyer_id,
        shipment_id=shipment.pk,
        delivered_at=result.delivered_at,
    )


def record_tracking_push(*, push: TrackingPush) -> Shipment | None:
    """A verified push for this store: recorded on its shipment, or None for a parcel the store does not
    have (a push that reached the wrong store, or a shipment deleted since)."""
    shipment = Shipment.objects.filter(carrier=push.carrier, tracking_number=push.number).first()
    if shipment is None:
        logger.info(
            "tracking push for a parcel this store does not have: %s %s (ignored)", push.carrier, push.number
        )
        return None
    return record_tracking(shipment=shipment, result=push.result)


def _phone_for(shipment: Shipment) -> str:
    """The recipient's phone digits, for a carrier whose tracking asks for it; "" for every other carrier."""
    carrier = get_carrier(shipment.carrier)
    if carrier is None or not carrier.needs_phone:
        return ""
    return re.sub(r"[^0-9]", "", shipment.order.contact_phone)


def refresh_tracking(*, shipment: Shipment, provider: TrackingProvider | None = None) -> Shipment:
    """Ask the provider about the parcel now and record the answer. Raises TrackingNotConfigured,
    TrackingProviderError or TrackingUnavailable."""
    provider = provider or tracking_provider()
    result = provider.query(
        shipment.carrier, shipment.tracking_number, phone=_phone_for(shipment), shipped_at=shipment.shipped_at
    )
    return record_tracking(shipment=shipment, result=result)


def start_tracking(*, shipment: Shipment, store) -> None:
    """Subscribe a parcel that just shipped, with the push endpoint on `store`'s host (so a push reaches the
    store that shipped it); a provider that does not push is asked at once, so the timeline shows."""
    provider = tracking_provider()
    if not provider.pushes:
        refresh_tracking(shipment=shipment, provider=provider)
        return
    path = store_path(f"webhook-tracking-{provider.code}")
    provider.subscribe(
        shipment.carrier, shipment.tracking_number, store_url(store, path), phone=_phone_for(shipment)
    )


def _asked_key(shipment: Shipment) -> str:
    return f"tracking-asked:{shipment.pk}"  # the default cache adds the store's schema


def refresh_due_shipments(*, provider: TrackingProvider, now: datetime.datetime | None = None) -> int:
    """Ask about the store's parcels that have been quiet for the provider's `refresh_after`, each at most
    once in that time even when the answer is still no news; returns how many were asked about. A provider
    that is down ends the run (the next one tries again); a refusal for one parcel (no records yet, a wrong
    number) is logged and the run goes on."""
    now = now or timezone.now()
    due = list(shipments_due_for_refresh(now=now, quiet_for=provider.refresh_after, limit=REFRESH_BATCH))
    quiet_seconds = int(provider.refresh_after.total_seconds())
    if quiet_seconds:
        asked_lately = cache.get_many([_asked_key(s) for s in due])
        due = [s for s in due if _asked_key(s) not in asked_lately]
    asked = 0
    for shipment in due:
        asked += 1
        try:
            refresh_tracking(shipment=shipment, provider=provider)
        except TrackingUnavailable as error:
            logger.warning("tracking refresh stopped: %s (%s)", error.message, error.provider_code)
            break
        except TrackingProviderError as error:
            logger.info(
                "no tracking for %s %s: %s (%s)",
                shipment.carrier,
                shipment.tracking_number,
                error.message,
                error.provider_code,
            )
        if quiet_seconds:
            cache.set(_asked_key(shipment), True, quiet_seconds)
    return asked
