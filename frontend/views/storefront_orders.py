"""The buyer's orders (/orders/): the status tabs the big malls have (to pay, to ship, to receive...) with
their counts, "load more"; an order's page with what to do next (pay before the deadline, cancel, confirm
receipt, ask for a refund per line), its lines with what was paid and refunded, the address, the amounts,
its history and each parcel's tracking. Another buyer's order number is a 404 exactly like an unknown one."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from frontend.forms import error_text
from frontend.forms_storefront_orders import CancelOrderForm
from frontend.views.access import buyer_required
from frontend.views.buyer_pages import form_error_text, order_not_found, order_url, render_page
from shop.models import AfterSale, OrderEvent, OrderLine
from shop.selectors import orders as selectors
from shop.selectors.tracking import shipment_timeline
from shop.services import aftersales
from shop.services import orders as order_services
from shop.tracking.carriers import carrier_name
from tenants.errors import DomainError, NotFound

PAGE_SIZE = 10


@buyer_required
@require_GET
def order_list(request):
    tab = request.GET.get("tab", "all")
    tab = tab if tab in selectors.BUYER_TABS else "all"
    page = Paginator(selectors.buyer_orders(buyer=request.user, tab=tab), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "orders": page.object_list, "tab_name": tab}
    if request.htmx and request.GET.get("page"):
        return render_page(request, "storefront/orders/_order_cards.html", context)
    counts = selectors.buyer_order_counts(buyer=request.user)
    context["tabs"] = [(key, label, counts.get(key, 0)) for key, label in selectors.BUYER_TABS.items()]
    return render_page(request, "storefront/orders/list.html", context)


@dataclass(frozen=True)
class LineView:
    """An order line as its order's page shows it, with its after-sales: the open request (if any), the
    newest one, and whether a request can be made now."""

    line: OrderLine
    open_request: AfterSale | None
    last_request: AfterSale | None
    can_request: bool


@dataclass(frozen=True)
class TimelineEntry:
    event: OrderEvent
    detail: str


def _timeline_detail(event: OrderEvent, symbol: str) -> str:
    """What the history says beside the event's name: the amount of a payment or a refund, the carrier and
    tracking number of a parcel, or the event's own words."""
    if event.kind in (OrderEvent.Kind.PAID, OrderEvent.Kind.REFUNDED) and event.message:
        return f"{symbol}{event.message}"
    if event.kind == OrderEvent.Kind.SHIPPED and event.data.get("tracking_number"):
        return f"{carrier_name(event.data.get('carrier', ''))} {event.data['tracking_number']}"
    return event.message


@buyer_required
@require_GET
def order_detail(request, order_number):
    try:
        order = selectors.buyer_order(buyer=request.user, number=order_number)
    except NotFound:
        return order_not_found(request)
    takes_requests = aftersales.takes_after_sales(order)
    lines = []
    for line in order.lines.all():
        requests = list(line.after_sales.all())
        open_request = next((r for r in requests if r.is_open), None)
        lines.append(
            LineView(
                line=line,
                open_request=open_request,
                last_request=requests[0] if requests else None,
                can_request=takes_requests and open_request is None and line.refundable_amount > 0,
            )
        )
    symbol = request.tenant.currency_symbol
    context = {
        "order": order,
        "lines": lines,
        "parcels": shipment_timeline(order),
        "timeline": [TimelineEntry(e, _timeline_detail(e, symbol)) for e in reversed(order.events.all())],
        "cancel_form": CancelOrderForm(),
        "item_count": sum(line.quantity for line in order.lines.all()),
    }
    return render_page(request, "storefront/orders/detail.html", context)


def _act(request, order_number, action, done: str, form=None):
    """One action of the buyer on their order, then back to its page saying how it went."""
    try:
        order = selectors.buyer_order(buyer=request.user, number=order_number, detail=False)
    except NotFound:
        return order_not_found(request)
    if form is not None and not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect(order_url(order.number))
    try:
        action(order)
    except NotFound:
        return order_not_found(request)
    except DomainError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done)
    return redirect(order_url(order.number))


@buyer_required
@require_POST
def cancel(request, order_number):
    form = CancelOrderForm(request.POST)
    return _act(
        request,
        order_number,
        lambda order: order_services.cancel_order(
            order=order, actor=request.user, role="buyer", reason=form.cleaned_data["reason"]
        ),
        _("The order is cancelled."),
        form,
    )


@buyer_required
@require_POST
def confirm_receipt(request, order_number):
    return _act(
        request,
        order_number,
        lambda order: order_services.confirm_receipt(order=order, buyer=request.user),
        _("Thank you! The order is complete."),
    )
