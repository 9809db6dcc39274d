"""The whole journey through each real provider, faked only at its HTTP edge: WeChat Pay v3 with generated
keys signing and encrypting real v3 notifications, Stripe with webhooks signed by its own library. A buyer
places an order of two lines, pays, the staff ships it, the buyer confirms receipt and asks for part of one
line back; the staff agrees and the refund goes to the provider (from a worker, run at once here) with the
original payment's numbers and the amount in its smallest unit; the provider's refund notification completes
it. Every amount ends exact to the fen, and a replay of either notification changes nothing."""

import json
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
import stripe
from django.db import connection
from django_tenants.utils import schema_context

from shop.models import Order, Payment, ProviderNotification, Refund
from tests.shop.api.conftest import PARCEL, notify, place
from tests.shop.api.test_payment_webhooks import configure, stripe_signed
from tests.shop.payments.fakes import (
    paid_resource,
    refund_resource,
    stripe_event,
    stripe_payment_intent,
    stripe_refund,
)


def fen(amount: str) -> int:
    return int(Decimal(amount) * 100)


class WeChatSide:
    """WeChat Pay as the store's own merchant account sees it."""

    name = "wechat"
    status_after_submit = "approved"

    def __init__(self, shop, fake, rsps, settings):
        self.shop, self.fake, self.rsps = shop, fake, rsps
        configure(shop.store, settings)

    def expect_payment(self, order):
        self.fake.answer(
            self.rsps,
            "POST",
            "/v3/pay/transactions/native",
            payload={"code_url": "weixin://wxpay/bizpayurl?pr=j1"},
        )

    def paid(self, started, order):
        return self.fake.notification(paid_resource(started["out_trade_no"], total=fen(order["payable"])))

    def expect_refund(self):
        def reply(request):
            sent = json.loads(request.body)
            self.sent_refund = sent
            body = json.dumps(
                {
                    "refund_id": "50000000382019052709732678859",
                    "out_refund_no": sent["out_refund_no"],
                    "status": "PROCESSING",
                    "amount": {**sent["amount"], "currency": "CNY"},
                }
            )
            return 200, {**self.fake.signed_headers(body), "Content-Type": "application/json"}, body

        self.rsps.add_callback(
            "POST", "https://api.mch.weixin.qq.com/v3/refund/domestic/refunds", callback=reply
        )

    def sent_refund_amount(self) -> tuple[int, int]:
        return self.sent_refund["amount"]["refund"], self.sent_refund["amount"]["total"]

    def refunded(self, payment, refund):
        resource = refund_resource(
            out_trade_no=payment.out_trade_no,
            out_refund_no=refund.out_refund_no,
            refund=fen(str(refund.amount)),
            total=fen(str(payment.amount)),
        )
        return self.fake.notification(resource, event_type="REFUND.SUCCESS")


class StripeSide:
    """Stripe with the store's own keys; its refunds succeed at once and are confirmed by a webhook."""

    name = "stripe"
    status_after_submit = "refunded"

    def __init__(self, shop, rsps, keys, monkeypatch):
        self.shop, self.rsps, self.keys = shop, rsps, keys
        monkeypatch.setattr(stripe, "api_key", None)  # a call on the global key would be nobody's
        configure(shop.store, keys)
        self.metadata = {"store": shop.store.schema_name}

    def expect_payment(self, order):
        def created(request):
            self.metadata["out_trade_no"] = parse_qs(request.body)["metadata[out_trade_no]"][0]
            intent = stripe_payment_intent(
                amount=fen(order["payable"]), currency="cny", metadata=self.metadata
            )
            return 200, {}, json.dumps(intent)

        self.rsps.add_callback("POST", "https://api.stripe.com/v1/payment_intents", callback=created)

    def paid(self, started, order):
        intent = stripe_payment_intent(
            amount=fen(order["payable"]), currency="cny", status="succeeded", metadata=self.metadata
        )
        event = stripe_event("payment_intent.succeeded", intent, id="evt_journey_paid")
        return stripe_signed(event, self.keys["stripe_webhook_secret"])

    def expect_refund(self):
        def created(request):
            self.sent_refund = parse_qs(request.body)
            refund = stripe_refund(
                amount=int(self.sent_refund["amount"][0]),
                currency="cny",
                metadata={**self.metadata, "out_refund_no": self.sent_refund["metadata[out_refund_no]"][0]},
            )
            return 200, {}, json.dumps(refund)

        self.rsps.add_callback("POST", "https://api.stripe.com/v1/refunds", callback=created)

    def sent_refund_amount(self) -> tuple[int, int]:
        return int(self.sent_refund["amount"][0]), None

    def refunded(self, payment, refund):
        made = stripe_refund(
            amount=fen(str(refund.amount)),
            currency="cny",
            metadata={**self.metadata, "out_refund_no": refund.out_refund_no},
        )
        event = stripe_event("refund.updated", made, id="evt_journey_refund")
        return stripe_signed(event, self.keys["stripe_webhook_secret"])


@pytest.fixture(params=["wechat", "stripe"])
def provider_side(request, shop, rsps, fake_wechat, own_wechat, stripe_keys, monkeypatch):
    if request.param == "wechat":
        return WeChatSide(shop, fake_wechat, rsps, own_wechat)
    return StripeSide(shop, rsps, stripe_keys, monkeypatch)


def test_place_pay_ship_confirm_and_refund_part_of_one_line(
    shop, buyer_api, owner_api, provider_side, eager_tasks
):
    side = provider_side
    placed = place(buyer_api, shop, [(shop.small, 2), (shop.tea_sku, 1)])
    assert placed.status_code == 201, placed.content
    order = placed.json()
    assert order["payable"] == "147.80"

    side.expect_payment(order)
    started = buyer_api.post(f"/api/v1/buyer/orders/{order['number']}/pay/", {"provider": side.name})
    assert started.status_code == 200, started.content
    started = started.json()
    headers, body = side.paid(started, order)
    assert notify(shop.store, side.name, headers, body).status_code in (200, 204)
    assert notify(shop.store, side.name, headers, body).status_code in (200, 204)  # the same, again

    with schema_context(shop.store.schema_name):
        paid = Order.objects.get(number=order["number"])
        payment = Payment.objects.get(order=paid, status=Payment.Status.SUCCEEDED)
        assert (paid.status, paid.paid_amount, paid.payment_provider) == (
            Order.Status.PAID,
            Decimal("147.80"),
            side.name,
        )
        assert Payment.objects.filter(order=paid).count() == 1
    connection.set_schema_to_public()

    assert owner_api.post(f"/api/v1/orders/{order['id']}/ship/", PARCEL).status_code == 200
    received = buyer_api.post(f"/api/v1/buyer/orders/{order['number']}/confirm-receipt/")
    assert received.status_code == 200 and received.json()["status"] == "completed"

    apples = next(line for line in received.json()["lines"] if line["sku"] == shop.small.pk)
    asked = buyer_api.post(
        "/api/v1/buyer/after-sales/",
        {"order_line": apples["id"], "kind": "refund_only", "amount": "12.34", "reason": "有一个磕坏了"},
    )
    assert asked.status_code == 201, asked.content

    side.expect_refund()
    with schema_context(shop.store.schema_name), eager_tasks(execute=True):
        approved = owner_api.client.post(f"/api/v1/after-sales/{asked.json()['id']}/approve/")
    connection.set_schema_to_public()
    assert approved.status_code == 200, approved.content
    refund_fen, total_fen = side.sent_refund_amount()
    assert refund_fen == 1234 and total_fen in (14780, None)

    # WeChat Pay answers "processing" and tells the outcome later; Stripe's refund succeeded at once
    waiting = buyer_api.get(f"/api/v1/buyer/after-sales/{asked.json()['number']}/").json()
    assert waiting["status"] == side.status_after_submit
    with schema_context(shop.store.schema_name):
        refund = Refund.objects.get(after_sale__number=asked.json()["number"])
        assert refund.payment_id == payment.pk
    connection.set_schema_to_public()
    headers, body = side.refunded(payment, refund)
    assert notify(shop.store, side.name, headers, body).status_code in (200, 204)
    assert notify(shop.store, side.name, headers, body).status_code in (200, 204)  # replayed

    seen = buyer_api.get(f"/api/v1/buyer/after-sales/{asked.json()['number']}/").json()
    assert seen["status"] == "refunded"
    assert [(r["amount"], r["status"]) for r in seen["refunds"]] == [("12.34", "succeeded")]
    final = buyer_api.get(f"/api/v1/buyer/orders/{order['number']}/").json()
    assert (final["paid_amount"], final["refunded_amount"]) == ("147.80", "12.34")
    apples = next(line for line in final["lines"] if line["sku"] == shop.small.pk)
    tea = next(line for line in final["lines"] if line["sku"] == shop.tea_sku.pk)
    assert (apples["refunded_amount"], apples["refundable_amount"]) == ("12.34", "47.46")
    assert (tea["refunded_amount"], tea["refundable_amount"]) == ("0.00", "88.00")
    with schema_context(shop.store.schema_name):
        assert Refund.objects.filter(payment=payment).count() == 1
        assert ProviderNotification.objects.filter(provider=side.name).count() == 2
    connection.set_schema_to_public()
