"""What a merchant does on the console's "Plan & billing" page: subscribe to a plan (the provider's checkout),
change plan (at once, prorated), manage the card or cancel (the provider's portal). In the sandbox the
checkout and portal are local pages whose buttons make Stripe's events and hand them to the one webhook
path, so the whole journey runs with no Stripe account."""

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import providers
from billing.models import Plan, Subscription
from billing.providers import SANDBOX, STRIPE
from tenants import activity
from tenants.errors import InvalidInput, NotAllowed
from tenants.models import Store
from tenants.money import to_money

CHECKOUT_SALT = "billing.sandbox.checkout"
CHECKOUT_MAX_AGE = 3600
CHECKOUT_ID = re.compile(r"[0-9a-f]{16}")
PERIOD = {Subscription.Interval.MONTH: timedelta(days=30), Subscription.Interval.YEAR: timedelta(days=365)}


@dataclass(frozen=True)
class CheckoutStart:
    redirect_url: str = ""  # to the provider's checkout; empty when the change applied at once
    changed_at_once: bool = False


def buyable_plan(plan_code: str) -> Plan:
    plan = Plan.objects.filter(code=str(plan_code or "")[:30]).first()
    if plan is None or not plan.is_paid:
        raise InvalidInput({"plan": [_("Choose one of the plans.")]})
    if not plan.is_on_sale:
        raise InvalidInput({"plan": [_("This plan is no longer offered. Choose another one.")]})
    return plan


def _interval(value) -> str:
    if value not in Subscription.Interval.values:
        raise InvalidInput({"interval": [_("Choose monthly or yearly billing.")]})
    return value


def is_paying(subscription: Subscription) -> bool:
    return bool(subscription.stripe_subscription_id) and subscription.status in (
        Subscription.Status.ACTIVE,
        Subscription.Status.PAST_DUE,
    )


def start_checkout(
    *, store: Store, actor, plan_code, interval, success_url: str, cancel_url: str
) -> CheckoutStart:
    """Subscribe (to the provider's checkout) or, for a store that pays already, change plan at once."""
    plan, interval = buyable_plan(plan_code), _interval(interval)
    subscription = Subscription.objects.select_related("plan", "store").get(store=store)
    if is_paying(subscription) and (subscription.plan_id, subscription.interval) == (plan.pk, interval):
        raise InvalidInput({"plan": [_("You are on this plan already.")]})
    provider = providers.provider_code()
    if not provider:
        raise InvalidInput(
            {"plan": [_("Online subscription is not set up on this platform yet. Contact us to subscribe.")]}
        )
    activity.record(
        actor=actor,
        action="billing.plan_chosen",
        target_type="store",
        target_label=store.name,
        changes={"plan": [subscription.plan.code, plan.code], "interval": [subscription.interval, interval]},
    )
    if is_paying(subscription) and subscription.provider == provider:
        if provider == STRIPE:
            providers.stripe_change_plan(subscription=subscription, plan=plan, interval=interval)
        else:
            sandbox_change_plan(subscription=subscription, plan=plan, interval=interval)
        return CheckoutStart(changed_at_once=True)
    if provider == STRIPE:
        url = providers.stripe_checkout_url(
            subscription=subscription,
            plan=plan,
            interval=interval,
            success_url=success_url,
            cancel_url=cancel_url,
        )
        return CheckoutStart(redirect_url=url)
    checkout = {
        "store": store.schema_name,
        "plan": plan.code,
        "interval": interval,
        "id": secrets.token_hex(8),
    }
    token = signing.dumps(checkout, salt=CHECKOUT_SALT)
    return CheckoutStart(redirect_url=f"/console/billing/sandbox/checkout/{token}/")


def portal_url(*, store: Store, return_url: str) -> str:
    subscription = Subscription.objects.select_related("store").get(store=store)
    if providers.provider_code() == STRIPE and subscription.provider == STRIPE:
        return providers.stripe_portal_url(subscription=subscription, return_url=return_url)
    if not is_paying(subscription):
        raise InvalidInput({"plan": [_("Subscribe to a plan first.")]})
    return "/console/billing/sandbox/portal/"


# --- the sandbox's checkout and portal -------------------------------------------------------------------


@dataclass(frozen=True)
class SandboxCheckout:
    plan: Plan
    interval: str
    checkout_id: str  # a checkout is paid once: the ids of the events it makes come from it

    @property
    def amount(self):
        return self.plan.price(self.interval)


def _require_sandbox() -> None:
    if providers.provider_code() != SANDBOX:
        raise NotAllowed(_("The billing sandbox is off on this platform."))


def read_sandbox_checkout(*, store: Store, token: str) -> SandboxCheckout:
    _require_sandbox()
    try:
        data = signing.loads(token, salt=CHECKOUT_SALT, max_age=CHECKOUT_MAX_AGE)
    except signing.BadSignature:
        raise InvalidInput(
            {"token": [_("This checkout link is not valid any more. Choose the plan again.")]}
        ) from None
    if not isinstance(data, dict):
        data = {}
    checkout_id = data.get("id")
    if data.get("store") != store.schema_name or not (
        isinstance(checkout_id, str) and CHECKOUT_ID.fullmatch(checkout_id)
    ):
        raise InvalidInput({"token": [_("This checkout link is not valid any more. Choose the plan again.")]})
    return SandboxCheckout(buyable_plan(data.get("plan")), _interval(data.get("interval")), checkout_id)


def _send(event_type: str, obj: dict, *, event_id: str = "") -> bool:
    """Hand one of Stripe's events, made here, to the webhook path. False if an event of that id came
    already (the same checkout paid twice).

    The worker applies it, as it does Stripe's; the sandbox also applies it itself once its transaction
    commits — it is the provider and the worker at once — so the page the merchant lands on shows the new
    plan. Applying is idempotent: whichever comes second finds the event applied."""
    from billing.webhooks import process, receive

    headers, body = providers.sandbox_signed(event_type, obj, event_id=event_id)
    row, new = receive(SANDBOX, headers=headers, body=body)
    if new:
        transaction.on_commit(lambda: process(row.pk))
    return new


def _send_subscription(event_type, subscription, *, plan, interval, status, end, sub_id, event_id="") -> None:
    obj = providers.sandbox_subscription_object(
        subscription=subscription,
        plan=plan,
        interval=interval,
        status=status,
        period_end=int(end.timestamp()),
        sub_id=sub_id,
    )
    _send(event_type, obj, event_id=event_id)


def _send_invoice(
    subscription, *, plan, interval, paid, start, end, sub_id, event_id="", amount=None
) -> None:
    obj = providers.sandbox_invoice_object(
        amount=amount,
        subscription=subscription,
        plan=plan,
        interval=interval,
        paid=paid,
        period_start=int(start.timestamp()),
        period_end=int(end.timestamp()),
        sub_id=sub_id,
    )
    _send("invoice.paid" if paid else "invoice.payment_failed", obj, event_id=event_id)


@transaction.atomic
def sandbox_pay(*, store: Store, actor, token: str, succeed: bool = True) -> SandboxCheckout:
    """The sandbox checkout's "pay" button: what Stripe sends after a card payment of a subscription
    (checkout.session.completed, customer.subscription.created, invoice.paid) — or, with `succeed` False,
    a declined first payment (nothing but an incomplete subscription: the store stays as it was)."""
    checkout = read_sandbox_checkout(store=store, token=token)
    subscription = Subscription.objects.select_related("store", "plan").get(store=store)
    now = timezone.now()
    paying = is_paying(subscription)
    sub_id = subscription.stripe_subscription_id if paying else f"sub_sandbox_{now:%Y%m%d%H%M%S%f}"
    customer = subscription.stripe_customer_id or f"cus_sandbox_{store.schema_name}"
    # A paid checkout's events have ids of its own: the same link paid again (a replay, a double click,
    # five tabs at once) finds them there and is refused; a declined attempt leaves the link usable.
    ids = (lambda kind: f"evt_sandbox_{checkout.checkout_id}_{kind}") if succeed else (lambda kind: "")
    first = _send(
        "checkout.session.completed",
        {
            "id": f"cs_sandbox_{now:%Y%m%d%H%M%S%f}",
            "object": "checkout.session",
            "mode": "subscription",
            "customer": customer,
            "subscription": sub_id,
            "client_reference_id": store.schema_name,
            "metadata": {
                "store": store.schema_name,
                "plan": checkout.plan.code,
                "interval": checkout.interval,
            },
            "status": "complete",
            "payment_status": "paid" if succeed else "unpaid",
        },
        event_id=ids("session"),
    )
    if not first:
        raise InvalidInput({"token": [_("This checkout is paid already.")]})
    end = now + PERIOD[checkout.interval]
    linked = Subscription(store=store, plan=checkout.plan, stripe_customer_id=customer)
    bought = {"plan": checkout.plan, "interval": checkout.interval, "sub_id": sub_id}
    _send_subscription(
        "customer.subscription.created",
        linked,
        status="active" if succeed else "incomplete",
        end=end,
        event_id=ids("subscription"),
        **bought,
    )
    if succeed:
        _send_invoice(linked, paid=True, start=now, end=end, event_id=ids("invoice"), **bought)
    activity.record(
        actor=actor,
        action="billing.sandbox_paid" if succeed else "billing.sandbox_declined",
        target_type="store",
        target_label=store.name,
        changes={"plan": checkout.plan.code, "interval": checkout.interval},
    )
    return checkout


def _share(part: timedelta, whole: timedelta) -> Decimal:
    """part / whole, exactly (whole seconds; never a float)."""
    return Decimal(part // timedelta(seconds=1)) / Decimal(whole // timedelta(seconds=1))


def prorated_change(subscription: Subscription, plan: Plan, interval: str, *, now) -> tuple:
    """What a change of plan costs now and when the new period ends, as Stripe prorates: the unused part of
    what was paid is credited; on the same billing period the period's end stays and only the rest of it is
    charged at the new price; a new billing period starts now, at its full price less the credit."""
    old_end = subscription.current_period_end or now
    remaining = max(old_end - now, timedelta(0))
    credit = subscription.plan.price(subscription.interval) * _share(remaining, PERIOD[subscription.interval])
    if interval == subscription.interval:
        charge = plan.price(interval) * _share(remaining, PERIOD[interval]) - credit
        end = old_end
    else:
        charge = plan.price(interval) - credit
        end = now + PERIOD[interval]
    return max(to_money(charge), Decimal("0.00")), end


def sandbox_change_plan(*, subscription: Subscription, plan: Plan, interval: str) -> None:
    now = timezone.now()
    charge, end = prorated_change(subscription, plan, interval, now=now)
    changed = {"plan": plan, "interval": interval, "sub_id": subscription.stripe_subscription_id}
    _send_subscription("customer.subscription.updated", subscription, status="active", end=end, **changed)
    _send_invoice(subscription, paid=True, start=now, end=end, amount=charge, **changed)


SANDBOX_PORTAL_ACTIONS = ("cancel", "resume", "renew", "fail_renewal")


@transaction.atomic
def sandbox_portal(*, store: Store, actor, action: str) -> str:
    """The sandbox portal's buttons — cancel at the period's end, resume, and (to try the store's life out)
    a renewal that is paid or one that fails — as the events Stripe would send for them."""
    _require_sandbox()
    if action not in SANDBOX_PORTAL_ACTIONS:
        raise InvalidInput({"action": [_("Choose one of the buttons.")]})
    subscription = Subscription.objects.select_for_update().select_related("store", "plan").get(store=store)
    if not is_paying(subscription) or subscription.provider != SANDBOX:
        raise InvalidInput({"action": [_("Subscribe to a plan first.")]})
    now = timezone.now()
    end = subscription.current_period_end or now
    current = {
        "plan": subscription.plan,
        "interval": subscription.interval,
        "sub_id": subscription.stripe_subscription_id,
    }
    period = PERIOD[subscription.interval]
    status = "active"
    if action in ("cancel", "resume"):
        subscription.cancel_at_period_end = action == "cancel"
    elif action == "renew":
        start, end = end, max(end, now) + period
        _send_invoice(subscription, paid=True, start=start, end=end, **current)
    else:
        status = "past_due"
        _send_invoice(subscription, paid=False, start=end, end=end + period, **current)
    _send_subscription("customer.subscription.updated", subscription, status=status, end=end, **current)
    activity.record(
        actor=actor, action=f"billing.sandbox_{action}", target_type="store", target_label=store.name
    )
    return action
