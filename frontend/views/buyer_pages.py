"""What the buyer's shopping pages share (cart, checkout, paying, orders, after-sales): rendering in the
store's look with its currency, the one friendly 404 — another buyer's order, line, request or payment
looks exactly like one that never existed — and the cart of whoever is browsing (a buyer's, or the
browser session's for a guest)."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from shop.services import cart as carts


def render_page(request, template, context, *, tab: str = "account", status: int = 200):
    context.setdefault("tab", tab)
    context.setdefault("currency_symbol", request.tenant.currency_symbol)
    return render(request, template, context, status=status)


def not_found(request, message: str = "", *, back: str = "/orders/", back_label: str = ""):
    return render_page(
        request,
        "storefront/orders/not_found.html",
        {"message": message or _("This page does not exist."), "back": back, "back_label": back_label},
        status=404,
    )


def order_not_found(request):
    return not_found(request, _("This order does not exist."), back="/orders/", back_label=_("My orders"))


def order_url(number: str) -> str:
    return reverse("storefront:order", kwargs={"order_number": number})


def shopper(request):
    """The signed-in buyer, or None for a guest (a staff member's session is not a buyer's)."""
    user = request.user
    return user if user.is_authenticated and user.is_buyer else None


def session_key(request, *, create: bool = False) -> str | None:
    """The browser session a guest's cart belongs to; `create` starts one (its cookie is set with this
    response)."""
    if request.session.session_key is None and create:
        request.session.save()
        request.session.modified = True
    return request.session.session_key


def current_cart(request, *, create: bool = False):
    return carts.cart_for(
        buyer=shopper(request), session_key=session_key(request, create=create), create=create
    )


def with_query(url: str, **params) -> str:
    """`url` (a path of this site) with `params` set in its query string."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += [(k, str(v)) for k, v in params.items() if v not in (None, "")]
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


def form_error_text(form) -> str:
    return " ".join(message for field_messages in form.errors.values() for message in field_messages)
