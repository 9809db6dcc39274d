"""After-sales (售后) for the buyer: asking for a refund — or to return an item for one — per order line, the
list of their requests, and a request's page with its progress, its refund, "withdraw" while it can be
taken back and, once a return is agreed, the form for the parcel sent back. Each action is one service of
shop.services.aftersales; what it refuses lands on the field at fault."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontend.forms import apply_domain_error, error_text
from frontend.forms_storefront_orders import AfterSaleForm, ReturnShipmentForm
from frontend.views.access import buyer_required
from frontend.views.buyer_pages import not_found, render_page
from shop.models import AfterSale
from shop.selectors import orders as selectors
from shop.services import aftersales
from shop.tracking.carriers import carrier_name
from tenants.errors import DomainError, NotFound

PAGE_SIZE = 10


def _request_page(number: str) -> str:
    return reverse("storefront:after_sale", kwargs={"after_sale_number": number})


def _no_request(request):
    return not_found(
        request,
        _("This after-sales request does not exist."),
        back="/after-sales/",
        back_label=_("My after-sales"),
    )


@buyer_required
@require_http_methods(["GET", "POST"])
def request_form(request, order_number, line_id):
    try:
        order = selectors.buyer_order(buyer=request.user, number=order_number)
    except NotFound:
        return not_found(request, _("This item is not in your orders."))
    line = next((line for line in order.lines.all() if line.pk == line_id), None)
    if line is None:
        return not_found(request, _("This item is not in your orders."))
    open_request = next((r for r in line.after_sales.all() if r.is_open), None)
    if open_request is not None:
        messages.info(request, _("This item already has an open request."))
        return redirect(_request_page(open_request.number))
    form = AfterSaleForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": AfterSale.Kind.REFUND_ONLY, "amount": line.refundable_amount},
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = aftersales.request_after_sale(buyer=request.user, data=form.to_input(line_id=line.pk))
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your request is with the merchant. We will tell you their answer."))
            return redirect(_request_page(made.number))
    try:
        aftersales.require_after_sales_open(order, kind=AfterSale.Kind.REFUND_ONLY)
    except DomainError as error:
        closed = error_text(error)
    else:
        closed = ""
    context = {
        "order": order,
        "line": line,
        "form": form,
        "closed": closed,
        "takes_returns": aftersales.takes_after_sales(order, kind=AfterSale.Kind.RETURN_AND_REFUND),
    }
    return render_page(request, "storefront/aftersales/form.html", context)


@buyer_required
@require_GET
def request_list(request):
    page = Paginator(selectors.buyer_after_sales(buyer=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "requests": page.object_list}
    if request.htmx and request.GET.get("page"):
        return render_page(request, "storefront/aftersales/_cards.html", context)
    return render_page(request, "storefront/aftersales/list.html", context)


def _detail(request, after_sale, return_form=None, status=200):
    context = {
        "after_sale": after_sale,
        "line": after_sale.order_line,
        "order": after_sale.order_line.order,
        "events": list(reversed(after_sale.events.all())),
        "refunds": list(after_sale.refunds.all()),
        "return_form": return_form or ReturnShipmentForm(),
        "return_carrier": carrier_name(after_sale.return_carrier) if after_sale.return_carrier else "",
    }
    return render_page(request, "storefront/aftersales/detail.html", context, status=status)


@buyer_required
@require_GET
def request_detail(request, after_sale_number):
    try:
        after_sale = selectors.buyer_after_sale(buyer=request.user, number=after_sale_number)
    except NotFound:
        return _no_request(request)
    return _detail(request, after_sale)


@buyer_required
@require_POST
def withdraw(request, after_sale_number):
    try:
        after_sale = selectors.buyer_after_sale(buyer=request.user, number=after_sale_number)
        aftersales.withdraw_after_sale(buyer=request.user, after_sale=after_sale.pk)
    except NotFound:
        return _no_request(request)
    except DomainError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect(_request_page(after_sale.number))


@buyer_required
@require_POST
def ship_return(request, after_sale_number):
    """The buyer sent the item back: its carrier and tracking number."""
    try:
        after_sale = selectors.buyer_after_sale(buyer=request.user, number=after_sale_number)
    except NotFound:
        return _no_request(request)
    form = ReturnShipmentForm(request.POST)
    if form.is_valid():
        try:
            aftersales.ship_return(
                buyer=request.user,
                after_sale=after_sale.pk,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except NotFound:
            return _no_request(request)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Thank you. The merchant refunds you once the parcel arrives."))
            return redirect(_request_page(after_sale.number))
    return _detail(request, after_sale, return_form=form)
