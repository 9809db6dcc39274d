"""Checkout: what the buyer is about to pay (`checkout_quote`), and placing the order (`place_order`):
stock reserved through inventory in the same transaction, each line's paid share recorded, the ordered
lines taken out of the cart. Placing is idempotent on the client's key: a double click or a retried
request makes one order and answers with it."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop import events
from shop.models import SKU, CartLine, Order, OrderEvent, OrderLine, ShopSettings
from shop.services import inventory
from shop.services.numbers import create_numbered
from shop.services.pricing import MAX_QUANTITY, Quote, quote
from tenants.errors import Conflict, ErrorCode, InvalidInput, NotAllowed, NotFound
from tenants.inputs import ID_MAX, parse_int
from tenants.money import MoneyError, parse_amount

MAX_LINES = 50
MAX_NOTE = 200


@dataclass(frozen=True)
class CheckoutInput:
    """What "place order" takes, from the checkout page or the API alike.

    lines: ((sku_id, quantity), ...); address_id: one of the buyer's addresses; idempotency_key: any
    string up to 64 characters the client keeps for this checkout (the page renders a fresh one);
    expected_payable: the total the buyer was shown (a changed total is refused, never charged)."""

    lines: tuple[tuple[int, int], ...]
    address_id: int | str | None
    idempotency_key: str
    buyer_note: str = ""
    source: str = Order.Source.STOREFRONT
    expected_payable: Decimal | str | None = None
    from_cart: bool = False


def _positive(value, *, key: str, message: str, maximum: int = ID_MAX) -> int:
    """A whole number from 1 through the input layer, refused with this service's own message."""
    try:
        return parse_int(value, field=key, minimum=1, maximum=maximum)
    except InvalidInput:
        raise InvalidInput({key: [message]}) from None


def _lines(raw) -> list[tuple[int, int]]:
    if not raw:
        raise InvalidInput({"lines": [_("Choose something to buy first.")]})
    if len(raw) > MAX_LINES:
        raise InvalidInput({"lines": [_("At most %(n)s different items in one order.") % {"n": MAX_LINES}]})
    quantities: dict[int, int] = {}
    for index, line in enumerate(raw):
        try:
            sku_id, quantity = line
        except (TypeError, ValueError):
            raise InvalidInput({f"lines.{index}": [_("Each line is an item and a quantity.")]}) from None
        sku_id = _positive(sku_id, key=f"lines.{index}.sku", message=_("Choose an option of the product."))
        quantity = _positive(
            quantity,
            key=f"lines.{index}.quantity",
            message=_("The quantity is a whole number from 1 to %(n)s.") % {"n": MAX_QUANTITY},
            maximum=MAX_QUANTITY,
        )
        quantities[sku_id] = quantities.get(sku_id, 0) + quantity
        if quantities[sku_id] > MAX_QUANTITY:
            # The same item on several lines adds up; past the most of one item it is refused, never cut.
            raise InvalidInput(
                {f"lines.{index}.quantity": [_("At most %(n)s of one item.") % {"n": MAX_QUANTITY}]}
            )
    return sorted(quantities.items())


def _skus(lines: list[tuple[int, int]]) -> list[tuple[SKU, int]]:
    """The SKUs with their products and main pictures (one query); NotFound when any is unknown — which
    is also what another store's SKU id looks like here."""
    found = {
        sku.pk: sku
        for sku in SKU.all_objects.select_related("product__main_image").filter(
            pk__in=[pk for pk, _q in lines]
        )
    }
    if len(found) != len(lines):
        raise NotFound(_("An item in your order no longer exists."), code=ErrorCode.SKU_NOT_FOUND)
    return [(found[pk], quantity) for pk, quantity in lines]


def buyer_address(*, buyer, address_id):
    """One of the buyer's own addresses; NotFound for any other id (deleted, or someone else's)."""
    from shop.models import Address

    address_id = _positive(address_id, key="address", message=_("Choose a shipping address."))
    address = Address.objects.filter(buyer=buyer, pk=address_id).first()
    if address is None:
        raise NotFound(_("This address no longer exists. Choose another one."))
    return address


def checkout_lines_from_cart(cart) -> tuple[tuple[int, int], ...]:
    """The ticked lines of a cart, as CheckoutInput.lines."""
    if cart is None:
        return ()
    return tuple(
        CartLine.objects.filter(cart=cart, selected=True).values_list("sku_id", "quantity").order_by("id")
    )


def checkout_quote(*, buyer, lines, address=None) -> Quote:
    """What the checkout page shows: the lines priced now, discounts, shipping to the address's province."""
    return quote(
        lines=_skus(_lines(lines)), province_code=address.province_code if address else None, buyer=buyer
    )


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    # False when the idempotency key had placed this order already (a retry or a double click).
    created: bool


def place_order(*, buyer, data: CheckoutInput) -> Order:
    """Place the order: all or nothing. Refuses (clear messages, nothing changed) lines that cannot be
    bought, an address that is not the buyer's, a total that changed since the buyer saw it, stock that
    ran out. The same idempotency key again returns the first order."""
    return place_or_find_order(buyer=buyer, data=data).order


def place_or_find_order(*, buyer, data: CheckoutInput) -> PlacedOrder:
    """`place_order`, saying whether this call placed the order or found the one its key placed (the API
    answers 201 for a new order, 200 for a retry)."""
    key = (data.idempotency_key or "").strip()
    if not key or len(key) > 64 or not key.isprintable():
        raise InvalidInput({"idempotency_key": [_("Reload the checkout page and try again.")]})
    existing = Order.objects.filter(buyer=buyer, idempotency_key=key).first()
    if existing is not None:
        return PlacedOrder(_same_order(existing, data), created=False)
    try:
        with transaction.atomic():
            return PlacedOrder(_place(buyer, data, key), created=True)
    except IntegrityError:
        # A concurrent request with the same key got there first (the unique index made this one wait
        # for it): answer with its order. Any other integrity error is not ours to hide.
        existing = Order.objects.filter(buyer=buyer, idempotency_key=key).first()
        if existing is None:
            raise
        return PlacedOrder(_same_order(existing, data), created=False)


def _same_order(existing: Order, data: CheckoutInput) -> Order:
    """The order a key placed, for a retry of the same request. The same key with other lines is another
    order, not a retry: refused rather than answered with the first (a cart's lines are gone once it
    placed its order, so a retry from the cart is taken as the same)."""
    if not data.from_cart and data.lines:
        asked = dict(_lines(data.lines))
        placed: dict[int, int] = {}
        for sku_id, quantity in existing.lines.values_list("sku_id", "quantity"):
            placed[sku_id] = placed.get(sku_id, 0) + quantity
        if asked != placed:
            raise Conflict(
                _("This checkout was used for another order already. Reload the page and order again."),
                code=ErrorCode.CONFLICT,
            )
    return existing


def require_taking_orders() -> None:
    """A store whose plan lapsed stays visible but takes no orders (buyers are not told why: that is the
    merchant's business)."""
    if getattr(connection.tenant, "billing_lock", ""):
        raise NotAllowed(
            _("This store is not taking orders at the moment. Please come back later."),
            code=ErrorCode.STORE_READ_ONLY,
        )


def _place(buyer, data: CheckoutInput, key: str) -> Order:
    require_taking_orders()
    if not buyer.is_active or buyer.role != buyer.Role.CUSTOMER:
        raise InvalidInput({"buyer": [_("Sign in with a customer account to buy.")]})
    if data.source not in Order.Source.values:
        raise InvalidInput({"source": [_("Unknown order source.")]})
    note = (data.buyer_note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput({"buyer_note": [_("A note has at most %(n)s characters.") % {"n": MAX_NOTE}]})
    lines = _lines(data.lines)
    address = buyer_address(buyer=buyer, address_id=data.address_id)
    priced = quote(lines=_skus(lines), province_code=address.province_code, buyer=buyer)
    if priced.problems:
        raise Conflict(
            "; ".join(f"{line.sku}: {line.problem}" for line in priced.problems),
            code=priced.problems[0].problem_code,
        )
    if data.expected_payable not in (None, ""):
        try:
            expected = parse_amount(data.expected_payable)
        except MoneyError:
            raise InvalidInput({"expected_payable": [_("Reload the checkout page and try again.")]}) from None
        if expected != priced.payable:
            raise Conflict(
                _(
                    "Prices changed since you opened this page: the total is now %(total)s. "
                    "Check it and order again."
                )
                % {"total": priced.payable},
                code=ErrorCode.PRICE_CHANGED,
            )
    settings = ShopSettings.load()
    now = timezone.now()
    snapshot = address.snapshot()
    # The order row first: a concurrent duplicate waits here on the unique key, before taking stock.
    order = create_numbered(
        Order,
        buyer=buyer,
        source=data.source,
        items_total=priced.items_total,
        discount_total=priced.discount_total,
        shipping_fee=priced.shipping_fee,
        payable=priced.payable,
        shipping_address=snapshot,
        contact_phone=snapshot.get("phone", ""),
        province_code=snapshot.get("province_code", ""),
        buyer_note=note,
        idempotency_key=key,
        placed_at=now,
        pay_deadline=now + timedelta(minutes=settings.unpaid_timeout_minutes),
    )
    inventory.reserve_stock(lines, reference=order.number)
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                sku=line.sku,
                product=line.sku.product,
                title=line.sku.product.title,
                spec_label=line.sku.spec_key,
                image_url=_picture(line.sku.product),
                unit_price=line.unit_price,
                unit_cost=line.sku.cost_price,
                quantity=line.quantity,
                line_total=line.line_total,
                discount_share=line.discount_share,
                paid_amount=line.paid_amount,
            )
            for line in priced.lines
        ]
    )
    OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.PLACED, actor=buyer, actor_role="buyer")
    if data.from_cart:
        CartLine.objects.filter(cart__buyer=buyer, sku_id__in=[pk for pk, _q in lines]).delete()
    events.send_on_commit(events.order_placed, order_id=order.pk, buyer_id=buyer.pk, payable=order.payable)
    return order


def _picture(product) -> str:
    image = product.main_image
    if image is None:
        return ""
    field = image.thumbnail or image.image
    return field.url if field else ""
