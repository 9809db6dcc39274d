"""A store's subscription over its life — trial, paid, overdue, ended — and what the store may do in each.

The billing provider is the source of truth for a paid subscription: its events (`billing.webhooks`) are
applied here, each reading the object's state as the event carries it and never assuming the previous one;
an event older than the newest one applied (webhooks come in any order) changes no state. The clock drives
the rest: trial reminders 3 days and 1 day before the end, the end of a trial, the end of a grace period
(`check_subscription`, from a periodic job). After every change the store's billing lock is recomputed:
read-only but for billing, no new orders, while the plan is lapsed."""

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import MANUAL, STRIPE, Invoice, Plan, Subscription
from billing.providers import WebhookEvent, plan_for_price
from tenants.errors import InvalidInput
from tenants.models import BillingLock, Store
from tenants.money import from_minor_units
from tenants.services.operator import record_operator_action, require_reason
from tenants.services.store_settings import set_billing_lock

log = logging.getLogger(__name__)

REMINDER_DAYS = (3, 1)
MAX_TRIAL_AHEAD_DAYS = 90  # however often it is extended
STRIPE_STATUSES = {
    "trialing": Subscription.Status.TRIALING,
    "active": Subscription.Status.ACTIVE,
    "past_due": Subscription.Status.PAST_DUE,
    "unpaid": Subscription.Status.PAST_DUE,
    "canceled": Subscription.Status.CANCELLED,
    "incomplete_expired": Subscription.Status.CANCELLED,
}


def grace_period() -> timedelta:
    return timedelta(days=settings.BILLING_GRACE_DAYS)


def lock_for(subscription: Subscription, now: datetime) -> str:
    """The billing lock the subscription puts on its store now ("" when in good standing)."""
    status = subscription.status
    if status == Subscription.Status.TRIALING:
        ends = subscription.trial_ends_at
        return "" if ends is None or ends > now else BillingLock.TRIAL_ENDED
    if status == Subscription.Status.ACTIVE:
        return ""
    if status == Subscription.Status.PAST_DUE:
        ends = subscription.grace_ends_at
        return "" if ends is not None and ends > now else BillingLock.PAST_DUE
    if status == Subscription.Status.EXPIRED:
        return BillingLock.TRIAL_ENDED
    return BillingLock.ENDED


def refresh_lock(subscription: Subscription, now: datetime | None = None) -> str:
    lock = lock_for(subscription, now or timezone.now())
    set_billing_lock(store=subscription.store, lock=lock)
    return lock


def locked(store: Store) -> Subscription:
    return Subscription.objects.select_for_update().select_related("store", "plan").get(store=store)


# --- the clock -----------------------------------------------------------------------------------------


@transaction.atomic
def check_subscription(*, store: Store, now: datetime | None = None) -> str:
    """One store's step of the periodic job: a trial reminder when one is due (each sent once, the most
    urgent only), the trial's end, the grace period's end. Idempotent."""
    from billing.tasks import send_trial_reminder

    now = now or timezone.now()
    subscription = locked(store)
    if subscription.status == Subscription.Status.TRIALING and subscription.trial_ends_at:
        left = subscription.trial_ends_at - now
        if left <= timedelta(0):
            subscription.status = Subscription.Status.EXPIRED
            subscription.save(update_fields=["status"])
        else:
            due = [days for days in REMINDER_DAYS if left <= timedelta(days=days)]
            sent = set(subscription.reminders_sent or [])
            if due and str(min(due)) not in sent:
                subscription.reminders_sent = sorted(sent | {str(days) for days in due})
                subscription.save(update_fields=["reminders_sent"])
                days_left = max(1, -(-int(left.total_seconds()) // 86400))
                transaction.on_commit(lambda: send_trial_reminder.delay(store.pk, days_left))
    elif (
        subscription.status == Subscription.Status.ACTIVE
        and subscription.provider == MANUAL
        and subscription.current_period_end
        and subscription.current_period_end <= now
    ):
        subscription.status = Subscription.Status.CANCELLED  # a plan granted by hand ran out
        subscription.save(update_fields=["status"])
    return refresh_lock(subscription, now)


def stores_to_check():
    """Stores whose subscription the clock can change: on trial, overdue, or locked."""
    return Store.objects.filter(status__in=[Store.Status.ACTIVE, Store.Status.SUSPENDED]).filter(
        Q(subscription__status__in=[Subscription.Status.TRIALING, Subscription.Status.PAST_DUE])
        | Q(subscription__provider=MANUAL)
        | ~Q(billing_lock="")
    )


def check_all_subscriptions(now: datetime | None = None) -> int:
    """The periodic job: every store's step in its own transaction; one that fails is logged and the rest go
    on. Returns how many were checked."""
    count = 0
    for store in stores_to_check().distinct():
        try:
            check_subscription(store=store, now=now)
            count += 1
        except Exception:
            log.exception("billing check failed for store %s", store.schema_name)
    return count


# --- the provider's events -----------------------------------------------------------------------------


def _ts(value) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC) if value not in (None, "") else None
    except (TypeError, ValueError, OverflowError):
        return None


def store_of(obj: dict) -> Store | None:
    """The store an event's object belongs to: its metadata names it; else the customer or subscription id
    we recorded for it."""
    details = obj.get("subscription_details") or ((obj.get("parent") or {}).get("subscription_details")) or {}
    metadata = {**(details.get("metadata") or {}), **(obj.get("metadata") or {})}
    schema = metadata.get("store") or obj.get("client_reference_id") or ""
    if schema:
        return Store.objects.filter(schema_name=str(schema)).first()
    sub_id = obj.get("subscription") if obj.get("object") != "subscription" else obj.get("id")
    if isinstance(sub_id, str) and sub_id:
        found = Subscription.objects.filter(stripe_subscription_id=sub_id).select_related("store").first()
        if found:
            return found.store
    customer = obj.get("customer")
    if isinstance(customer, str) and customer:
        found = Subscription.objects.filter(stripe_customer_id=customer).select_related("store").first()
        if found:
            return found.store
    return None


def _is_stale(subscription: Subscription, event: WebhookEvent) -> bool:
    """An event older than the newest one applied to the status."""
    return subscription.synced_at is not None and event.created < subscription.synced_at


def _set_plan(subscription: Subscription, event: WebhookEvent, price: str) -> None:
    """The plan a price stands for, unless a newer event set the plan already."""
    if not price or (subscription.plan_synced_at and event.created < subscription.plan_synced_at):
        return
    plan, interval = plan_for_price(price)
    if plan is None:
        return
    subscription.plan = plan
    if interval in Subscription.Interval.values:
        subscription.interval = interval
    subscription.plan_synced_at = event.created


def _synced(subscription: Subscription, event: WebhookEvent) -> None:
    subscription.synced_at = event.created


def checkout_completed(subscription: Subscription, event: WebhookEvent) -> str:
    """Links the provider's customer and subscription to the store; the state comes with the subscription's
    own events."""
    obj = event.object
    if obj.get("payment_status") not in ("paid", "no_payment_required"):
        return "ignored: the checkout was not paid"
    if isinstance(obj.get("customer"), str):
        subscription.stripe_customer_id = obj["customer"]
    if isinstance(obj.get("subscription"), str):
        subscription.stripe_subscription_id = obj["subscription"]
    subscription.provider = event.provider
    subscription.save(update_fields=["stripe_customer_id", "stripe_subscription_id", "provider"])
    return "linked"


def subscription_changed(subscription: Subscription, event: WebhookEvent) -> str:
    obj = event.object
    if (
        subscription.stripe_subscription_id
        and obj.get("id") != subscription.stripe_subscription_id
        and event.type == "customer.subscription.deleted"
    ):
        return "ignored: an earlier subscription of this store ended"
    status = STRIPE_STATUSES.get(str(obj.get("status")))
    if status is None:  # incomplete: the first payment is not through yet
        return f"ignored: status {obj.get('status')!r}"
    if event.type == "customer.subscription.deleted":
        status = Subscription.Status.CANCELLED
    items = (obj.get("items") or {}).get("data") or []
    price = ((items[0].get("price") or {}).get("id") if items else "") or ""
    _set_plan(subscription, event, str(price))
    if _is_stale(subscription, event):
        subscription.save()
        return "stale"
    period_end = _ts(obj.get("current_period_end")) or (
        _ts(items[0].get("current_period_end")) if items else None
    )
    if period_end:
        subscription.current_period_end = period_end
    subscription.status = status
    subscription.stripe_subscription_id = str(obj.get("id") or subscription.stripe_subscription_id)
    if isinstance(obj.get("customer"), str):
        subscription.stripe_customer_id = obj["customer"]
    subscription.cancel_at_period_end = bool(obj.get("cancel_at_period_end"))
    subscription.provider = event.provider
    if status == Subscription.Status.PAST_DUE:
        subscription.grace_ends_at = subscription.grace_ends_at or event.created + grace_period()
    else:
        subscription.grace_ends_at = None
    _synced(subscription, event)
    subscription.save()
    return status


def _record_invoice(subscription: Subscription, event: WebhookEvent, *, paid: bool) -> Invoice:
    obj = event.object
    currency = str(obj.get("currency") or subscription.plan.currency).upper()[:3]
    minor = obj.get("amount_paid") if paid else obj.get("amount_due")
    lines = (obj.get("lines") or {}).get("data") or []
    period = (lines[0].get("period") or {}) if lines else {}
    price = ((lines[0].get("price") or {}).get("id") or "") if lines else ""
    plan = plan_for_price(price)[0] if price else None
    invoice, _created = Invoice.objects.update_or_create(
        provider=event.provider,
        provider_invoice_id=str(obj["id"])[:120],
        defaults={
            "store": subscription.store,
            "number": str(obj.get("number") or "")[:60],
            "plan": plan or subscription.plan,
            "amount": from_minor_units(int(minor or 0), currency),
            "currency": currency,
            "status": Invoice.Status.PAID if paid else Invoice.Status.OPEN,
            "period_start": _ts(period.get("start") or obj.get("period_start")),
            "period_end": _ts(period.get("end") or obj.get("period_end")),
            "pdf_url": str(obj.get("invoice_pdf") or "")[:500],
            "hosted_url": str(obj.get("hosted_invoice_url") or "")[:500],
            "created_at": _ts(obj.get("created")) or event.created,
        },
    )
    return invoice


def invoice_paid(subscription: Subscription, event: WebhookEvent) -> str:
    invoice = _record_invoice(subscription, event, paid=True)
    lines = (event.object.get("lines") or {}).get("data") or []
    _set_plan(subscription, event, str(((lines[0].get("price") or {}).get("id") or "") if lines else ""))
    if _is_stale(subscription, event) or subscription.status == Subscription.Status.CANCELLED:
        subscription.save()
        return f"invoice {invoice.number or invoice.provider_invoice_id} recorded"
    # A payment restores an overdue or lapsed store at once.
    subscription.status = Subscription.Status.ACTIVE
    subscription.grace_ends_at = None
    if invoice.period_end:
        subscription.current_period_end = invoice.period_end
    _synced(subscription, event)
    subscription.save()
    return "active"


def invoice_failed(subscription: Subscription, event: WebhookEvent) -> str:
    invoice = _record_invoice(subscription, event, paid=False)
    if _is_stale(subscription, event) or subscription.status == Subscription.Status.CANCELLED:
        return f"invoice {invoice.provider_invoice_id} recorded"
    subscription.status = Subscription.Status.PAST_DUE
    subscription.grace_ends_at = subscription.grace_ends_at or event.created + grace_period()
    _synced(subscription, event)
    subscription.save()
    return "past_due"


HANDLERS = {
    "checkout.session.completed": checkout_completed,
    "customer.subscription.created": subscription_changed,
    "customer.subscription.updated": subscription_changed,
    "customer.subscription.deleted": subscription_changed,
    "invoice.paid": invoice_paid,
    "invoice.payment_failed": invoice_failed,
    "invoice.payment_action_required": invoice_failed,
}


def apply_event(event: WebhookEvent) -> tuple[Store | None, str]:
    """Apply one verified event to its store's subscription (the caller holds the transaction)."""
    handler = HANDLERS.get(event.type)
    if handler is None:
        return None, "ignored: not a billing event we use"
    store = store_of(event.object)
    if store is None:
        return None, "ignored: no store of ours"
    subscription = locked(store)
    outcome = handler(subscription, event)
    refresh_lock(subscription)
    return store, outcome


# --- by hand: the operator -----------------------------------------------------------------------------


@transaction.atomic
def extend_trial(*, store: Store, actor, days, reason: str) -> Subscription:
    from tenants.inputs import parse_int

    days = parse_int(days, field="days", minimum=1, maximum=90)
    reason = require_reason(reason, message=_("Say why: it goes in the audit log."))
    subscription = locked(store)
    if subscription.status not in (Subscription.Status.TRIALING, Subscription.Status.EXPIRED):
        raise InvalidInput({"days": [_("Only a trial can be extended.")]})
    now = timezone.now()
    before = subscription.trial_ends_at
    extended = max(before or now, now) + timedelta(days=days)
    if extended > now + timedelta(days=MAX_TRIAL_AHEAD_DAYS):
        raise InvalidInput(
            {"days": [_("A trial can run at most %(n)s days from today.") % {"n": MAX_TRIAL_AHEAD_DAYS}]}
        )
    subscription.trial_ends_at = extended
    subscription.status = Subscription.Status.TRIALING
    subscription.reminders_sent = []
    subscription.save(update_fields=["trial_ends_at", "status", "reminders_sent"])
    refresh_lock(subscription, now)
    record_operator_action(
        actor=actor,
        action="billing.extend_trial",
        target=store,
        reason=reason,
        changes={
            "trial_ends_at": [before.isoformat() if before else "", subscription.trial_ends_at.isoformat()]
        },
    )
    return subscription


@transaction.atomic
def grant_plan(*, store: Store, actor, plan_code: str, until, reason: str) -> Subscription:
    """The operator puts a store on a plan by hand (a deal, a partner), paid until `until`."""
    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        raise InvalidInput({"plan": [_("Choose one of the plans.")]})
    reason = require_reason(reason, message=_("Say why: it goes in the audit log."))
    if until is None or until <= timezone.now():
        raise InvalidInput({"until": [_("Choose a date in the future.")]})
    subscription = locked(store)
    if subscription.provider == STRIPE and subscription.status in (
        Subscription.Status.ACTIVE,
        Subscription.Status.PAST_DUE,
    ):
        raise InvalidInput({"plan": [_("This store pays through Stripe: its plan changes there.")]})
    before = (subscription.plan.code, subscription.status)
    _paid_by_hand(subscription, plan, until=until)
    record_operator_action(
        actor=actor,
        action="billing.grant_plan",
        target=store,
        reason=reason,
        changes={"plan": [before[0], plan.code], "status": [before[1], subscription.status]},
    )
    return subscription


@transaction.atomic
def keep_demo_paid(*, store: Store, plan_code: str, days: int = 365) -> Subscription:
    """The demo store is on a plan paid by hand for a year from each seed, so a developer's `make run`
    never finds it locked by the end of a trial."""
    subscription = locked(store)
    now = timezone.now()
    if (
        subscription.status == Subscription.Status.ACTIVE
        and subscription.provider == MANUAL
        and subscription.current_period_end
        and subscription.current_period_end > now + timedelta(days=30)
    ):
        return subscription  # paid well ahead already: a second seed changes nothing
    return _paid_by_hand(subscription, Plan.objects.get(code=plan_code), until=now + timedelta(days=days))


def _paid_by_hand(subscription: Subscription, plan: Plan, *, until) -> Subscription:
    """On `plan`, paid until `until`, by hand (no provider bills it; the clock ends it then)."""
    subscription.plan = plan
    subscription.status = Subscription.Status.ACTIVE
    subscription.provider = MANUAL
    subscription.current_period_end = until
    subscription.grace_ends_at = None
    subscription.save()
    refresh_lock(subscription)
    return subscription
