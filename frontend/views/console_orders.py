"""The console's order pages (/console/orders/): the list with its filters and status tabs, its CSV export,
an order's page with everything about it (ship, cancel), and bulk shipping from a file. Every member of
the staff looks; the owner, administrators and operations ship and cancel (shop.permissions). The rules
live in shop/services/orders.py and order_files.py; the reads in shop/selectors/orders.py."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontend.forms import apply_domain_error
from frontend.forms_console_orders import BulkShipForm, CancelOrderForm, ShipOrderForm
from frontend.views.access import forbidden, role_required, staff_required
from shop.models import Order
from shop.payments.registry import PROVIDER_LABELS
from shop.permissions import can_handle_orders, can_retry_refunds
from shop.selectors import orders as selectors
from shop.selectors.orders import OrderFilters
from shop.selectors.tracking import shipment_timeline
from shop.services import order_files, refunds
from shop.services import orders as order_services
from shop.tracking.carriers import carrier_name
from tenants.errors import DomainError

PAGE_SIZE = 20
_NOT_ORDER_HANDLER = gettext_lazy(
    "Only the owner, an administrator or operations staff can ship or cancel orders."
)
_BACK = gettext_lazy("Back to the orders")
order_handler_required = role_required(
    can_handle_orders, _NOT_ORDER_HANDLER, back="orders:list", back_label=_BACK
)


def _order_or_404(pk) -> Order:
    try:
        return selectors.console_order(pk=pk)
    except DomainError as error:
        raise Http404(error.message) from error


# --- the list ------------------------------------------------------------------------------------------


@require_GET
@staff_required
def order_list(request):
    filters = OrderFilters.parse(request.GET)
    page = Paginator(filters.orders(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.order_status_counts(filters)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        # (status, label, count) of each tab, "" being all of them
        "tabs": [("", _("All"), counts["all"])]
        + [(value, label, counts[value]) for value, label in Order.Status.choices],
        "sources": Order.Source.choices,
        "payments": list(PROVIDER_LABELS.items()),
    }
    if request.htmx and request.htmx.target == "order-results":
        return render(request, "console/orders/_results.html", context)
    return render(request, "console/orders/list.html", context)


@require_GET
@staff_required
def order_export(request):
    """The orders the list's filters show, as a CSV file."""
    body = order_files.export_orders_csv(OrderFilters.parse(request.GET).orders())
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"orders-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- one order -----------------------------------------------------------------------------------------


def _render_order(request, order: Order, *, ship_form=None, cancel_form=None, notice="", status=200):
    """The order's page; for HTMX the part that an action changes (#order-detail)."""
    context = {
        "order": order,
        "parcels": shipment_timeline(order),
        "activity": selectors.order_activity(order),
        "payment_label": PROVIDER_LABELS.get(order.payment_provider, order.payment_provider),
        "open_after_sales": [a for line in order.lines.all() for a in line.after_sales.all() if a.is_open],
        "ship_form": ship_form or ShipOrderForm(),
        "nothing_to_ship": order.status == Order.Status.PAID and selectors.nothing_left_to_ship(order),
        "cancel_form": cancel_form or CancelOrderForm(),
        "can_handle": can_handle_orders(request.user),
        "can_retry_refunds": can_retry_refunds(request.user),
        "notice": notice,
    }
    template = "console/orders/_detail.html" if request.htmx else "console/orders/detail.html"
    return render(request, template, context, status=status)


@require_GET
@staff_required
def order_detail(request, pk):
    return _render_order(request, _order_or_404(pk))


@require_POST
@order_handler_required
def order_ship(request, pk):
    """Ship with a carrier and tracking number. HTMX swaps the order's part of the page in place, with the
    field messages when the service refused (a swap needs a 200); a plain post redirects or shows them."""
    order = _order_or_404(pk)
    form = ShipOrderForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            shipment = order_services.ship_order(
                order=order,
                actor=request.user,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
            status = error.status_code
        else:
            notice = _("Shipped with %(carrier)s, tracking number %(number)s.") % {
                "carrier": carrier_name(shipment.carrier),
                "number": shipment.tracking_number,
            }
            if not request.htmx:
                messages.success(request, notice)
                return redirect("orders:order", pk=order.pk)
            return _render_order(request, _order_or_404(pk), notice=notice)
    return _render_order(request, order, ship_form=form, status=200 if request.htmx else status)


@require_POST
@order_handler_required
def order_cancel(request, pk):
    """Cancel an unpaid order, with the reason the buyer is shown."""
    order = _order_or_404(pk)
    form = CancelOrderForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            order_services.cancel_order(
                order=order, actor=request.user, role="merchant", reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
            status = error.status_code
        else:
            messages.success(request, _("Order %(number)s is cancelled.") % {"number": order.number})
            return redirect("orders:order", pk=order.pk)
    return _render_order(request, order, cancel_form=form, status=200 if request.htmx else status)


_NOT_REFUNDER = gettext_lazy(
    "Only the owner, an administrator, finance or customer service can send a refund again."
)


@require_POST
@role_required(can_retry_refunds, _NOT_REFUNDER, back="orders:list", back_label=_BACK)
def refund_retry(request, pk, refund_pk):
    """Send a refund the provider refused again (a new refund number), once the merchant has settled why;
    back to the request it is for, or to the order."""
    order = _order_or_404(pk)
    refund = next((refund for refund in order.refunds.all() if refund.pk == refund_pk), None)
    if refund is None:
        raise Http404(_("This refund does not exist."))
    try:
        retried = refunds.retry_refund(actor=request.user, refund=refund)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The refund of %(amount)s is sent again as %(number)s.")
            % {"amount": retried.amount, "number": retried.out_refund_no},
        )
    if refund.after_sale_id:
        return redirect("orders:after_sale", pk=refund.after_sale_id)
    return redirect("orders:order", pk=order.pk)


# --- bulk shipping -------------------------------------------------------------------------------------


def _render_bulk_ship(request, form, *, result=None, status=200):
    context = {
        "form": form,
        "result": result,
        "can_handle": can_handle_orders(request.user),
        "max_rows": order_files.MAX_SHIP_ROWS,
        "to_ship": selectors.order_status_counts(OrderFilters())[Order.Status.PAID],
    }
    return render(request, "console/orders/bulk_ship.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def bulk_ship(request):
    """Upload a file of order numbers, carriers and tracking numbers: the good rows ship, each bad one is
    reported with its line and column."""
    if request.method == "GET":
        return _render_bulk_ship(request, BulkShipForm())
    if not can_handle_orders(request.user):
        return forbidden(request, str(_NOT_ORDER_HANDLER), back="orders:list", back_label=str(_BACK))
    form = BulkShipForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_bulk_ship(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        result = order_files.ship_orders_from_file(actor=request.user, file=upload, filename=upload.name)
    except DomainError as error:
        apply_domain_error(form, error)
        return _render_bulk_ship(request, form, status=400)
    return _render_bulk_ship(request, BulkShipForm(), result=result)


@require_GET
@staff_required
def bulk_ship_template(request):
    """The file to fill in, with a row for each order waiting to ship."""
    numbers = selectors.orders_to_ship(limit=order_files.MAX_SHIP_ROWS)
    response = HttpResponse(
        order_files.bulk_ship_template_csv(numbers), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="ship-{timezone.localdate():%Y%m%d}.csv"'
    return response
