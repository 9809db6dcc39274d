"""Where merchants pay their subscription: Stripe Billing with the platform's own Stripe account, or the
sandbox when no Stripe keys are set (development, demos, tests). Both speak Stripe's language: the sandbox's
checkout and portal pages make the same events Stripe would send (checkout.session.completed,
customer.subscription.*, invoice.*), signed the way Stripe signs webhooks with a local secret, and hand them
to the one webhook path (`billing.webhooks.receive`) — verified by `stripe.Webhook.construct_event` either
way."""

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from billing.models import SANDBOX, STRIPE, Plan, Subscription
from tenants.errors import ErrorCode, InvalidInput, ProviderError, ProviderUnavailable
from tenants.inputs import load_json
from tenants.money import to_minor_units


class InvalidWebhook(Exception):
    """A webhook that does not verify or is not an event: answered 400, nothing recorded."""


@dataclass(frozen=True)
class WebhookEvent:
    provider: str
    event_id: str
    type: str
    created: datetime
    object: dict
    payload: dict


def provider_code() -> str:
    """Stripe with the platform's keys; else the sandbox where it is allowed (BILLING_SANDBOX: development,
    tests, a demo platform); else "" — no online subscription, as on a production platform without keys."""
    if settings.STRIPE_SECRET_KEY:
        return STRIPE
    return SANDBOX if settings.BILLING_SANDBOX else ""


def sandbox_webhook_secret() -> str:
    """The sandbox signs its events as Stripe does, with a secret only this deployment knows."""
    return "whsec_sandbox_" + hashlib.sha256(f"billing-sandbox:{settings.SECRET_KEY}".encode()).hexdigest()


def webhook_secret(provider: str) -> str:
    return sandbox_webhook_secret() if provider == SANDBOX else settings.STRIPE_WEBHOOK_SECRET


def parse_webhook(provider: str, *, headers, body: bytes) -> WebhookEvent:
    """The verified event of a webhook request (signature and a 5-minute window checked by Stripe's
    library), or InvalidWebhook."""
    secret = webhook_secret(provider)
    if provider not in (SANDBOX, STRIPE) or not secret:
        raise InvalidWebhook("billing webhooks are not configured")
    signature = headers.get("Stripe-Signature") or ""
    try:
        stripe.Webhook.construct_event(body, signature, secret)
        raw = load_json(body)
        obj = raw["data"]["object"]
        if not isinstance(obj, dict) or not isinstance(raw["id"], str) or not isinstance(raw["type"], str):
            raise TypeError("not an event")
        created = datetime.fromtimestamp(int(raw["created"]), tz=UTC)
    except stripe.SignatureVerificationError as exc:
        raise InvalidWebhook(f"the signature does not verify: {exc.user_message or exc}") from exc
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError) as exc:
        raise InvalidWebhook("the body is not a Stripe event") from exc
    if len(raw["id"]) > 120 or len(raw["type"]) > 80:
        raise InvalidWebhook("the event id or type is too long")
    return WebhookEvent(provider, raw["id"], raw["type"], created, obj, raw)


def price_id(plan: Plan, interval: str, provider: str) -> str:
    if provider == SANDBOX:
        return f"sandbox_{plan.code}_{interval}"
    return plan.stripe_price_id_yearly if interval == Subscription.Interval.YEAR else plan.stripe_price_id


def plan_for_price(price: str) -> tuple[Plan | None, str]:
    """The plan and interval a provider's price id stands for."""
    if price.startswith("sandbox_"):
        code, _sep, interval = price.removeprefix("sandbox_").rpartition("_")
        return Plan.objects.filter(code=code).first(), interval
    plan = Plan.objects.filter(stripe_price_id=price).first()
    if plan:
        return plan, Subscription.Interval.MONTH
    return Plan.objects.filter(stripe_price_id_yearly=price).first(), Subscription.Interval.YEAR


def _stripe(method, *args, **params):
    try:
        return method(*args, api_key=settings.STRIPE_SECRET_KEY, **params)
    except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as exc:
        raise ProviderUnavailable(_("Stripe could not be reached. Try again in a moment.")) from exc
    except stripe.StripeError as exc:
        raise ProviderError(
            _("Stripe refused: %(message)s") % {"message": exc.user_message or exc},
            code=ErrorCode.PROVIDER_ERROR,
        ) from exc


def stripe_checkout_url(
    *, subscription: Subscription, plan: Plan, interval: str, success_url: str, cancel_url: str
) -> str:
    price = price_id(plan, interval, STRIPE)
    if not price:
        raise InvalidInput({"plan": [_("This plan cannot be bought online yet. Contact us to subscribe.")]})
    store = subscription.store
    params = {
        "mode": "subscription",
        "line_items": [{"price": price, "quantity": 1}],
        "client_reference_id": store.schema_name,
        "metadata": {"store": store.schema_name, "plan": plan.code, "interval": interval},
        "subscription_data": {"metadata": {"store": store.schema_name}},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if subscription.stripe_customer_id:
        params["customer"] = subscription.stripe_customer_id
    elif store.owner_email:
        params["customer_email"] = store.owner_email
    session = _stripe(stripe.checkout.Session.create, **params)
    return session.url


def stripe_portal_url(*, subscription: Subscription, return_url: str) -> str:
    if not subscription.stripe_customer_id:
        raise InvalidInput({"plan": [_("Subscribe to a plan first.")]})
    portal = _stripe(
        stripe.billing_portal.Session.create, customer=subscription.stripe_customer_id, return_url=return_url
    )
    return portal.url


def stripe_change_plan(*, subscription: Subscription, plan: Plan, interval: str) -> None:
    """Move a paid Stripe subscription to another price at once, prorated; Stripe's webhooks then tell the
    new state like any other change."""
    price = price_id(plan, interval, STRIPE)
    if not price:
        raise InvalidInput({"plan": [_("This plan cannot be bought online yet. Contact us to subscribe.")]})
    current = _stripe(stripe.Subscription.retrieve, subscription.stripe_subscription_id)
    item = current["items"]["data"][0]["id"]
    _stripe(
        stripe.Subscription.modify,
        subscription.stripe_subscription_id,
        items=[{"id": item, "price": price}],
        proration_behavior="create_prorations",
        metadata={"store": subscription.store.schema_name},
    )


# --- the sandbox: Stripe's events, made here ------------------------------------------------------------


def sandbox_signed(event_type: str, obj: dict, *, event_id: str = "") -> tuple[dict, bytes]:
    """(headers, body) of a webhook request as Stripe would send it, signed with the sandbox's secret."""
    payload = {
        "id": event_id or "evt_sandbox_" + secrets.token_hex(12),
        "object": "event",
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": obj},
    }
    body = json.dumps(payload, ensure_ascii=False)
    header = stripe.WebhookSignature.generate_signature_header(body, sandbox_webhook_secret())
    return {"Stripe-Signature": header}, body.encode()


def sandbox_subscription_object(
    *, subscription: Subscription, plan: Plan, interval: str, status: str, period_end: int, sub_id: str
) -> dict:
    store = subscription.store
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": subscription.stripe_customer_id or f"cus_sandbox_{store.schema_name}",
        "status": status,
        "cancel_at_period_end": subscription.cancel_at_period_end,
        "current_period_end": period_end,
        "metadata": {"store": store.schema_name},
        "items": {
            "data": [
                {
                    "id": f"si_sandbox_{store.schema_name}",
                    "price": {
                        "id": price_id(plan, interval, SANDBOX),
                        "recurring": {"interval": interval},
                        "unit_amount": to_minor_units(plan.price(interval), plan.currency),
                        "currency": plan.currency.lower(),
                    },
                    "current_period_end": period_end,
                }
            ]
        },
    }


def sandbox_invoice_object(
    *,
    subscription: Subscription,
    plan: Plan,
    interval: str,
    paid: bool,
    period_start: int,
    period_end: int,
    sub_id: str,
    amount=None,
) -> dict:
    """An invoice of the plan's price for the period, or of `amount` (a prorated change)."""
    store = subscription.store
    amount = to_minor_units(plan.price(interval) if amount is None else amount, plan.currency)
    invoice_id = "in_sandbox_" + secrets.token_hex(8)
    return {
        "id": invoice_id,
        "object": "invoice",
        "number": f"SBX-{store.schema_name[-6:].upper()}-{invoice_id[-6:].upper()}",
        "customer": subscription.stripe_customer_id or f"cus_sandbox_{store.schema_name}",
        "subscription": sub_id,
        "status": "paid" if paid else "open",
        "amount_due": amount,
        "amount_paid": amount if paid else 0,
        "currency": plan.currency.lower(),
        "created": int(time.time()),
        "period_start": period_start,
        "period_end": period_end,
        "hosted_invoice_url": "",
        "invoice_pdf": "",
        "metadata": {"store": store.schema_name},
        "lines": {
            "data": [
                {
                    "period": {"start": period_start, "end": period_end},
                    "price": {"id": price_id(plan, interval, SANDBOX)},
                }
            ]
        },
    }
