"""The payment notify endpoints, end to end on a store's host (/api/v1/webhooks/payments/<provider>/):
csrf-exempt and unauthenticated — the provider's signature is the authentication — reading the raw body,
answering exactly as each provider expects, and going through the one notification path: a genuine
notification pays the order once however often and however concurrently it arrives, a refund notification
completes its refund, and a tampered, old or another store's notification is refused and changes
nothing."""

import json
import time
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
import stripe
from django.db import connection
from django_tenants.utils import schema_context

from shop.models import Order, Payment, ProviderNotification, Refund
from shop.payments.registry import provider_for
from shop.services import payments, refunds
from shop.services.payment_settings import PaymentSettingsInput, update_payment_settings
from tests.conftest import owner_of, run_in_threads
from tests.shop.api.conftest import Api, notify, place, sandbox_notification
from tests.shop.payments.fakes import paid_resource, stripe_event, stripe_payment_intent
from tests.shop.services.conftest import committed_shop  # noqa: F401 - a fixture, used below
from tests.snapshots import Snapshot


def placed(api, shop) -> dict:
    response = place(api, shop, [(shop.small, 2)])
    assert response.status_code == 201, response.content
    return response.json()


def start(api, number: str, **body) -> dict:
    response = api.post(f"/api/v1/buyer/orders/{number}/pay/", body)
    assert response.status_code == 200, response.content
    return response.json()


def order_of(shop, number: str) -> Order:
    with schema_context(shop.store.schema_name):
        return Order.objects.get(number=number)


def configure(store, values: dict) -> None:
    with schema_context(store.schema_name):
        update_payment_settings(store=store, actor=owner_of(store), input=PaymentSettingsInput(**values))
    connection.set_schema_to_public()


# --- the sandbox -------------------------------------------------------------------------------------------


def test_a_sandbox_notification_posted_to_the_endpoint_pays_the_order(shop, buyer_api):
    order = placed(buyer_api, shop)
    started = start(buyer_api, order["number"], provider="sandbox")
    assert started["kind"] == "redirect" and started["amount"] == "59.80"
    assert started["url"] == f"http://{shop.store.host}/pay/sandbox/{started['out_trade_no']}/"

    response = notify(shop.store, "sandbox", *sandbox_notification(shop.store, started["out_trade_no"]))

    assert (response.status_code, response.json()) == (200, {"code": "SUCCESS"})
    paid = order_of(shop, order["number"])
    assert paid.status == Order.Status.PAID and paid.paid_amount == Decimal("59.80")
    detail = buyer_api.get(f"/api/v1/buyer/orders/{order['number']}/").json()
    assert detail["status"] == "paid" and detail["paid_amount"] == "59.80"
    assert [event["kind"] for event in detail["events"]] == ["placed", "paid"]


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda h, b: (h, b.replace(b'"amount": 5980', b'"amount": 1')), id="tampered body"),
        pytest.param(lambda h, b: ({**h, "Sandbox-Signature": "0" * 64}, b), id="forged signature"),
        pytest.param(lambda h, b: ({}, b), id="unsigned"),
    ],
)
def test_a_tampered_notification_is_refused_and_changes_nothing(shop, buyer_api, spoil):
    order = placed(buyer_api, shop)
    started = start(buyer_api, order["number"])
    headers, body = spoil(*sandbox_notification(shop.store, started["out_trade_no"]))
    snapshot = Snapshot(shop.store.schema_name)
    before = snapshot.take()

    response = notify(shop.store, "sandbox", headers, body)

    assert response.status_code == 400 and response.json()["code"] == "FAIL"
    assert snapshot.take() == before
    assert order_of(shop, order["number"]).status == Order.Status.PENDING_PAYMENT


def test_an_old_notification_is_refused(shop, buyer_api):
    order = placed(buyer_api, shop)
    started = start(buyer_api, order["number"])
    old = int(time.time()) - 600
    response = notify(
        shop.store, "sandbox", *sandbox_notification(shop.store, started["out_trade_no"], timestamp=old)
    )
    assert response.status_code == 400 and "5 minutes" in response.json()["message"]
    assert order_of(shop, order["number"]).status == Order.Status.PENDING_PAYMENT


def test_a_notification_made_for_another_store_is_refused_there(shop, buyer_api, store_b):
    order = placed(buyer_api, shop)
    started = start(buyer_api, order["number"])
    headers, body = sandbox_notification(shop.store, started["out_trade_no"])

    # Store B's endpoint: B's key does not verify A's signature.
    assert notify(store_b, "sandbox", headers, body).status_code == 400
    # Signed with B's key and posted to A: the notification names store B.
    with schema_context(store_b.schema_name):
        headers_b, body_b = provider_for(store_b, "sandbox").build_notification(
            kind="payment_succeeded", out_trade_no=started["out_trade_no"], amount=Decimal("59.80")
        )
    assert notify(shop.store, "sandbox", headers_b, body_b).status_code == 400
    assert order_of(shop, order["number"]).status == Order.Status.PENDING_PAYMENT
    with schema_context(store_b.schema_name):
        assert not ProviderNotification.objects.exists()


def test_a_refund_notification_comes_through_the_same_endpoint(shop, buyer_api):
    order = placed(buyer_api, shop)
    started = start(buyer_api, order["number"])
    notify(shop.store, "sandbox", *sandbox_notification(shop.store, started["out_trade_no"]))
    with schema_context(shop.store.schema_name):
        payment = Payment.objects.get(out_trade_no=started["out_trade_no"])
        refund = refunds.refund_payment_in_full(payment=payment, reason="测试")
        headers, body = provider_for(shop.store, "sandbox").build_notification(
            kind="refund_succeeded",
            out_trade_no=payment.out_trade_no,
            amount=payment.amount,
            out_refund_no=refund.out_refund_no,
            provider_refund_id="SBXR1",
        )
    connection.set_schema_to_public()

    response = notify(shop.store, "sandbox", headers, body)

    assert response.status_code == 200
    with schema_context(shop.store.schema_name):
        assert Refund.objects.get(pk=refund.pk).status == Refund.Status.SUCCEEDED


@pytest.mark.parametrize("provider", ["paypal", "wechat", "stripe"])
def test_a_provider_the_store_does_not_use_is_a_clear_404(shop, provider):
    headers, body = {"Wechatpay-Signature": "x"}, b'{"id": "EV-1"}'
    response = notify(shop.store, provider, headers, body)
    assert response.status_code == 404 and response.json()["code"] == "FAIL"
    assert response.json()["message"]


def test_only_a_post_with_a_raw_body_is_a_notification(shop):
    client = Api(shop.store).client
    assert client.get("/api/v1/webhooks/payments/sandbox/").status_code == 405
    # A form (multipart, as a browser would send it) is read at the request edge: no provider sends one.
    response = client.post("/api/v1/webhooks/payments/sandbox/", {"id": "1"})
    connection.set_schema_to_public()
    assert response.status_code == 400 and response.json()["code"] == "FAIL"


def test_ten_concurrent_deliveries_of_one_notification_pay_once(committed_shop):  # noqa: F811
    shop = committed_shop
    api = Api(shop.store, shop.buyer)
    order = placed(api, shop)
    started = start(api, order["number"])
    headers, body = sandbox_notification(shop.store, started["out_trade_no"])

    statuses = run_in_threads(
        shop.store.schema_name, [lambda: notify(shop.store, "sandbox", headers, body).status_code] * 10
    )

    assert statuses == [200] * 10, statuses
    with schema_context(shop.store.schema_name):
        paid = Order.objects.get(number=order["number"])
        assert paid.status == Order.Status.PAID and paid.paid_amount == Decimal("59.80")
        assert paid.events.filter(kind="paid").count() == 1
        assert ProviderNotification.objects.count() == 1
        assert Payment.objects.get(out_trade_no=started["out_trade_no"]).status == Payment.Status.SUCCEEDED


# --- WeChat Pay v3 -----------------------------------------------------------------------------------------


def test_a_wechat_pay_notification_pays_the_order(shop, buyer_api, own_wechat, fake_wechat, rsps):
    configure(shop.store, own_wechat)
    order = placed(buyer_api, shop)
    fake_wechat.answer(
        rsps, "POST", "/v3/pay/transactions/native", payload={"code_url": "weixin://wxpay/bizpayurl?pr=abc"}
    )
    started = start(buyer_api, order["number"], provider="wechat")
    assert (started["kind"], started["channel"]) == ("qr", "native")
    assert started["code_url"] == "weixin://wxpay/bizpayurl?pr=abc"

    headers, body = fake_wechat.notification(paid_resource(started["out_trade_no"], total=5980))
    response = notify(shop.store, "wechat", headers, body)

    assert (response.status_code, response.content) == (204, b"")
    assert order_of(shop, order["number"]).status == Order.Status.PAID


def test_a_wechat_pay_notification_signed_with_another_key_or_for_another_amount_is_refused(
    shop, buyer_api, own_wechat, fake_wechat, rsps, wechat_keys
):
    configure(shop.store, own_wechat)
    order = placed(buyer_api, shop)
    fake_wechat.answer(rsps, "POST", "/v3/pay/transactions/native", payload={"code_url": "weixin://wxpay/x"})
    out_trade_no = start(buyer_api, order["number"], provider="wechat")["out_trade_no"]
    _platform, other_key = wechat_keys

    forged = fake_wechat.notification(paid_resource(out_trade_no, total=5980), key=other_key)
    cheaper = fake_wechat.notification(paid_resource(out_trade_no, total=1))
    for headers, body in (forged, cheaper):
        response = notify(shop.store, "wechat", headers, body)
        assert response.status_code == 400 and response.json()["code"] == "FAIL"
    assert order_of(shop, order["number"]).status == Order.Status.PENDING_PAYMENT


def test_a_mini_program_gets_signed_jsapi_parameters_for_its_buyers_openid(
    shop, buyer_api, own_wechat, fake_wechat, rsps
):
    from shop.models import WechatIdentity
    from tests.shop.payments.fakes import APPID

    configure(shop.store, own_wechat)
    with schema_context(shop.store.schema_name):
        WechatIdentity.objects.create(buyer=shop.buyer, app_id=APPID, openid="oMiniBuyer0001")
    order = placed(buyer_api, shop)
    fake_wechat.answer(
        rsps, "POST", "/v3/pay/transactions/jsapi", payload={"prepay_id": "wx2016121516420242"}
    )

    started = start(buyer_api, order["number"], provider="wechat", channel="jsapi")

    assert started["kind"] == "jsapi"
    params = started["jsapi_params"]
    assert params["appId"] == APPID and params["package"] == "prepay_id=wx2016121516420242"
    assert set(params) == {"appId", "timeStamp", "nonceStr", "package", "signType", "paySign"}
    sent = json.loads(rsps.calls[-1].request.body)
    assert sent["payer"] == {"openid": "oMiniBuyer0001"}


# --- Stripe ------------------------------------------------------------------------------------------------


def stripe_signed(payload: dict, secret: str, timestamp=None) -> tuple[dict, bytes]:
    body = json.dumps(payload)
    signature = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
    return {"Stripe-Signature": signature}, body.encode()


@pytest.fixture
def stripe_store(shop, stripe_keys, monkeypatch):
    # A call that fell back on the global key would authenticate as nobody.
    monkeypatch.setattr(stripe, "api_key", None)
    configure(shop.store, stripe_keys)
    return stripe_keys


def start_card_payment(shop, buyer_api, rsps) -> tuple[dict, dict]:
    order = placed(buyer_api, shop)
    metadata = {"store": shop.store.schema_name}

    def created(request):
        metadata["out_trade_no"] = parse_qs(request.body)["metadata[out_trade_no]"][0]
        intent = stripe_payment_intent(amount=5980, currency="cny", metadata=metadata)
        return 200, {}, json.dumps(intent)

    rsps.add_callback("POST", "https://api.stripe.com/v1/payment_intents", callback=created)
    started = start(buyer_api, order["number"], provider="stripe")
    return order, started


def test_a_signed_stripe_webhook_pays_the_order(shop, buyer_api, stripe_store, rsps):
    order, started = start_card_payment(shop, buyer_api, rsps)
    assert started["kind"] == "client_secret" and started["client_secret"].startswith("pi_")
    assert started["publishable_key"] == stripe_store["stripe_publishable_key"]
    intent = stripe_payment_intent(
        amount=5980,
        currency="cny",
        status="succeeded",
        metadata={"store": shop.store.schema_name, "out_trade_no": started["out_trade_no"]},
    )
    headers, body = stripe_signed(
        stripe_event("payment_intent.succeeded", intent), stripe_store["stripe_webhook_secret"]
    )

    response = notify(shop.store, "stripe", headers, body)

    assert response.status_code == 200
    assert order_of(shop, order["number"]).status == Order.Status.PAID


@pytest.mark.parametrize("spoil", ["other secret", "old", "tampered"])
def test_a_stripe_webhook_that_does_not_verify_is_refused(shop, buyer_api, stripe_store, rsps, spoil):
    order, started = start_card_payment(shop, buyer_api, rsps)
    intent = stripe_payment_intent(
        amount=5980,
        currency="cny",
        status="succeeded",
        metadata={"store": shop.store.schema_name, "out_trade_no": started["out_trade_no"]},
    )
    payload = stripe_event("payment_intent.succeeded", intent)
    secret = "whsec_anotherStore000" if spoil == "other secret" else stripe_store["stripe_webhook_secret"]
    headers, body = stripe_signed(
        payload, secret, timestamp=int(time.time()) - 600 if spoil == "old" else None
    )
    if spoil == "tampered":
        body = body.replace(b"5980", b"598000")

    response = notify(shop.store, "stripe", headers, body)

    assert response.status_code == 400
    assert order_of(shop, order["number"]).status == Order.Status.PENDING_PAYMENT


# --- a provider that cannot be used now ------------------------------------------------------------------


def awaiting_notification(shop, buyer_api):
    """An order placed and started with the sandbox, and the notification that would pay it."""
    order = placed(buyer_api, shop)
    started = start(buyer_api, order["number"])
    return order, started, sandbox_notification(shop.store, started["out_trade_no"])


def test_a_notification_while_the_provider_is_unavailable_is_refused_for_a_retry(
    shop, buyer_api, monkeypatch, caplog
):
    from shop.payments.base import ProviderUnavailable
    from shop.payments.sandbox import SandboxProvider

    order, started, (headers, body) = awaiting_notification(shop, buyer_api)

    def unavailable(self, **kwargs):
        raise ProviderUnavailable("暂时无法连接", provider="sandbox", provider_code="TIMEOUT")

    monkeypatch.setattr(SandboxProvider, "parse_notification", unavailable)
    response = notify(shop.store, "sandbox", headers, body)

    assert response.status_code == 503
    assert response.json() == {"code": "FAIL", "message": "payment_provider_unavailable"}
    assert "could not apply a sandbox notification" in caplog.text
    assert order_of(shop, order["number"]).status == Order.Status.PENDING_PAYMENT

    monkeypatch.undo()  # the provider is back: the retry pays the order
    assert notify(shop.store, "sandbox", headers, body).status_code == 200
    assert order_of(shop, order["number"]).status == Order.Status.PAID


def test_a_notification_that_fails_half_way_changes_nothing_and_is_taken_on_retry(
    shop, buyer_api, monkeypatch
):
    from shop.services import orders as order_services
    from tenants.errors import ProviderUnavailable

    order, started, (headers, body) = awaiting_notification(shop, buyer_api)

    def fails(**kwargs):
        raise ProviderUnavailable("SMS gateway down", provider="sms")

    monkeypatch.setattr(order_services, "mark_order_paid", fails)
    response = notify(shop.store, "sandbox", headers, body)

    assert response.status_code == 503 and response.json()["code"] == "FAIL"
    with schema_context(shop.store.schema_name):
        assert not ProviderNotification.objects.exists()
        assert Payment.objects.get(out_trade_no=started["out_trade_no"]).status == Payment.Status.STARTED
    monkeypatch.undo()
    assert notify(shop.store, "sandbox", headers, body).status_code == 200
    assert order_of(shop, order["number"]).status == Order.Status.PAID


def test_a_store_whose_provider_is_no_longer_set_up_answers_a_clear_refusal(
    shop, buyer_api, settings, caplog
):
    order, started, (headers, body) = awaiting_notification(shop, buyer_api)
    settings.PAYMENT_SANDBOX = False  # the platform stopped offering the sandbox

    response = notify(shop.store, "sandbox", headers, body)

    assert response.status_code == 404 and response.json()["code"] == "FAIL"
    assert "does not use" in caplog.text
    assert order_of(shop, order["number"]).status == Order.Status.PENDING_PAYMENT


def test_a_refund_notification_from_another_provider_than_the_refunds_is_refused(shop, buyer_api):
    from shop.payments.base import EventKind, InvalidNotification, ProviderEvent

    order = placed(buyer_api, shop)
    started = start(buyer_api, order["number"])
    notify(shop.store, "sandbox", *sandbox_notification(shop.store, started["out_trade_no"]))
    with schema_context(shop.store.schema_name):
        payment = Payment.objects.get(out_trade_no=started["out_trade_no"])
        refund = refunds.refund_payment_in_full(payment=payment, reason="测试")
        event = ProviderEvent(
            event_id="evt_1",
            kind=EventKind.REFUND_SUCCEEDED,
            out_trade_no=payment.out_trade_no,
            provider_payment_id="pi_1",
            amount=payment.amount,
            currency=payment.currency,
            occurred_at=payment.paid_at,
            out_refund_no=refund.out_refund_no,
            provider_refund_id="re_1",
        )
        with pytest.raises(InvalidNotification):
            payments.apply_event(provider_code="stripe", event=event)
        assert Refund.objects.get(pk=refund.pk).status == Refund.Status.PENDING
        assert payments.apply_event(provider_code="sandbox", event=event) == "refunded"
    connection.set_schema_to_public()


def _resigned(store, headers: dict, body: bytes, change) -> tuple[dict, bytes]:
    """A notification changed after the fact and signed again with the store's sandbox key: what only a
    holder of the key could send. Our own checks must still hold."""
    from shop.payments.sandbox import NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER

    data = json.loads(body)
    change(data)
    new_body = json.dumps(data).encode() if not isinstance(data, bytes) else data
    with schema_context(store.schema_name):
        provider = provider_for(store, "sandbox")
    connection.set_schema_to_public()
    stamp, nonce = headers[TIMESTAMP_HEADER], headers[NONCE_HEADER]
    return {**headers, SIGNATURE_HEADER: provider._sign(stamp, nonce, new_body)}, new_body


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d.update(transaction_id="9" * 100_000), id="huge transaction id"),
        pytest.param(lambda d: d.update(transaction_id="SBX\u0000x"), id="NUL in the transaction id"),
        pytest.param(lambda d: d.update(occurred_at="9999-12-31T23:59:59+00:00"), id="paid in the year 9999"),
        pytest.param(lambda d: d.update(occurred_at="0001-01-01T00:00:00+00:00"), id="paid in the year 1"),
        pytest.param(lambda d: d.update(id="evt " * 40), id="an event id that is no id"),
    ],
)
def test_a_validly_signed_notification_our_records_cannot_hold_is_refused(shop, buyer_api, change):
    order = placed(buyer_api, shop)
    started = start(buyer_api, order["number"])
    headers, body = _resigned(shop.store, *sandbox_notification(shop.store, started["out_trade_no"]), change)
    before = Snapshot(shop.store.schema_name).take()

    response = notify(shop.store, "sandbox", headers, body)

    assert response.status_code == 400 and response.json()["code"] == "FAIL"
    assert Snapshot(shop.store.schema_name).take() == before
    assert order_of(shop, order["number"]).status == Order.Status.PENDING_PAYMENT


@pytest.mark.parametrize("depth", [950, 5000])
def test_json_nested_too_deeply_is_refused_everywhere(shop, buyer_api, depth):
    deep = b'{"phone": ' + b"[" * depth + b"]" * depth + b"}"
    client_api = buyer_api.client if hasattr(buyer_api, "client") else buyer_api
    answer = client_api.post("/api/v1/buyer/auth/sms-code/", deep, content_type="application/json")
    connection.set_schema_to_public()
    assert answer.status_code == 400
    assert notify(shop.store, "sandbox", {}, b"[" * depth).status_code == 400
    stripe_answer = notify(shop.store, "stripe", {"Stripe-Signature": "t=1,v1=x"}, b"[" * depth)
    assert stripe_answer.status_code in (400, 404)


def test_a_validly_signed_body_nested_too_deeply_is_refused(shop):
    from shop.payments.sandbox import NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER

    body = b"[" * 5000 + b"]" * 5000
    with schema_context(shop.store.schema_name):
        provider = provider_for(shop.store, "sandbox")
    connection.set_schema_to_public()
    stamp, nonce = str(int(time.time())), "n" * 32
    headers = {
        TIMESTAMP_HEADER: stamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: provider._sign(stamp, nonce, body),
    }
    assert notify(shop.store, "sandbox", headers, body).status_code == 400
