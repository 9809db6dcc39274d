"""The console's after-sales pages (/console/after-sales/): the queue in its tabs, and a request's page
with its line and order, its history and its refund, where it is approved, rejected with a reason, or its
returned parcel received (and restocked). Every member of the staff looks; the owner, administrators and
customer service decide (shop.permissions). The rules live in shop/services/aftersales.py."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from frontend.forms import apply_domain_error
from frontend.forms_console_orders import ReceiveReturnForm, RejectAfterSaleForm
from frontend.views.access import role_required, staff_required
from shop.models import AfterSale
from shop.permissions import can_handle_after_sales, can_retry_refunds
from shop.selectors import orders as selectors
from shop.selectors.orders import AFTER_SALE_QUEUES
from shop.services import aftersales
from tenants.errors import DomainError

PAGE_SIZE = 20
_NOT_HANDLER = gettext_lazy(
    "Only the owner, an administrator or customer service can decide after-sales requests."
)
handler_required = role_required(
    can_handle_after_sales,
    _NOT_HANDLER,
    back="orders:after_sales",
    back_label=gettext_lazy("Back to after-sales"),
)


def _after_sale_or_404(pk) -> AfterSale:
    try:
        return selectors.console_after_sale(pk=pk)
    except DomainError as error:
        raise Http404(error.message) from error


@require_GET
@staff_required
def after_sale_list(request):
    queue = request.GET.get("queue", "open")
    queue = queue if queue in AFTER_SALE_QUEUES else "open"
    page = Paginator(selectors.after_sale_queue(queue=queue), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.after_sale_queue_counts()
    context = {
        "page": page,
        "queue": queue,
        "tabs": [(key, label, counts[key]) for key, label in AFTER_SALE_QUEUES.items()],
    }
    return render(request, "console/aftersales/list.html", context)


def _render_after_sale(request, after_sale, *, reject_form=None, receive_form=None, status=200):
    context = {
        "after_sale": after_sale,
        "line": after_sale.order_line,
        "order": after_sale.order_line.order,
        "reject_form": reject_form or RejectAfterSaleForm(),
        "receive_form": receive_form or ReceiveReturnForm(initial={"restock": True}),
        "can_handle": can_handle_after_sales(request.user),
        "can_retry_refunds": can_retry_refunds(request.user),
    }
    return render(request, "console/aftersales/detail.html", context, status=status)


@require_GET
@staff_required
def after_sale_detail(request, pk):
    return _render_after_sale(request, _after_sale_or_404(pk))


def _done(request, after_sale: AfterSale, message: str):
    messages.success(request, message % {"number": after_sale.number})
    return redirect("orders:after_sale", pk=after_sale.pk)


@require_POST
@handler_required
def after_sale_approve(request, pk):
    """Agree: a refund only is paid back at once; a return waits for the buyer's parcel."""
    after_sale = _after_sale_or_404(pk)
    try:
        aftersales.approve_after_sale(actor=request.user, after_sale=after_sale)
    except DomainError as error:
        messages.error(request, error.message)
        return _render_after_sale(request, _after_sale_or_404(pk), status=error.status_code)
    if after_sale.kind == AfterSale.Kind.REFUND_ONLY:
        return _done(request, after_sale, _("%(number)s is approved: the refund is on its way."))
    return _done(request, after_sale, _("%(number)s is approved: the buyer can send the item back."))


@require_POST
@handler_required
def after_sale_reject(request, pk):
    after_sale = _after_sale_or_404(pk)
    form = RejectAfterSaleForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            aftersales.reject_after_sale(
                actor=request.user, after_sale=after_sale, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
            status = error.status_code
        else:
            return _done(request, after_sale, _("%(number)s is rejected; the buyer is told why."))
    return _render_after_sale(request, after_sale, reject_form=form, status=status)


@require_POST
@handler_required
def after_sale_receive(request, pk):
    """The returned parcel arrived: the refund goes out, and the units go back to stock when ticked."""
    after_sale = _after_sale_or_404(pk)
    form = ReceiveReturnForm(request.POST)
    form.is_valid()  # a checkbox: anything but "on" is unticked
    try:
        aftersales.receive_return(
            actor=request.user, after_sale=after_sale, restock=form.cleaned_data.get("restock", False)
        )
    except DomainError as error:
        apply_domain_error(form, error)
        return _render_after_sale(request, after_sale, receive_form=form, status=error.status_code)
    return _done(request, after_sale, _("%(number)s is received: the refund is on its way."))
