"""Billing's tests: events shaped as Stripe sends them (trimmed to the fields we read), signed with Stripe's
own library, and the store's subscription reset for each test."""

import json
import time

import pytest
import stripe
from django.db import connection

from billing.models import Plan, Subscription
from tests.shop.payments.fakes import stripe_event as event  # noqa: F401 - Stripe's event envelope, for the tests here

WEBHOOK_SECRET = "whsec_platform0123456789abcdefABCDEF"
PRICES = {
    "basic": ("price_1QBasicMonthly0000000000", "price_1QBasicYearly00000000000"),
    "pro": ("price_1QProMonthly00000000000", "price_1QProYearly000000000000"),
}


@pytest.fixture
def stripe_billing(settings, store_a):
    """The platform bills through Stripe (its own account); the plans have their Stripe prices."""
    settings.STRIPE_SECRET_KEY = "sk_test_51Platform000000000000000000"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    for code, (monthly, yearly) in PRICES.items():
        Plan.objects.filter(code=code).update(stripe_price_id=monthly, stripe_price_id_yearly=yearly)
    return settings


@pytest.fixture
def subscription_a(store_a):
    connection.set_schema_to_public()
    return Subscription.objects.select_related("plan", "store").get(store=store_a)


def signed(payload: dict, *, secret=WEBHOOK_SECRET, timestamp=None) -> tuple[dict, bytes]:
    body = json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
    return {"HTTP_STRIPE_SIGNATURE": header}, body.encode()


def stripe_subscription(
    store,
    *,
    price,
    status="active",
    period_end=None,
    cancel_at_period_end=False,
    id="sub_1QStoreA000000000000000",
):
    end = period_end or int(time.time()) + 30 * 86400
    return {
        "id": id,
        "object": "subscription",
        "customer": "cus_QStoreA00000000",
        "status": status,
        "cancel_at_period_end": cancel_at_period_end,
        "collection_method": "charge_automatically",
        "metadata": {"store": store.schema_name},
        "items": {
            "object": "list",
            "data": [
                {
                    "id": "si_QStoreA0000000",
                    "object": "subscription_item",
                    "current_period_start": end - 30 * 86400,
                    "current_period_end": end,
                    "price": {"id": price, "object": "price", "recurring": {"interval": "month"}},
                }
            ],
        },
    }


def stripe_invoice(store, *, price, id, paid=True, amount=9900, sub_id="sub_1QStoreA000000000000000"):
    now = int(time.time())
    return {
        "id": id,
        "object": "invoice",
        "number": f"FX-{id[-4:]}",
        "customer": "cus_QStoreA00000000",
        "subscription": sub_id,
        "subscription_details": {"metadata": {"store": store.schema_name}},
        "status": "paid" if paid else "open",
        "amount_due": amount,
        "amount_paid": amount if paid else 0,
        "currency": "cny",
        "created": now,
        "hosted_invoice_url": f"https://invoice.stripe.com/i/acct_1/{id}",
        "invoice_pdf": f"https://pay.stripe.com/invoice/acct_1/{id}/pdf",
        "lines": {"data": [{"period": {"start": now, "end": now + 30 * 86400}, "price": {"id": price}}]},
    }


def checkout_session(store):
    return {
        "id": "cs_test_a1QStoreA",
        "object": "checkout.session",
        "mode": "subscription",
        "customer": "cus_QStoreA00000000",
        "subscription": "sub_1QStoreA000000000000000",
        "client_reference_id": store.schema_name,
        "metadata": {"store": store.schema_name, "plan": "basic", "interval": "month"},
        "status": "complete",
        "payment_status": "paid",
    }
