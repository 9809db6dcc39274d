"""Paying an order (/orders/<number>/pay/): the store's ways of paying (shop.payments.registry), a countdown
to the order's deadline, then whatever the provider asks for — a redirect (the sandbox's pay page, WeChat
Pay's H5 cashier), WeChat's in-app payment sheet (JSAPI), a QR code to scan (Native), or Stripe's card
form. Pages waiting for the money poll the order every 2 s and move on to the order once it is paid.

The sandbox's pay page (/pay/sandbox/<out_trade_no>/) is the sandbox provider's cashier: its "Pay" makes
the sandbox's signed notification and hands it to payments.handle_notification — the same path the notify
endpoint runs for every provider — so a sandbox payment is applied exactly as a real one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from frontend.forms import apply_domain_error
from frontend.forms_storefront_orders import PayForm
from frontend.qr import qr_svg
from frontend.views.access import buyer_required
from frontend.views.buyer_pages import not_found, order_not_found, order_url, render_page
from shop.models import Order, Payment
from shop.payments.base import EventKind, StartKind
from shop.payments.registry import WECHAT, available_providers, provider_for
from shop.selectors import buyers as buyer_selectors
from shop.selectors import orders as selectors
from shop.services import payments
from tenants.client_ip import client_ip
from tenants.errors import DomainError, NotFound
from tenants.links import store_url

Status = Order.Status


def _order(request, order_number, *, detail: bool = False):
    return selectors.buyer_order(buyer=request.user, number=order_number, detail=detail)


@buyer_required
@require_http_methods(["GET", "POST"])
def pay(request, order_number):
    try:
        order = _order(request, order_number)
    except NotFound:
        return order_not_found(request)
    if order.status != Status.PENDING_PAYMENT:
        return redirect(order_url(order.number))
    providers = available_providers(request.tenant)
    form = PayForm(request.POST or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        provider = form.cleaned_data["provider"]
        return_path = reverse("storefront:pay_return", kwargs={"order_number": order.number})
        try:
            _payment, started = payments.start_payment(
                store=request.tenant,
                order=order,
                buyer=request.user,
                provider_code=provider,
                return_url=store_url(request.tenant, return_path, request=request),
                user_agent=request.headers.get("User-Agent", ""),
                client_ip=client_ip(request) or "",
                payer_openid=buyer_selectors.official_account_openid(request.user)
                if provider == WECHAT
                else "",
                request=request,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            if started.kind == StartKind.REDIRECT:
                return redirect(started.url)
            return render_page(
                request,
                "storefront/pay/started.html",
                {
                    "order": order,
                    "started": started,
                    "qr": qr_svg(started.code_url) if started.kind == StartKind.QR else "",
                    "return_url": return_path,
                },
            )
    return render_page(
        request, "storefront/pay/pay.html", {"order": order, "form": form, "providers": providers}
    )


@buyer_required
@require_GET
def pay_return(request, order_number):
    """Where a provider sends the buyer back: the order once it is paid, else a page that waits for the
    provider's word (its notification), polling."""
    try:
        order = _order(request, order_number)
    except NotFound:
        return order_not_found(request)
    if order.status != Status.PENDING_PAYMENT:
        return redirect(order_url(order.number))
    return render_page(request, "storefront/pay/waiting.html", {"order": order})


@buyer_required
@require_GET
def pay_status(request, order_number):
    """What a waiting page polls (HTMX, every 2 s): the order page once paid; else the same fragment, which
    stops polling once the order can no longer be paid."""
    try:
        order = _order(request, order_number)
    except NotFound:
        return order_not_found(request)
    if order.status != Status.PENDING_PAYMENT:
        if request.htmx:
            return HttpResponseClientRedirect(order_url(order.number))
        return redirect(order_url(order.number))
    return render(request, "storefront/pay/_status.html", {"order": order})


@buyer_required
@require_http_methods(["GET", "POST"])
def sandbox(request, out_trade_no):
    """The sandbox's cashier, for the buyer whose order the payment is for."""
    try:
        payment = selectors.buyer_payment(buyer=request.user, out_trade_no=out_trade_no, provider="sandbox")
    except NotFound:
        return not_found(
            request, _("This payment does not exist."), back="/orders/", back_label=_("My orders")
        )
    order = payment.order
    payable = payment.status == Payment.Status.STARTED and order.status == Status.PENDING_PAYMENT
    if request.method == "POST":
        if payable:
            _pay_in_sandbox(request, payment)
        else:
            messages.info(request, _("This payment is already settled: nothing was charged."))
        return redirect(order_url(order.number))
    return render(
        request,
        "storefront/pay/sandbox.html",
        {
            "payment": payment,
            "order": order,
            "payable": payable,
            "currency_symbol": request.tenant.currency_symbol,
        },
    )


def _pay_in_sandbox(request, payment: Payment) -> None:
    store = request.tenant
    try:
        headers, body = provider_for(store, "sandbox").build_notification(
            kind=EventKind.PAYMENT_SUCCEEDED,
            out_trade_no=payment.out_trade_no,
            amount=payment.amount,
            currency=payment.currency,
        )
        payments.handle_notification(store=store, provider_code="sandbox", headers=headers, body=body)
    except DomainError as error:
        messages.error(request, error.message)
        return
    order = _order(request, payment.order.number)
    if order.status == Status.PAID:
        messages.success(request, _("Payment received. Thank you!"))
    else:
        # The order closed while the cashier was open: the payments service sends the money back.
        messages.warning(request, _("This order had closed, so the payment is being refunded."))
