"""The buyer's shopping over the API (/api/v1/buyer/...): the cart, checkout, orders (paying, cancelling,
confirming receipt), after-sales and the store's notifications to the buyer. Each endpoint parses its input,
calls one shop service and renders what a selector reads. All of it stands on api/buyer_base.py: a buyer's
token reaches the buyer's own rows only, and another buyer's order is a 404 like one that never existed."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base import current_store
from api.buyer_base import BuyerMixin, BuyerViewSet
from api.parsers import FormParser, JSONParser, MultiPartParser
from api.store.buyer_serializers import (
    BuyerNotificationSerializer,
    NotificationsMarkedSerializer,
    NotificationsReadSerializer,
)
from api.store.cart_serializers import (
    CartAddSerializer,
    CartLineChangeSerializer,
    CartSelectSerializer,
    CartSerializer,
    CheckoutQuoteSerializer,
    PlaceOrderSerializer,
    QuoteSerializer,
)
from api.store.order_serializers import (
    AfterSaleDetailSerializer,
    AfterSaleRequestSerializer,
    AfterSaleSerializer,
    BuyerCancelSerializer,
    OrderDetailSerializer,
    OrderListSerializer,
    PayInputSerializer,
    PaymentStartSerializer,
    ShipBackSerializer,
)
from shop.models import AfterSale, BuyerNotification, CartLine, Order
from shop.payments.registry import default_provider
from shop.selectors.cart import cart_view
from shop.selectors.orders import BUYER_TABS, buyer_after_sale, buyer_after_sales, buyer_order, buyer_orders
from shop.services import aftersales, buyer_notifications, cart, checkout, orders, payments
from tenants.client_ip import client_ip
from tenants.inputs import parse_bool, parse_choice
from tenants.links import store_url

TAGS = ["buyer"]
REFUSED = OpenApiResponse(description="The current state forbids it: `detail` and `code` say why")
GONE = OpenApiResponse(description="An item or the address does not exist (any more)")
PROVIDER_FAILED = OpenApiResponse(description="The payment provider refused or could not be reached")
# Order and after-sales numbers: digits, after-sales numbers with their "AS" prefix.
NUMBER_PATTERN = "[0-9A-Za-z]+"
LINE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="cart line id")
ORDER_NUMBER = OpenApiParameter("order_number", str, OpenApiParameter.PATH, description="the order number")
AFTER_SALE_NUMBER = OpenApiParameter(
    "after_sale_number", str, OpenApiParameter.PATH, description="the after-sales request's number"
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Up to 64 characters the app keeps for this checkout (or the body's `idempotency_key`): "
    "the same key again answers with the order it placed (200), never a second order",
)


# --- the cart --------------------------------------------------------------------------------------------


def _cart(buyer, *, code=status.HTTP_200_OK) -> Response:
    view = cart_view(cart.cart_for(buyer=buyer), buyer=buyer)
    return Response(CartSerializer(view).data, status=code)


class CartDetail(BuyerMixin, APIView):
    """The buyer's cart, prices and stock checked again on every read: a line whose price changed since it
    was added says so (never silently charged), one that cannot be bought says why and is left out of the
    totals."""

    @extend_schema(tags=TAGS, responses=CartSerializer)
    def get(self, request):
        return _cart(self.buyer)


class CartLineViewSet(BuyerViewSet):
    """Lines of the buyer's cart. Every change answers with the whole cart, priced again."""

    buyer_field = "cart__buyer"
    lookup_value_regex = "[0-9]+"

    def get_buyer_queryset(self):
        return CartLine.objects.select_related("cart")

    @extend_schema(tags=TAGS, request=CartAddSerializer, responses={201: CartSerializer, 404: GONE})
    def create(self, request):
        """Put a SKU in the cart (added to its line when it is there already)."""
        serializer = CartAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cart.add_to_cart(buyer=self.buyer, sku_id=data["sku"], quantity=data["quantity"])
        return _cart(self.buyer, code=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS, parameters=[LINE_ID], request=CartLineChangeSerializer, responses=CartSerializer
    )
    def partial_update(self, request, pk=None):
        """Change the quantity, or switch to another SKU of the same product."""
        line = self.get_object()
        serializer = CartLineChangeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cart.update_cart_line(
            cart=line.cart, line_id=line.pk, quantity=data.get("quantity"), sku_id=data.get("sku")
        )
        return _cart(self.buyer)

    @extend_schema(tags=TAGS, parameters=[LINE_ID], responses={200: CartSerializer})
    def destroy(self, request, pk=None):
        line = self.get_object()
        cart.remove_cart_lines(cart=line.cart, line_ids=[line.pk])
        return _cart(self.buyer)


class CartSelect(BuyerMixin, APIView):
    """Tick (or untick) lines for checkout."""

    @extend_schema(tags=TAGS, request=CartSelectSerializer, responses=CartSerializer)
    def post(self, request):
        serializer = CartSelectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cart.select_cart_lines(
            cart=cart.cart_for(buyer=self.buyer), selected=data["selected"], line_ids=data.get("lines")
        )
        return _cart(self.buyer)


class CartConfirmPrices(BuyerMixin, APIView):
    """The buyer has seen the prices as they are now: lines stop showing a price change."""

    @extend_schema(tags=TAGS, request=None, responses=CartSerializer)
    def post(self, request):
        cart.confirm_cart_prices(cart=cart.cart_for(buyer=self.buyer))
        return _cart(self.buyer)


# --- checkout --------------------------------------------------------------------------------------------


def _checkout_lines(serializer, buyer) -> tuple[tuple[int, int], ...]:
    lines = serializer.lines_sent()
    return checkout.checkout_lines_from_cart(cart.cart_for(buyer=buyer)) if lines is None else lines


class CheckoutQuote(BuyerMixin, APIView):
    """What the buyer is about to pay: the lines priced now, discounts, and shipping to the address (the
    flat rule without one). Placing the order with the same lines and address charges exactly this."""

    @extend_schema(tags=TAGS, request=CheckoutQuoteSerializer, responses={200: QuoteSerializer, 404: GONE})
    def post(self, request):
        serializer = CheckoutQuoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        buyer = self.buyer
        address_id = serializer.validated_data["address"]
        address = None if address_id is None else checkout.buyer_address(buyer=buyer, address_id=address_id)
        quote = checkout.checkout_quote(
            buyer=buyer, lines=_checkout_lines(serializer, buyer), address=address
        )
        return Response(QuoteSerializer(quote).data)


# --- orders ----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("tab", str, enum=list(BUYER_TABS), description="Which orders (all)")],
    )
)
class BuyerOrderViewSet(mixins.ListModelMixin, BuyerViewSet):
    """The buyer's orders, newest first, by tab as the big malls have them."""

    serializer_class = OrderListSerializer
    buyer_field = "buyer"
    lookup_field = "number"
    lookup_url_kwarg = "order_number"
    lookup_value_regex = NUMBER_PATTERN

    def get_buyer_queryset(self):
        if self.action == "list":
            tab = parse_choice(
                self.request.query_params.get("tab"), list(BUYER_TABS), field="tab", default="all"
            )
            return buyer_orders(buyer=self.buyer, tab=tab)
        return Order.objects.all()

    def _detail(self, number, *, code=status.HTTP_200_OK) -> Response:
        return Response(OrderDetailSerializer(buyer_order(buyer=self.buyer, number=number)).data, status=code)

    @extend_schema(
        tags=TAGS,
        parameters=[IDEMPOTENCY_KEY],
        request=PlaceOrderSerializer,
        responses={
            201: OrderDetailSerializer,
            200: OpenApiResponse(OrderDetailSerializer, description="The key's order, placed before"),
            404: GONE,
            409: OpenApiResponse(
                description="Sold out (`out_of_stock`) or the total changed (`price_changed`)"
            ),
        },
    )
    def create(self, request):
        """Place an order: stock is reserved, the order waits for payment (`pay_deadline`). Send the same
        Idempotency-Key again (a retry, a double tap) and the answer is the same order, not another."""
        serializer = PlaceOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        buyer = self.buyer
        data = serializer.to_input(
            lines=_checkout_lines(serializer, buyer), idempotency_key=self._idempotency_key(serializer)
        )
        placed = checkout.place_or_find_order(buyer=buyer, data=data)
        return self._detail(
            placed.order.number, code=status.HTTP_201_CREATED if placed.created else status.HTTP_200_OK
        )

    def _idempotency_key(self, serializer) -> str:
        header = self.request.headers.get("Idempotency-Key")
        field = serializer.validated_data.get("idempotency_key")
        if header is not None and field is not None and header != field:
            raise ValidationError(
                {"idempotency_key": [_("The Idempotency-Key header and the idempotency_key field differ.")]}
            )
        key = header if header is not None else field
        if key is None:
            raise ValidationError(
                {
                    "idempotency_key": [
                        _(
                            "Send an Idempotency-Key header (or an idempotency_key field): any text of up "
                            "to 64 characters that the app keeps for this checkout."
                        )
                    ]
                }
            )
        return key

    @extend_schema(tags=TAGS, parameters=[ORDER_NUMBER], responses=OrderDetailSerializer)
    def retrieve(self, request, order_number=None):
        """The order with its lines (and their after-sales), history, parcels and refunds."""
        return self._detail(order_number)

    @extend_schema(
        tags=TAGS,
        parameters=[ORDER_NUMBER],
        request=BuyerCancelSerializer,
        responses={200: OrderDetailSerializer, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, order_number=None):
        """Cancel an order that is not paid yet (its stock goes back on sale). A paid order is refunded
        through after-sales instead."""
        order = self.get_object()
        serializer = BuyerCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        orders.cancel_order(
            order=order.pk, actor=self.buyer, role="buyer", reason=serializer.validated_data["reason"]
        )
        return self._detail(order.number)

    @extend_schema(
        tags=TAGS,
        parameters=[ORDER_NUMBER],
        request=None,
        responses={200: OrderDetailSerializer, 409: REFUSED},
    )
    @action(detail=True, methods=["post"], url_path="confirm-receipt")
    def confirm_receipt(self, request, order_number=None):
        """The parcel arrived: the order completes (it would by itself some days after shipping)."""
        order = self.get_object()
        orders.confirm_receipt(order=order.pk, buyer=self.buyer)
        return self._detail(order.number)

    @extend_schema(
        tags=TAGS,
        parameters=[ORDER_NUMBER],
        request=PayInputSerializer,
        responses={200: PaymentStartSerializer, 409: REFUSED, 502: PROVIDER_FAILED, 503: PROVIDER_FAILED},
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, order_number=None):
        """Start paying the order: the answer says what the app does next (`kind`). The order is paid when
        the provider's notification arrives; read the order again to see it."""
        order = self.get_object()
        serializer = PayInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        store = current_store(request)
        payment, started = payments.start_payment(
            store=store,
            order=order.pk,
            buyer=self.buyer,
            provider_code=data.get("provider") or default_provider(store).code,
            return_url=store_url(store, f"/orders/{order.number}/", request=request),
            user_agent=request.headers.get("User-Agent", ""),
            client_ip=client_ip(request) or "",
            payer_openid=data["payer_openid"],
            channel=data.get("channel", ""),
            request=request,
        )
        body = {
            "out_trade_no": payment.out_trade_no,
            "provider": payment.provider,
            "channel": payment.channel,
            "amount": payment.amount,
            "currency": payment.currency,
            "kind": started.kind,
            "url": store_url(store, started.url, request=request) if started.url else "",
            "jsapi_params": started.jsapi_params,
            "code_url": started.code_url,
            "client_secret": started.client_secret,
            "publishable_key": started.publishable_key,
        }
        return Response(PaymentStartSerializer(body).data)


# --- after-sales -----------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(tags=TAGS))
class BuyerAfterSaleViewSet(mixins.ListModelMixin, BuyerViewSet):
    """The buyer's after-sales requests (refunds, returns), newest first."""

    serializer_class = AfterSaleSerializer
    buyer_field = "buyer"
    lookup_field = "number"
    lookup_url_kwarg = "after_sale_number"
    lookup_value_regex = NUMBER_PATTERN
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_buyer_queryset(self):
        return buyer_after_sales(buyer=self.buyer) if self.action == "list" else AfterSale.objects.all()

    def _detail(self, number, *, code=status.HTTP_200_OK) -> Response:
        found = buyer_after_sale(buyer=self.buyer, number=number)
        return Response(AfterSaleDetailSerializer(found).data, status=code)

    @extend_schema(
        tags=TAGS,
        request={
            "application/json": AfterSaleRequestSerializer,
            "multipart/form-data": AfterSaleRequestSerializer,
        },
        responses={
            201: AfterSaleDetailSerializer,
            404: OpenApiResponse(description="No such line in the buyer's orders"),
            409: REFUSED,
        },
    )
    def create(self, request):
        """Ask for a refund (or a return and refund) of one line of a paid order: any amount up to what
        may still be refunded for it."""
        serializer = AfterSaleRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        after_sale = aftersales.request_after_sale(buyer=self.buyer, data=serializer.to_input())
        return self._detail(after_sale.number, code=status.HTTP_201_CREATED)

    @extend_schema(tags=TAGS, parameters=[AFTER_SALE_NUMBER], responses=AfterSaleDetailSerializer)
    def retrieve(self, request, after_sale_number=None):
        return self._detail(after_sale_number)

    @extend_schema(
        tags=TAGS,
        parameters=[AFTER_SALE_NUMBER],
        request=None,
        responses={200: AfterSaleDetailSerializer, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, after_sale_number=None):
        """Withdraw a request the merchant has not finished."""
        after_sale = self.get_object()
        aftersales.withdraw_after_sale(buyer=self.buyer, after_sale=after_sale.pk)
        return self._detail(after_sale.number)

    @extend_schema(
        tags=TAGS,
        parameters=[AFTER_SALE_NUMBER],
        request=ShipBackSerializer,
        responses={200: AfterSaleDetailSerializer, 409: REFUSED},
    )
    @action(detail=True, methods=["post"], url_path="ship-back")
    def ship_back(self, request, after_sale_number=None):
        """The item is on its way back (an agreed return): its carrier and tracking number."""
        after_sale = self.get_object()
        serializer = ShipBackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        aftersales.ship_return(buyer=self.buyer, after_sale=after_sale.pk, **serializer.validated_data)
        return self._detail(after_sale.number)


# --- notifications ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        tags=TAGS, parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread ones")]
    )
)
class BuyerNotificationViewSet(mixins.ListModelMixin, BuyerViewSet):
    """What the store told the buyer (paid, shipped, a refund decided), newest first."""

    serializer_class = BuyerNotificationSerializer
    buyer_field = "buyer"

    def get_buyer_queryset(self):
        notes = BuyerNotification.objects.order_by("-created_at", "-id")
        if parse_bool(self.request.query_params.get("unread"), field="unread", default=False):
            notes = notes.filter(read_at__isnull=True)
        return notes

    @extend_schema(tags=TAGS, request=NotificationsReadSerializer, responses=NotificationsMarkedSerializer)
    @action(detail=False, methods=["post"])
    def read(self, request):
        """Mark notifications read: those named, or all of them."""
        serializer = NotificationsReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = buyer_notifications.mark_read(buyer=self.buyer, ids=serializer.validated_data.get("ids"))
        return Response({"marked": marked})
