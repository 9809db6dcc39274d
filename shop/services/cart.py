"""The shopping cart: add, change quantity or SKU, remove, select lines, confirm changed prices, and
merge a guest's cart into the buyer's on sign-in. A cart belongs to a signed-in buyer, or to a browser
session for a guest: the faces pass whichever they have, and a buyer only ever reaches their own lines
(every line is looked up within the caller's cart)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shop.models import SKU, Cart, CartLine
from shop.services.pricing import MAX_QUANTITY, line_refusal
from tenants.errors import InvalidInput, NotFound
from tenants.inputs import ID_MAX, parse_int

MAX_LINES = 100


def _int(value, *, key: str, message: str, minimum: int = 1, maximum: int = ID_MAX) -> int:
    """A whole number through the input layer, refused with this service's own message."""
    try:
        return parse_int(value, field=key, minimum=minimum, maximum=maximum)
    except InvalidInput:
        raise InvalidInput({key: [message]}) from None


def _quantity(value) -> int:
    return _int(
        value,
        key="quantity",
        message=_("The quantity is a whole number from 1 to %(n)s.") % {"n": MAX_QUANTITY},
        maximum=MAX_QUANTITY,
    )


def cart_for(*, buyer=None, session_key: str | None = None, create: bool = False) -> Cart | None:
    """The signed-in buyer's cart, else the session's guest cart (made when `create`)."""
    if buyer is not None and buyer.is_authenticated:
        if create:
            try:
                with transaction.atomic():
                    return Cart.objects.get_or_create(buyer=buyer)[0]
            except IntegrityError:  # made by a concurrent request of the same buyer
                return Cart.objects.get(buyer=buyer)
        return Cart.objects.filter(buyer=buyer).first()
    if not session_key:
        if create:
            raise InvalidInput(
                {"cart": [_("Your browser did not keep the cart: allow cookies and try again.")]}
            )
        return None
    if create:
        try:
            with transaction.atomic():
                return Cart.objects.get_or_create(session_key=session_key, buyer=None)[0]
        except IntegrityError:
            return Cart.objects.get(session_key=session_key)
    return Cart.objects.filter(session_key=session_key, buyer=None).first()


def _sellable_sku(sku_id) -> SKU:
    sku_id = _int(sku_id, key="sku", message=_("Choose an option of the product."))
    sku = SKU.objects.select_related("product").filter(pk=sku_id).first()
    if sku is None or sku.product.archived_at is not None:
        raise NotFound(_("This item no longer exists."))
    return sku


def _check(sku: SKU, quantity: int) -> None:
    problem, code = line_refusal(sku, quantity)
    if problem:
        raise InvalidInput({"quantity": [problem]}, code=code)


def _line(cart: Cart, line_id) -> CartLine:
    line_id = _int(line_id, key="line", message=_("This line is not in your cart."))
    line = CartLine.objects.select_related("sku__product").filter(cart=cart, pk=line_id).first()
    if line is None:
        raise NotFound(_("This line is not in your cart."))
    return line


@transaction.atomic
def add_to_cart(*, buyer=None, session_key: str | None = None, sku_id, quantity) -> CartLine:
    """Put `quantity` of a SKU in the cart (adding to a line already there). Refused when the product is
    not on sale or fewer are left than the line would hold."""
    quantity = _quantity(quantity)
    sku = _sellable_sku(sku_id)
    cart = cart_for(buyer=buyer, session_key=session_key, create=True)
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    line = CartLine.objects.filter(cart=cart, sku=sku).first()
    total = quantity + (line.quantity if line else 0)
    if total > MAX_QUANTITY:
        raise InvalidInput({"quantity": [_("At most %(n)s of one item.") % {"n": MAX_QUANTITY}]})
    _check(sku, total)
    if line is None:
        if CartLine.objects.filter(cart=cart).count() >= MAX_LINES:
            raise InvalidInput(
                {"cart": [_("Your cart is full (%(n)s items). Check out or remove some.") % {"n": MAX_LINES}]}
            )
        line = CartLine.objects.create(cart=cart, sku=sku, quantity=total, price_seen=sku.price)
    else:
        line.quantity, line.price_seen, line.selected = total, sku.price, True
        line.save(update_fields=["quantity", "price_seen", "selected"])
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def update_cart_line(*, cart: Cart, line_id, quantity=None, sku_id=None) -> CartLine:
    """Change a line's quantity, or switch it to another SKU of the same product (merging into that
    SKU's line when there is one)."""
    line = _line(cart, line_id)
    if sku_id is not None:
        sku = _sellable_sku(sku_id)
        if sku.product_id != line.sku.product_id:
            raise InvalidInput({"sku": [_("Choose an option of the same product.")]})
        quantity = _quantity(quantity) if quantity is not None else line.quantity
        other = CartLine.objects.filter(cart=cart, sku=sku).exclude(pk=line.pk).first()
        if other is not None:
            quantity += other.quantity
            if quantity > MAX_QUANTITY:
                # Never cut down silently: the buyer decides which quantity they want.
                raise InvalidInput({"quantity": [_("At most %(n)s of one item.") % {"n": MAX_QUANTITY}]})
            other.delete()
        _check(sku, quantity)
        line.sku, line.quantity, line.price_seen = sku, quantity, sku.price
        line.save(update_fields=["sku", "quantity", "price_seen"])
        return line
    quantity = _quantity(quantity)
    _check(line.sku, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


def _line_ids(line_ids) -> list[int]:
    return [_int(pk, key="lines", message=_("Choose lines of your cart.")) for pk in line_ids or ()]


@transaction.atomic
def remove_cart_lines(*, cart: Cart, line_ids) -> int:
    return CartLine.objects.filter(cart=cart, pk__in=_line_ids(line_ids)).delete()[0]


@transaction.atomic
def select_cart_lines(*, cart: Cart, selected: bool, line_ids=None) -> int:
    """Tick (or untick) lines for checkout; every line when `line_ids` is None."""
    lines = CartLine.objects.filter(cart=cart)
    if line_ids is not None:
        lines = lines.filter(pk__in=_line_ids(line_ids))
    return lines.update(selected=bool(selected))


@transaction.atomic
def confirm_cart_prices(*, cart: Cart) -> int:
    """The buyer has seen the prices as they are now: lines stop showing a price change."""
    changed = 0
    for line in CartLine.objects.select_related("sku").filter(cart=cart):
        if line.price_seen != line.sku.price:
            line.price_seen = line.sku.price
            line.save(update_fields=["price_seen"])
            changed += 1
    return changed


@transaction.atomic
def merge_guest_cart(*, session_key: str, buyer) -> int:
    """Move a guest cart's lines into the buyer's cart on sign-in (quantities of the same SKU added,
    capped at what is left and at the per-line maximum). Returns the lines merged."""
    guest = Cart.objects.select_for_update().filter(session_key=session_key, buyer=None).first()
    if guest is None:
        return 0
    cart = cart_for(buyer=buyer, create=True)
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    mine = {line.sku_id: line for line in CartLine.objects.filter(cart=cart)}
    merged = 0
    for line in CartLine.objects.select_related("sku").filter(cart=guest):
        existing = mine.get(line.sku_id)
        if existing is None:
            line.cart = cart
            line.save(update_fields=["cart"])
        else:
            existing.quantity = min(
                existing.quantity + line.quantity, MAX_QUANTITY, max(line.sku.stock, existing.quantity)
            )
            existing.save(update_fields=["quantity"])
        merged += 1
    guest.delete()
    return merged
