"""The console's shipping rules page (/console/settings/shipping/): the flat fee, free shipping from an
amount, a fee of its own for some provinces (rows added and removed in place), and the order timings
(unpaid timeout, auto-complete, after-sales window). One form builds the service's ShippingRulesInput;
the owner, administrators and operations change it, the others look."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from frontend.forms_console_orders import (
    REGION_PREFIX,
    RegionRow,
    ShippingRulesEditor,
    next_region_number,
    region_row_choices,
)
from frontend.views.access import forbidden, staff_required
from shop.models import RegionShippingFee, ShopSettings
from shop.permissions import can_change_shipping_rules
from shop.services.shipping_rules import update_shipping_rules
from tenants.errors import DomainError

_LOOK_ONLY = gettext_lazy(
    "Only the owner, an administrator or operations staff can change the shipping rules."
)


def _render(request, editor: ShippingRulesEditor, *, status=200):
    context = {
        "editor": editor,
        "form": editor.form,
        "provinces": region_row_choices(),
        "prefix": REGION_PREFIX,
        "can_edit": can_change_shipping_rules(request.user),
    }
    return render(request, "console/shipping_rules.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def shipping_rules(request):
    if request.method == "GET":
        regions = RegionShippingFee.objects.order_by("province_code")
        return _render(request, ShippingRulesEditor.from_settings(ShopSettings.load(), regions))
    if not can_change_shipping_rules(request.user):
        return forbidden(
            request, str(_LOOK_ONLY), back="orders:shipping_rules", back_label=_("Back to the shipping rules")
        )
    editor = ShippingRulesEditor.from_post(request.POST)
    if editor.is_valid():
        try:
            update_shipping_rules(actor=request.user, data=editor.to_input())
        except DomainError as error:
            editor.apply(error)
        else:
            messages.success(request, _("The shipping rules are saved."))
            return redirect("orders:shipping_rules")
    messages.error(request, _("Please correct the fields marked below."))
    return _render(request, editor, status=400)


@require_GET
@staff_required
def shipping_rule_row(request):
    """HTMX: one more empty province row, numbered after the rows the page sent along."""
    context = {
        "row": RegionRow(),
        "number": next_region_number(request.GET),
        "provinces": region_row_choices(),
        "prefix": REGION_PREFIX,
        "can_edit": can_change_shipping_rules(request.user),
    }
    return render(request, "console/_region_row.html", context)
