"""Paying an order: the store's ways of paying, a countdown to the deadline, then what the provider asks
for (a redirect, WeChat's JSAPI sheet, a QR code, Stripe's card form); pages waiting for the money poll the
order. The sandbox's cashier pays through the one notification path, once."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.models import OrderEvent, Payment, ProviderNotification, Refund
from shop.payments.base import PaymentStart, StartKind
from shop.services import orders as order_services
from tests.shop.storefront.conftest import HTMX, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(shop):
    return shop.place([(shop.small, 2)])


def test_the_pay_page_offers_the_stores_ways_of_paying_and_counts_down(shop, me, order):
    html = me.html(f"/orders/{order.number}/pay/")
    assert 'id="pay-amount"><small>¥</small>59.80<' in html
    deadline = timezone.localtime(order.pay_deadline)
    assert f'data-deadline="{order.pay_deadline.astimezone(datetime.UTC).isoformat()}"' in html
    assert f"by {deadline:%H:%M}" in text_of(html)
    assert 'name="provider" value="sandbox"' in html and "Sandbox (test payments)" in html
    assert re.search(r'<button[^>]*form="pay-form"[^>]*id="pay-button"[^>]*data-deadline-disables', html)


def test_paying_with_the_sandbox_goes_to_its_cashier_and_pays_through_the_notification_path(shop, me, order):
    response = me.post(f"/orders/{order.number}/pay/", {"provider": "sandbox"})
    payment = Payment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/pay/sandbox/{payment.out_trade_no}/"
    cashier = me.html(response["Location"])
    assert "Sandbox — a test payment. No money moves." in cashier and "59.80" in cashier
    assert (
        'id="sandbox-pay"' in cashier and f'href="/orders/{order.number}/pay/" id="sandbox-cancel"' in cashier
    )

    paid = me.post(response["Location"])
    assert paid.status_code == 302 and paid["Location"] == f"/orders/{order.number}/"
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, order.paid_amount, order.payment_provider) == ("paid", Decimal("59.80"), "sandbox")
    assert payment.status == "succeeded"
    assert ProviderNotification.objects.get().outcome == "paid"  # the provider's notification, applied
    assert "Payment received. Thank you!" in me.html(paid["Location"])

    # a second click (or a reload of the cashier) changes nothing
    again = me.post(response["Location"])
    assert again.status_code == 302 and ProviderNotification.objects.count() == 1
    assert not Refund.objects.exists() and OrderEvent.objects.filter(kind="paid").count() == 1
    assert "This payment is already paid." in me.html(response["Location"])
    # and the pay page of a paid order is its order page
    assert me.get(f"/orders/{order.number}/pay/")["Location"] == f"/orders/{order.number}/"


def test_a_cashier_left_open_after_the_order_closed_takes_no_payment(shop, me, order, eager_tasks):
    payment = shop.start(order)
    order_services.cancel_order(order=order, actor=shop.buyer, role="buyer")
    html = me.html(f"/pay/sandbox/{payment.out_trade_no}/")
    assert 'id="sandbox-settled"' in html and 'id="sandbox-pay"' not in html
    response = me.post(f"/pay/sandbox/{payment.out_trade_no}/")
    assert response.status_code == 302 and not ProviderNotification.objects.exists()


def test_only_the_orders_buyer_can_use_its_cashier(shop, me, other, buyer_of_b, guest, order):
    payment = shop.start(order)
    path = f"/pay/sandbox/{payment.out_trade_no}/"
    for pages in (other, buyer_of_b):
        assert pages.get(path).status_code == 404
        assert pages.post(path).status_code == 404
    assert me.get("/pay/sandbox/P000000000000/").status_code == 404
    response = guest.get(path)
    assert response.status_code == 302 and response["Location"].startswith(
        "/account/sign-in/?next=%2Fpay%2Fsandbox%2F"
    )
    order.refresh_from_db()
    assert order.status == "pending_payment" and not ProviderNotification.objects.exists()


@pytest.mark.parametrize("provider", ["", "wechat", "stripe", "草莓" * 50, "sandbox\u200b", "1e5"])
def test_a_way_of_paying_the_store_does_not_take_is_refused(shop, me, order, provider):
    response = me.post(f"/orders/{order.number}/pay/", {"provider": provider})
    assert response.status_code == 200 and 'id="pay-error"' in response.content.decode()
    assert not Payment.objects.exists()


def test_an_order_past_its_deadline_cannot_be_paid(shop, me, order):
    type(order).objects.filter(pk=order.pk).update(
        pay_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    html = me.post(f"/orders/{order.number}/pay/", {"provider": "sandbox"}).content.decode()
    assert "The time to pay this order ran out. Order again." in html and not Payment.objects.exists()


def _started(monkeypatch, start: PaymentStart, providers=("wechat",)):
    """The provider's answer, as the payments service would give it (the providers have their own tests)."""
    from frontend.views import storefront_pay

    calls = []

    def start_payment(**kwargs):
        calls.append(kwargs)
        return None, start

    monkeypatch.setattr(storefront_pay, "available_providers", lambda store: list(providers))
    monkeypatch.setattr(storefront_pay.payments, "start_payment", start_payment)
    return calls


def test_a_desktop_buyer_scans_wechat_pays_qr_code_drawn_as_svg(shop, me, order, monkeypatch):
    calls = _started(
        monkeypatch, PaymentStart(kind=StartKind.QR, code_url="weixin://wxpay/bizpayurl?pr=AbC123")
    )
    html = me.post(f"/orders/{order.number}/pay/", {"provider": "wechat"}).content.decode()
    qr = re.search(r'<div class="qr-box">(<svg[^>]*class="qr".*?</svg>)</div>', html, re.S).group(1)
    assert "viewBox" in qr and "<path" in qr and "weixin://" not in qr
    assert f'hx-get="/orders/{order.number}/pay/status/" hx-trigger="every 2s"' in html
    assert calls[0]["return_url"] == f"http://{shop.store.host}/orders/{order.number}/pay/return/"


def test_inside_wechat_the_jsapi_sheet_opens_with_the_signed_parameters(shop, me, order, monkeypatch):
    params = {
        "appId": "wx1",
        "timeStamp": "1",
        "nonceStr": "n",
        "package": "prepay_id=wx2",
        "signType": "RSA",
        "paySign": "s",
    }
    calls = _started(monkeypatch, PaymentStart(kind=StartKind.JSAPI, jsapi_params=params))
    html = me.post(
        f"/orders/{order.number}/pay/",
        {"provider": "wechat"},
        HTTP_USER_AGENT="Mozilla/5.0 MicroMessenger/8.0",
    ).content.decode()
    assert 'WeixinJSBridge.invoke("getBrandWCPayRequest", params' in html
    assert '"package": "prepay_id=wx2"' in html and '"paySign": "s"' in html
    assert calls[0]["user_agent"].endswith("MicroMessenger/8.0") and calls[0]["payer_openid"] == ""


def test_cards_are_confirmed_with_stripe_js_and_the_publishable_key(shop, me, order, monkeypatch):
    _started(
        monkeypatch,
        PaymentStart(
            kind=StartKind.CLIENT_SECRET, client_secret="pi_1_secret_2", publishable_key="pk_test_3"
        ),
        providers=("stripe",),
    )
    html = me.post(f"/orders/{order.number}/pay/", {"provider": "stripe"}).content.decode()
    assert '<script src="https://js.stripe.com/v3/"></script>' in html
    assert 'Stripe("pk_test_3")' in html and 'confirmCardPayment("pi_1_secret_2"' in html


def test_wechat_h5_redirects_to_wechats_cashier(shop, me, order, monkeypatch):
    _started(
        monkeypatch, PaymentStart(kind=StartKind.REDIRECT, url="https://wx.tenpay.com/cgi-bin/mmpayweb?x=1")
    )
    response = me.post(f"/orders/{order.number}/pay/", {"provider": "wechat"})
    assert (
        response.status_code == 302 and response["Location"] == "https://wx.tenpay.com/cgi-bin/mmpayweb?x=1"
    )


def test_the_waiting_page_polls_until_the_order_is_paid(shop, me, order):
    html = me.html(f"/orders/{order.number}/pay/return/")
    assert f'hx-get="/orders/{order.number}/pay/status/" hx-trigger="every 2s"' in html
    fragment = me.get(f"/orders/{order.number}/pay/status/", **HTMX)
    assert fragment.status_code == 200 and 'hx-trigger="every 2s"' in fragment.content.decode()
    shop.pay(order)
    answer = me.get(f"/orders/{order.number}/pay/status/", **HTMX)
    assert answer["HX-Redirect"] == f"/orders/{order.number}/"
    assert me.get(f"/orders/{order.number}/pay/return/")["Location"] == f"/orders/{order.number}/"


def test_a_cancelled_order_stops_the_polling(shop, me, order):
    order_services.cancel_order(order=order, actor=shop.buyer, role="buyer")
    answer = me.get(f"/orders/{order.number}/pay/status/", **HTMX)
    assert answer["HX-Redirect"] == f"/orders/{order.number}/"


def test_another_buyers_order_cannot_be_paid_or_polled(shop, other, buyer_of_b, order):
    for pages in (other, buyer_of_b):
        for path in ("pay/", "pay/return/", "pay/status/"):
            assert pages.get(f"/orders/{order.number}/{path}").status_code == 404
        assert pages.post(f"/orders/{order.number}/pay/", {"provider": "sandbox"}).status_code == 404
    assert not Payment.objects.exists()


def test_a_provider_down_at_start_tells_the_buyer_and_the_order_can_be_paid_again(
    shop, me, order, monkeypatch
):
    from shop.payments.base import ProviderUnavailable
    from shop.payments.sandbox import SandboxProvider

    def down(self, request):
        raise ProviderUnavailable(
            "The sandbox could not be reached. Try again in a moment.", provider="sandbox"
        )

    with monkeypatch.context() as patched:
        patched.setattr(SandboxProvider, "start", down)
        response = me.post(f"/orders/{order.number}/pay/", {"provider": "sandbox"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="pay-error"' in html and "Try again in a moment." in html
    assert list(Payment.objects.values_list("status", flat=True)) == ["failed"]

    again = me.post(f"/orders/{order.number}/pay/", {"provider": "sandbox"})
    assert again.status_code == 302 and again["Location"].startswith("/pay/sandbox/")
    order.refresh_from_db()
    assert order.status == "pending_payment" and order.payment_provider == ""
