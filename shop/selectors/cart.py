"""The cart as a buyer sees it, with prices and stock checked again on every view: a line whose price
changed since it was added says so (never silently charged), a sold-out or withdrawn line says why and is
left out of the totals. Query count is the same for 1 or 100 lines."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from shop.models import Cart, CartLine
from shop.services.pricing import PricedLine, Quote, price_line, quote


@dataclass
class CartLineView:
    line: CartLine
    priced: PricedLine

    @property
    def sku(self):
        return self.line.sku

    @property
    def product(self):
        return self.line.sku.product

    @property
    def price_changed(self) -> bool:
        return self.line.price_seen != self.line.sku.price

    @property
    def price_seen(self) -> Decimal:
        return self.line.price_seen


@dataclass
class CartView:
    cart: Cart | None
    lines: list[CartLineView]
    quote: Quote

    @property
    def count(self) -> int:
        return sum(view.line.quantity for view in self.lines)

    @property
    def selected(self) -> list[CartLineView]:
        return [view for view in self.lines if view.line.selected]

    @property
    def price_changes(self) -> list[CartLineView]:
        return [view for view in self.lines if view.price_changed]

    @property
    def can_check_out(self) -> bool:
        chosen = self.selected
        return bool(chosen) and all(view.priced.available for view in chosen)


def cart_lines(cart: Cart | None) -> list[CartLine]:
    if cart is None:
        return []
    return list(
        CartLine.objects.filter(cart=cart)
        .select_related("sku__product__main_image")
        .order_by("-added_at", "-id")
    )


def cart_view(cart: Cart | None, *, buyer=None, province_code: str | None = None) -> CartView:
    lines = cart_lines(cart)
    # Totals count only the ticked lines that can be bought.
    selected = quote(
        lines=[(line.sku, line.quantity) for line in lines if line.selected],
        province_code=province_code,
        buyer=buyer,
    )
    return CartView(
        cart=cart,
        lines=[CartLineView(line=line, priced=price_line(line.sku, line.quantity)) for line in lines],
        quote=selected,
    )


def cart_size(*, buyer=None, session_key: str | None = None) -> int:
    """How many items the cart holds (the badge on every storefront page): one query, none at all for a
    guest without a session yet."""
    if buyer is not None and buyer.is_authenticated:
        lines = CartLine.objects.filter(cart__buyer=buyer)
    elif session_key:
        lines = CartLine.objects.filter(cart__session_key=session_key, cart__buyer=None)
    else:
        return 0
    return lines.aggregate(n=Sum("quantity"))["n"] or 0
