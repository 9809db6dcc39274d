"""Card payments with Stripe (stripe 16.1), the API faked with `responses`: PaymentIntents and refunds
made with the store's own key, webhooks verified with `construct_event`."""

import json
import time
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
import stripe

from shop.payments.base import (
    CredentialsRejected,
    EventKind,
    InvalidNotification,
    PaymentAlreadyPaid,
    PaymentProviderError,
    PaymentRequest,
    PaymentState,
    ProviderUnavailable,
    RefundRequest,
    RefundStatus,
    StartKind,
)
from shop.payments.stripe_provider import StripeProvider
from tenants.errors import InvalidInput
from tests.shop.payments.fakes import stripe_event, stripe_payment_intent, stripe_refund

API = "https://api.stripe.com/v1"
SECRET_KEY = "sk_test_51StoreAaaaaaaaaaaaaaaaaaaaaaaaa"
WEBHOOK_SECRET = "whsec_storeA0123456789abcdefABCDEF"
OURS = {"store": "store_a_schema", "out_trade_no": "FX20261201000001"}


@pytest.fixture
def provider():
    return StripeProvider(
        store_key="store_a_schema",
        publishable_key="pk_test_51StoreAbbbbbbbbbbbbbbbbbbbbb",
        secret_key=SECRET_KEY,
        webhook_secret=WEBHOOK_SECRET,
    )


@pytest.fixture(autouse=True)
def _no_global_key(monkeypatch):
    """A call that fell back on the global key would authenticate as nobody."""
    monkeypatch.setattr(stripe, "api_key", None)


def form(call) -> dict:
    return {key: values[0] for key, values in parse_qs(call.request.body).items()}


def signed(payload: dict, secret=WEBHOOK_SECRET, timestamp=None) -> tuple[dict, bytes]:
    body = json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
    return {"Stripe-Signature": header}, body.encode()


def test_the_test_signing_helper_exists_in_this_stripe():
    assert stripe.VERSION.startswith("16.1") and hasattr(stripe.WebhookSignature, "generate_signature_header")


def test_a_card_payment_creates_a_payment_intent_with_the_stores_key(provider, rsps):
    rsps.add("POST", f"{API}/payment_intents", json=stripe_payment_intent(metadata=OURS))
    start = provider.start(
        PaymentRequest(
            out_trade_no="FX20261201000001",
            amount=Decimal("12.50"),
            currency="USD",
            description="Order FX20261201000001",
            notify_url="https://store-a.fenxiao.example/pay/notify/stripe/",
            return_url="https://store-a.fenxiao.example/orders/FX20261201000001/",
            channel="card",
        )
    )
    call = rsps.calls[0]
    assert call.request.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert call.request.headers["Idempotency-Key"] == "pi:store_a_schema:FX20261201000001:1250:USD"
    sent = form(call)
    assert sent["amount"] == "1250" and sent["currency"] == "usd"
    assert (
        sent["metadata[out_trade_no]"] == "FX20261201000001" and sent["metadata[store]"] == "store_a_schema"
    )
    assert sent["payment_method_types[0]"] == "card"
    assert start.kind == StartKind.CLIENT_SECRET
    assert start.client_secret == "pi_3QxYz2LkdIwHu7ix0Xv5u0Ab_secret_Q7yLhZk3n9vQGmD4o2pTqXyZ1"
    assert start.publishable_key == "pk_test_51StoreAbbbbbbbbbbbbbbbbbbbbb"
    assert start.provider_payment_id == "pi_3QxYz2LkdIwHu7ix0Xv5u0Ab"


def test_a_zero_decimal_currency_is_sent_in_whole_units(provider, rsps):
    rsps.add("POST", f"{API}/payment_intents", json=stripe_payment_intent(amount=1500, currency="jpy"))
    provider.start(
        PaymentRequest(
            "FX20261201000002", Decimal("1500.00"), "JPY", "Order", "https://n/", "https://r/", "card"
        )
    )
    assert form(rsps.calls[0])["amount"] == "1500"


@pytest.mark.parametrize(
    ("status", "error_body", "error"),
    [
        (
            401,
            {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_***"}},
            CredentialsRejected,
        ),
        (
            402,
            {"error": {"type": "card_error", "code": "card_declined", "message": "Your card was declined."}},
            PaymentProviderError,
        ),
        (
            400,
            {
                "error": {
                    "type": "invalid_request_error",
                    "code": "amount_too_small",
                    "message": "Amount must be at least $0.50 usd",
                }
            },
            PaymentProviderError,
        ),
        (
            500,
            {"error": {"type": "api_error", "message": "Something went wrong on Stripe's end."}},
            ProviderUnavailable,
        ),
    ],
)
def test_stripe_errors_become_clear_domain_errors(provider, rsps, status, error_body, error):
    rsps.add(
        "POST",
        f"{API}/payment_intents",
        json=error_body,
        status=status,
        headers={"Stripe-Should-Retry": "false"},
    )
    request = PaymentRequest(
        "FX20261201000001", Decimal("0.10"), "USD", "Order", "https://n/", "https://r/", "card"
    )
    with pytest.raises(error) as raised:
        provider.start(request)
    assert raised.value.provider == "stripe"


def test_a_refund_is_made_on_the_payment_intent_with_one_key_per_refund_number(provider, rsps):
    rsps.add(
        "POST", f"{API}/refunds", json=stripe_refund(metadata={**OURS, "out_refund_no": "RF20261201000001"})
    )
    result = provider.refund(
        RefundRequest(
            out_trade_no="FX20261201000001",
            out_refund_no="RF20261201000001",
            amount=Decimal("5.00"),
            total_amount=Decimal("12.50"),
            reason="Damaged in transit",
            notify_url="",
            currency="USD",
            provider_payment_id="pi_3QxYz2LkdIwHu7ix0Xv5u0Ab",
        )
    )
    call = rsps.calls[0]
    assert call.request.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert call.request.headers["Idempotency-Key"] == "refund:store_a_schema:RF20261201000001"
    sent = form(call)
    assert sent["payment_intent"] == "pi_3QxYz2LkdIwHu7ix0Xv5u0Ab" and sent["amount"] == "500"
    assert (
        sent["metadata[out_refund_no]"] == "RF20261201000001"
        and sent["metadata[reason]"] == "Damaged in transit"
    )
    assert (
        result.status == RefundStatus.SUCCEEDED and result.provider_refund_id == "re_3QxYz2LkdIwHu7ix0pR8fQ1c"
    )


def test_a_refund_needs_the_payment_intent(provider):
    with pytest.raises(InvalidInput):
        provider.refund(
            RefundRequest(
                "FX20261201000001", "RF20261201000001", Decimal("1.00"), Decimal("2.00"), "", "", "USD"
            )
        )


def test_a_signed_payment_webhook_becomes_an_event(provider):
    intent = stripe_payment_intent(status="succeeded", metadata=OURS)
    headers, body = signed(stripe_event("payment_intent.succeeded", intent))
    event = provider.parse_notification(headers=headers, body=body)
    assert event.kind == EventKind.PAYMENT_SUCCEEDED
    assert event.event_id == "evt_3QxYz2LkdIwHu7ix0a1B2c3D"
    assert (event.out_trade_no, event.provider_payment_id) == (
        "FX20261201000001",
        "pi_3QxYz2LkdIwHu7ix0Xv5u0Ab",
    )
    assert event.amount == Decimal("12.50") and event.currency == "USD"


def test_a_failed_payment_and_a_refund_webhook(provider):
    intent = stripe_payment_intent(status="requires_payment_method", metadata=OURS)
    headers, body = signed(stripe_event("payment_intent.payment_failed", intent))
    assert provider.parse_notification(headers=headers, body=body).kind == EventKind.PAYMENT_FAILED
    refund = stripe_refund(metadata={**OURS, "out_refund_no": "RF20261201000001"})
    headers, body = signed(stripe_event("refund.updated", refund, id="evt_refund_1"))
    event = provider.parse_notification(headers=headers, body=body)
    assert event.kind == EventKind.REFUND_SUCCEEDED and event.out_refund_no == "RF20261201000001"
    assert event.amount == Decimal("5.00") and event.provider_refund_id == "re_3QxYz2LkdIwHu7ix0pR8fQ1c"
    failed = stripe_refund(status="failed", metadata={**OURS, "out_refund_no": "RF20261201000001"})
    headers, body = signed(stripe_event("refund.failed", failed, id="evt_refund_2"))
    assert provider.parse_notification(headers=headers, body=body).kind == EventKind.REFUND_FAILED


def test_events_of_another_store_or_of_no_interest_are_acknowledged_and_ignored(provider):
    other = stripe_payment_intent(status="succeeded", metadata={**OURS, "store": "store_b_schema"})
    headers, body = signed(stripe_event("payment_intent.succeeded", other))
    assert provider.parse_notification(headers=headers, body=body).kind == EventKind.IGNORED
    headers, body = signed(
        stripe_event("customer.created", {"id": "cus_1", "object": "customer", "metadata": {}})
    )
    assert provider.parse_notification(headers=headers, body=body).kind == EventKind.IGNORED
    assert provider.acknowledge(True)[0] == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda headers, body: (headers, body.replace(b"1250", b"125000")),
        lambda headers, body: (
            {
                "Stripe-Signature": signed(json.loads(body), secret="whsec_anotherStore000")[0][
                    "Stripe-Signature"
                ]
            },
            body,
        ),
        lambda headers, body: ({}, body),
        lambda headers, body: ({"Stripe-Signature": "t=abc,v1=zzz"}, body),
    ],
)
def test_a_webhook_with_a_bad_signature_is_refused(provider, tamper):
    headers, body = signed(
        stripe_event("payment_intent.succeeded", stripe_payment_intent(status="succeeded", metadata=OURS))
    )
    headers, body = tamper(headers, body)
    with pytest.raises(InvalidNotification, match="signature"):
        provider.parse_notification(headers=headers, body=body)


def test_an_old_webhook_is_refused(provider):
    payload = stripe_event(
        "payment_intent.succeeded", stripe_payment_intent(status="succeeded", metadata=OURS)
    )
    headers, body = signed(payload, timestamp=int(time.time()) - 600)
    with pytest.raises(InvalidNotification):
        provider.parse_notification(headers=headers, body=body)


@pytest.mark.parametrize("body", [b'{"hello": "world"}', b"[]", b'{"object": "v2.core.event"}', b"\xff"])
def test_a_signed_body_that_is_no_event_is_refused(provider, body):
    text = body.decode("utf-8", "replace")
    headers = {"Stripe-Signature": stripe.WebhookSignature.generate_signature_header(text, WEBHOOK_SECRET)}
    with pytest.raises(InvalidNotification):
        provider.parse_notification(headers=headers, body=body)


def test_query_close_and_test_connection(provider, rsps):
    pi = "pi_3QxYz2LkdIwHu7ix0Xv5u0Ab"
    rsps.add(
        "GET", f"{API}/payment_intents/{pi}", json=stripe_payment_intent(status="succeeded", metadata=OURS)
    )
    status = provider.query_payment("FX20261201000001", provider_payment_id=pi)
    assert status.status == PaymentState.SUCCEEDED and status.amount == Decimal("12.50")
    with pytest.raises(PaymentAlreadyPaid):
        provider.close_payment("FX20261201000001", provider_payment_id=pi)

    rsps.replace("GET", f"{API}/payment_intents/{pi}", json=stripe_payment_intent(metadata=OURS))
    rsps.add(
        "POST",
        f"{API}/payment_intents/{pi}/cancel",
        json=stripe_payment_intent(status="canceled", metadata=OURS),
    )
    provider.close_payment("FX20261201000001", provider_payment_id=pi)
    assert rsps.calls[-1].request.url.endswith("/cancel")

    rsps.add(
        "GET",
        f"{API}/payment_intents/search",
        json={"object": "search_result", "data": [], "has_more": False, "url": "/v1/payment_intents/search"},
    )
    assert provider.query_payment("FX20261201000009").status == PaymentState.NOT_FOUND
    assert "metadata%5B%27store%27%5D%3A%27store_a_schema%27" in rsps.calls[-1].request.url

    rsps.add(
        "GET", f"{API}/balance", json={"object": "balance", "available": [], "pending": [], "livemode": False}
    )
    assert "test mode" in provider.test_connection()
    assert all(call.request.headers["Authorization"] == f"Bearer {SECRET_KEY}" for call in rsps.calls)


def test_query_refund_finds_our_refund_among_the_payment_intents(provider, rsps):
    pi = "pi_3QxYz2LkdIwHu7ix0Xv5u0Ab"
    theirs = stripe_refund(
        id="re_other", metadata={"store": "store_b_schema", "out_refund_no": "RF20261201000001"}
    )
    ours = stripe_refund(status="pending", metadata={**OURS, "out_refund_no": "RF20261201000001"})
    rsps.add(
        "GET",
        f"{API}/refunds",
        json={"object": "list", "data": [theirs, ours], "has_more": False, "url": "/v1/refunds"},
    )
    found = provider.query_refund("RF20261201000001", provider_payment_id=pi)
    assert (found.status, found.provider_refund_id) == (RefundStatus.PENDING, ours["id"])
    assert f"payment_intent={pi}" in rsps.calls[-1].request.url
    assert provider.query_refund("RF20261201000002", provider_payment_id=pi).status == RefundStatus.NOT_FOUND

    rsps.add("GET", f"{API}/refunds/{ours['id']}", json={**ours, "status": "succeeded"})
    again = provider.query_refund("RF20261201000001", provider_refund_id=ours["id"])
    assert again.status == RefundStatus.SUCCEEDED
    # Without the PaymentIntent no refund was ever sent: nothing to ask.
    calls = len(rsps.calls)
    assert provider.query_refund("RF20261201000001").status == RefundStatus.NOT_FOUND
    assert len(rsps.calls) == calls


def test_the_account_is_a_fingerprint_of_the_publishable_key(provider):
    assert provider.account.startswith("stripe:") and "pk_" not in provider.account
    other = StripeProvider(
        store_key="s", publishable_key="pk_test_other", secret_key="sk", webhook_secret="w"
    )
    assert other.account != provider.account and len(provider.account) <= 100


def test_metadata_stripe_would_refuse_is_refused_before_the_call(provider, rsps):
    with pytest.raises(InvalidInput) as error:
        provider._metadata("FX20261201000001", out_refund_no="R" * 501)
    assert "out_refund_no" in error.value.errors
    with pytest.raises(InvalidInput):
        provider.query_payment("FX2026' OR metadata['store']:'x")  # never put into Stripe's search query
    assert not rsps.calls
