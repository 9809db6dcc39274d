"""Shapes of the buyer's cart and checkout. The cart is rendered as shop.selectors.cart sees it — prices and
stock checked again on every read, a changed price or a line that cannot be bought says so — and totals
come from the one pricing service (shop.services.pricing.Quote)."""

from rest_framework import serializers

from api.fields import BooleanField, CharField, IdField, InputSerializer, IntegerField, MoneyField
from shop.models import Order
from shop.services.checkout import MAX_LINES, MAX_NOTE, CheckoutInput
from shop.services.pricing import MAX_QUANTITY

# Where an order placed over the API comes from (the storefront's pages place their own).
CHECKOUT_SOURCES = [Order.Source.API, Order.Source.MINI_PROGRAM]


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class DiscountSerializer(serializers.Serializer):
    label = serializers.CharField()
    amount = _money()


class PricedLineSerializer(serializers.Serializer):
    sku = serializers.IntegerField(source="sku.pk")
    quantity = serializers.IntegerField()
    unit_price = _money()
    line_total = _money()
    discount_share = _money(help_text="The line's share of the order's discounts")
    paid_amount = _money(help_text="What the buyer pays for the line: line_total - discount_share")
    problem = serializers.CharField(
        help_text='Why it cannot be bought as asked ("Sold out"); empty when it can'
    )


class QuoteSerializer(serializers.Serializer):
    """What the lines cost now. Lines with a problem are priced but left out of the totals."""

    lines = PricedLineSerializer(many=True)
    items_total = _money()
    discounts = DiscountSerializer(many=True)
    discount_total = _money()
    shipping_fee = _money()
    payable = _money(help_text="items_total - discount_total + shipping_fee")
    free_shipping_over = _money(allow_null=True, help_text="Free shipping from this amount; null: never")


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="line.pk")
    sku = serializers.IntegerField(source="sku.pk")
    product = serializers.IntegerField(source="product.pk")
    title = serializers.CharField(source="product.title")
    spec_label = serializers.CharField(source="sku.spec_key")
    thumbnail = serializers.SerializerMethodField()
    quantity = serializers.IntegerField(source="line.quantity")
    selected = BooleanField(source="line.selected", help_text="Ticked for checkout")
    unit_price = _money(source="priced.unit_price", help_text="The price now")
    price_seen = _money(help_text="The price when the line was added or its prices last confirmed")
    price_changed = BooleanField()
    line_total = _money(source="priced.line_total")
    problem = serializers.CharField(source="priced.problem", help_text="Why it cannot be bought now")
    added_at = serializers.DateTimeField(source="line.added_at")

    def get_thumbnail(self, view) -> str | None:
        image = view.product.main_image
        picture = image and (image.thumbnail or image.image)
        return picture.url if picture else None


class CartSerializer(serializers.Serializer):
    lines = CartLineSerializer(many=True, help_text="Newest first")
    count = serializers.IntegerField(help_text="Units in the cart")
    has_price_changes = serializers.SerializerMethodField(
        help_text="Some prices changed since the buyer saw them (confirm-prices/ to accept)"
    )
    can_check_out = BooleanField(help_text="Lines are ticked and all of them can be bought")
    quote = QuoteSerializer(help_text="The ticked lines that can be bought, shipping by the flat rule")

    def get_has_price_changes(self, view) -> bool:
        return bool(view.price_changes)


# --- input ---------------------------------------------------------------------------------------------


class CartAddSerializer(InputSerializer):
    sku = IdField(help_text="The SKU (a product's `skus[].id`)")
    quantity = IntegerField(min_value=1, max_value=MAX_QUANTITY, required=False, default=1)


class CartLineChangeSerializer(InputSerializer):
    """Either or both: a new quantity, another SKU of the same product."""

    quantity = IntegerField(min_value=1, max_value=MAX_QUANTITY, required=False)
    sku = IdField(required=False)


class CartSelectSerializer(InputSerializer):
    selected = BooleanField()
    lines = serializers.ListField(
        child=IdField(),
        required=False,
        max_length=1000,
        help_text="Cart line ids; left out, every line",
    )


class CheckoutLineSerializer(InputSerializer):
    sku = IdField()
    quantity = IntegerField(min_value=1, max_value=MAX_QUANTITY)


class CheckoutQuoteSerializer(InputSerializer):
    lines = serializers.ListField(
        child=CheckoutLineSerializer(),
        required=False,
        max_length=MAX_LINES,
        help_text="What to buy; left out with `from_cart`, the cart's ticked lines",
    )
    from_cart = BooleanField(
        required=False, default=False, help_text="Check out from the cart (ordered lines leave it)"
    )
    address = IdField(
        required=False, allow_null=True, default=None, help_text="One of the buyer's addresses (shipping)"
    )

    def lines_sent(self) -> tuple[tuple[int, int], ...] | None:
        """The (sku, quantity) pairs sent; None for "the cart's ticked lines" (`from_cart` without lines)."""
        data = self.validated_data
        if "lines" not in data and data["from_cart"]:
            return None
        return tuple((line["sku"], line["quantity"]) for line in data.get("lines", ()))


class PlaceOrderSerializer(CheckoutQuoteSerializer):
    address = IdField(help_text="One of the buyer's addresses")
    buyer_note = CharField(required=False, allow_blank=True, default="", max_length=MAX_NOTE)
    expected_payable = MoneyField(
        required=False,
        allow_null=True,
        default=None,
        max_length=20,
        help_text="The total the buyer was shown: a different total now is refused (409 price_changed)",
    )
    idempotency_key = CharField(
        required=False,
        max_length=64,
        help_text="Or the Idempotency-Key header: any text the app keeps for this checkout",
    )
    source = serializers.ChoiceField(choices=CHECKOUT_SOURCES, required=False, default=Order.Source.API)

    def to_input(self, *, lines, idempotency_key: str) -> CheckoutInput:
        data = self.validated_data
        return CheckoutInput(
            lines=lines,
            address_id=data["address"],
            idempotency_key=idempotency_key,
            buyer_note=data["buyer_note"],
            source=data["source"],
            expected_payable=data["expected_payable"],
            from_cart=data["from_cart"],
        )
