"""Checkout (/checkout/, signed-in buyers): the address, the lines — the cart's ticked lines, or the one
SKU of "buy now" — a note, the totals from the one pricing service, and "place order".

The page carries a fresh idempotency key and the total it showed: placing the same checkout twice (a
double tap, a retried request) lands on the one order, and a total that changed meanwhile (a price, a
sold-out line) is refused by the service and shown again with the new figures and what changed."""

import uuid

from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from frontend.forms import apply_domain_error
from frontend.forms_buyer import AddressForm
from frontend.forms_storefront_orders import CheckoutForm, CheckoutLinesForm
from frontend.views.access import buyer_required
from frontend.views.buyer_pages import render_page, with_query
from shop.selectors import buyers as buyer_selectors
from shop.services import cart as carts
from shop.services import checkout as checkout_service
from tenants.errors import DomainError


@buyer_required
@require_http_methods(["GET", "POST"])
def checkout(request):
    buyer = request.user
    cart_lines = checkout_service.checkout_lines_from_cart(carts.cart_for(buyer=buyer))
    if request.method == "POST":
        form = CheckoutForm(request.POST)
        if form.is_valid():
            try:
                order = checkout_service.place_order(buyer=buyer, data=form.to_input(cart_lines))
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                return redirect("storefront:pay", order_number=order.number)
    else:
        form = CheckoutLinesForm(request.GET)
    return _page(request, form, cart_lines)


def _page(request, form, cart_lines):
    buyer = request.user
    form.is_valid()  # what reads of the form is used below, even when the rest does not
    chosen = form.cleaned_data
    # A "buy now" line that does not read is not replaced by the cart's lines: nothing is shown to buy.
    lines = () if {"sku", "quantity"} & set(form.errors) else form.lines(cart_lines)
    # The address chosen on the page, else the buyer's default (their address book lists it first).
    addresses = list(buyer_selectors.buyer_addresses(buyer))
    address = next(
        (a for a in addresses if a.pk == chosen.get("address")), addresses[0] if addresses else None
    )
    quote, problem = None, ""
    if lines:
        try:
            quote = checkout_service.checkout_quote(buyer=buyer, lines=lines, address=address)
        except DomainError as error:
            problem = error.message
    buy_now = {"sku": chosen.get("sku"), "quantity": chosen.get("quantity")} if chosen.get("sku") else {}
    here = with_query(request.path, **buy_now)
    # A failed attempt keeps its key: no order was made with it, and a second tap must not make two.
    key = request.POST.get("idempotency_key", "") if request.method == "POST" else ""
    context = {
        "form": form,
        "quote": quote,
        "problem": problem,
        "address": address,
        "address_choices": [(a, with_query(here, address=a.pk)) for a in addresses],
        "address_form": AddressForm(),
        "buy_now": buy_now,
        "here": here,
        "idempotency_key": key if 0 < len(key) <= 64 and key.isprintable() else uuid.uuid4().hex,
        "can_place": bool(quote and address and quote.lines and not quote.problems),
    }
    return render_page(request, "storefront/checkout/checkout.html", context, tab="cart")
