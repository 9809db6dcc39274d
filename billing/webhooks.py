"""The one path of every billing webhook, Stripe's or the sandbox's: verified, stored once per event id,
acknowledged at once, and processed by a worker (`process`), which applies it in its own transaction."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import BillingEvent
from billing.providers import WebhookEvent, parse_webhook
from billing.subscriptions import apply_event

log = logging.getLogger(__name__)


def receive(provider: str, *, headers, body: bytes) -> tuple[BillingEvent, bool]:
    """Verify and store a webhook (InvalidWebhook if it does not verify); queue its processing once.
    Returns (the stored event, whether it is new)."""
    from billing.tasks import process_billing_event

    event = parse_webhook(provider, headers=headers, body=body)
    try:
        with transaction.atomic():
            row = BillingEvent.objects.create(
                provider=provider,
                event_id=event.event_id,
                type=event.type,
                payload=event.payload,
                created=event.created,
            )
    except IntegrityError:  # this event again (a retry, a replay, a concurrent delivery)
        return BillingEvent.objects.get(provider=provider, event_id=event.event_id), False
    transaction.on_commit(lambda: process_billing_event.delay(row.pk))
    return row, True


@transaction.atomic
def process(event_pk: int) -> str:
    """Apply a stored event once: a second run (a redelivered task) finds it processed."""
    row = BillingEvent.objects.select_for_update().get(pk=event_pk)
    if row.processed_at is not None:
        return row.outcome
    payload = row.payload
    event = WebhookEvent(
        row.provider, row.event_id, row.type, row.created, payload["data"]["object"], payload
    )
    store, outcome = apply_event(event)
    row.store = store
    row.outcome = str(outcome)[:300]
    row.processed_at = timezone.now()
    row.save(update_fields=["store", "outcome", "processed_at"])
    log.info("billing event %s %s: %s", row.type, row.event_id, row.outcome)
    return row.outcome
