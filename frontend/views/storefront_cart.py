"""The cart (/cart/): a guest's lives in the browser session and follows them into their account when they
sign in; a buyer's is theirs. Every line is re-priced on every view (shop.selectors.cart): a changed price
is shown until the buyer says "got it", a sold-out or withdrawn line says why and is left out of the total.

Each action is one cart service. An HTMX request gets the cart back (its lines, totals and badge); without
JavaScript the page is reloaded. A line of someone else's cart is "not in your cart", exactly like a
line that never existed."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from frontend.forms import error_text
from frontend.forms_storefront_orders import CartAddForm, CartQuantityForm, CartRemoveForm, CartSelectForm
from frontend.views.access import on_store_host, safe_next
from frontend.views.buyer_pages import (
    current_cart,
    form_error_text,
    not_found,
    render_page,
    session_key,
    shopper,
)
from shop.selectors.cart import cart_size, cart_view
from shop.services import cart as carts
from shop.services.pricing import MAX_QUANTITY
from tenants.errors import DomainError, NotFound

CART = "/cart/"


def _cart_page(request, *, status: int = 200):
    view = cart_view(current_cart(request), buyer=shopper(request))
    context = {"cart": view, "cart_count": view.count, "max_quantity": MAX_QUANTITY}
    template = "storefront/cart/_cart.html" if request.htmx else "storefront/cart/cart.html"
    return render_page(request, template, context, tab="cart", status=status)


@require_GET
def cart(request):
    if not on_store_host(request):
        return redirect("/")
    return _cart_page(request)


@require_POST
def add(request):
    """ "Add to cart" on a product page: the badge comes back, and a cart-added event the page shows as a
    toast. A guest may add: their cart is kept with the browser session."""
    if not on_store_host(request):
        return redirect("/")
    form = CartAddForm(request.POST)
    ok, message = False, form_error_text(form)
    if form.is_valid():
        try:
            carts.add_to_cart(
                buyer=shopper(request),
                session_key=session_key(request, create=True),
                sku_id=form.cleaned_data["sku"],
                quantity=form.cleaned_data["quantity"],
            )
        except DomainError as error:
            message = error_text(error)
        else:
            ok, message = True, _("Added to your cart.")
    if request.htmx:
        count = cart_size(buyer=shopper(request), session_key=request.session.session_key)
        response = render(request, "storefront/cart/_badge.html", {"cart_count": count})
        return trigger_client_event(response, "cart-added", {"ok": ok, "message": message})
    (messages.success if ok else messages.error)(request, message)
    return redirect(safe_next(request, CART))


def _change(request, action, form=None):
    """Run one cart action on the visitor's cart and show the cart again: an HTMX request gets the cart
    fragment (with what went wrong, if anything), a plain one the cart page. A line not in the cart is
    a 404 page without JavaScript, a message in the cart with it."""
    if not on_store_host(request):
        return redirect("/")
    if form is not None and not form.is_valid():
        messages.error(request, form_error_text(form))
    else:
        try:
            cart = current_cart(request)
            if cart is None:
                raise NotFound(_("This line is not in your cart."))
            action(cart, form.cleaned_data if form is not None else {})
        except NotFound as error:
            if not request.htmx:
                return not_found(request, error.message, back=CART, back_label=_("Back to the cart"))
            messages.error(request, error.message)
        except DomainError as error:
            messages.error(request, error_text(error))
    if request.htmx:
        return _cart_page(request)
    return redirect(CART)


@require_POST
def update_line(request, line_id):
    return _change(
        request,
        lambda cart, data: carts.update_cart_line(cart=cart, line_id=line_id, quantity=data["quantity"]),
        CartQuantityForm(request.POST),
    )


@require_POST
def select(request):
    """Tick or untick lines for checkout; the "all" box names no line."""
    return _change(
        request,
        lambda cart, data: carts.select_cart_lines(
            cart=cart, selected=data["selected"], line_ids=data["lines"] or None
        ),
        CartSelectForm(request.POST),
    )


@require_POST
def remove(request):
    return _change(
        request,
        lambda cart, data: carts.remove_cart_lines(cart=cart, line_ids=data["lines"]),
        CartRemoveForm(request.POST),
    )


@require_POST
def confirm_prices(request):
    """The buyer has seen the new prices ("got it")."""
    return _change(request, lambda cart, data: carts.confirm_cart_prices(cart=cart))
