"""The sandbox provider: its pay page's notification is signed per store with a key from SECRET_KEY, verified
like a real provider's (signature, ±5 minutes), and it answers queries, closing and refunds as WeChat Pay
would, with no money moving."""

import json
import time
from decimal import Decimal

import pytest

from shop.payments.base import (
    EventKind,
    InvalidNotification,
    PaymentAlreadyPaid,
    PaymentProviderError,
    PaymentRequest,
    PaymentState,
    RefundRequest,
    RefundStatus,
    StartKind,
)
from shop.payments.sandbox import SandboxProvider

A, B = SandboxProvider(store_key="store_a_schema"), SandboxProvider(store_key="store_b_schema")


def start(provider, out_trade_no="FX20261201000001", amount="12.50"):
    return provider.start(
        PaymentRequest(out_trade_no, Decimal(amount), "CNY", "Order", "https://n/", "https://r/", "sandbox")
    )


def paid(provider, out_trade_no="FX20261201000001", **extra):
    return provider.build_notification(
        kind=EventKind.PAYMENT_SUCCEEDED, out_trade_no=out_trade_no, amount=Decimal("12.50"), **extra
    )


def test_start_sends_the_buyer_to_the_local_pay_page():
    begun = start(A)
    assert begun.kind == StartKind.REDIRECT and begun.url == "/pay/sandbox/FX20261201000001/"
    assert A.query_payment("FX20261201000001").status == PaymentState.PENDING


def test_the_pay_pages_notification_verifies_for_its_own_store():
    start(A)
    headers, body = paid(A)
    event = A.parse_notification(headers=headers, body=body)
    assert event.kind == EventKind.PAYMENT_SUCCEEDED and event.out_trade_no == "FX20261201000001"
    assert event.amount == Decimal("12.50") and event.currency == "CNY"
    assert json.loads(body)["amount"] == 1250  # fen on the wire, as with WeChat Pay
    assert A.query_payment("FX20261201000001").status == PaymentState.SUCCEEDED


def test_a_notification_of_store_a_does_not_verify_in_store_b():
    headers, body = paid(A)
    with pytest.raises(InvalidNotification, match="signature"):
        B.parse_notification(headers=headers, body=body)


def test_a_notification_signed_under_another_secret_key_does_not_verify(settings):
    headers, body = paid(A)
    settings.SECRET_KEY = "another-platform-secret-key-0123456789"
    with pytest.raises(InvalidNotification, match="signature"):
        A.parse_notification(headers=headers, body=body)


@pytest.mark.parametrize("age", [301, -301])
def test_a_notification_outside_five_minutes_is_refused(age):
    headers, body = paid(A, timestamp=int(time.time()) - age)
    with pytest.raises(InvalidNotification, match="5 minutes"):
        A.parse_notification(headers=headers, body=body)


def test_a_tampered_notification_or_one_without_headers_is_refused():
    headers, body = paid(A)
    with pytest.raises(InvalidNotification, match="signature"):
        A.parse_notification(headers=headers, body=body.replace(b"1250", b"1"))
    with pytest.raises(InvalidNotification, match="missing"):
        A.parse_notification(headers={}, body=body)
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    assert A.parse_notification(headers=meta, body=body).kind == EventKind.PAYMENT_SUCCEEDED


def test_a_closed_payment_cannot_be_paid_and_a_paid_one_cannot_be_closed():
    start(A, "FX20261201000002")
    A.close_payment("FX20261201000002")
    with pytest.raises(PaymentProviderError):
        paid(A, "FX20261201000002")
    start(A, "FX20261201000003")
    paid(A, "FX20261201000003")
    with pytest.raises(PaymentAlreadyPaid):
        A.close_payment("FX20261201000003")
    with pytest.raises(PaymentAlreadyPaid):
        start(A, "FX20261201000003")


def test_refunds_succeed_at_once_once_only_and_never_beyond_the_payment():
    start(A)
    paid(A)
    refund = RefundRequest("FX20261201000001", "RF20261201000001", Decimal("5.00"), Decimal("12.50"), "", "")
    assert A.refund(refund).status == RefundStatus.SUCCEEDED
    assert A.refund(refund).status == RefundStatus.SUCCEEDED  # the same refund number again: no second refund
    assert A.query_payment("FX20261201000001").status == PaymentState.REFUNDED
    more = RefundRequest("FX20261201000001", "RF20261201000002", Decimal("7.51"), Decimal("12.50"), "", "")
    with pytest.raises(PaymentProviderError):
        A.refund(more)


def test_a_refund_notification_can_be_made_for_the_refund_endpoint():
    headers, body = A.build_notification(
        kind=EventKind.REFUND_SUCCEEDED,
        out_trade_no="FX20261201000001",
        amount=Decimal("5.00"),
        out_refund_no="RF20261201000001",
        provider_refund_id="SBXRRF20261201000001",
    )
    event = A.parse_notification(headers=headers, body=body)
    assert event.kind == EventKind.REFUND_SUCCEEDED and event.out_refund_no == "RF20261201000001"


def test_nothing_is_known_of_a_payment_never_started():
    assert A.query_payment("FX20261201000404").status == PaymentState.NOT_FOUND
    assert "sandbox" in A.test_connection()


def test_the_sandbox_knows_the_refunds_it_made_and_only_those():
    start(A, "FX20261201000005")
    paid(A, "FX20261201000005")
    assert (
        A.query_refund("RF20261201000005", out_trade_no="FX20261201000005").status == RefundStatus.NOT_FOUND
    )
    A.refund(RefundRequest("FX20261201000005", "RF20261201000005", Decimal("5.00"), Decimal("12.50"), "", ""))
    found = A.query_refund("RF20261201000005", out_trade_no="FX20261201000005")
    assert (found.status, found.provider_refund_id) == (RefundStatus.SUCCEEDED, "SBXRRF20261201000005")
    assert (
        B.query_refund("RF20261201000005", out_trade_no="FX20261201000005").status == RefundStatus.NOT_FOUND
    )
    assert (A.account, B.account) == ("sandbox:store_a_schema", "sandbox:store_b_schema")
