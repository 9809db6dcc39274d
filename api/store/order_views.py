"""The store's orders over the staff API: the order list (filtered like the console's), an order, shipping
and cancelling, the CSV export and bulk shipping from a file; the after-sales queue and its decisions; the
shipping rules. Everyone on the staff reads (finance included); the owner, administrators and operations
staff ship and cancel and set the shipping rules; the owner, administrators and customer service decide
after-sales. Each endpoint parses its input, calls one shop service and renders what a selector reads."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.base import IsStoreStaff, StaffWritesIf, StoreAPIView, StoreViewSet, StoreWritable
from api.parsers import FormParser, MultiPartParser
from api.renderers import CSVRenderer, FileRefusalsInJSON
from api.store.order_serializers import (
    MerchantCancelSerializer,
    ReceiveSerializer,
    RejectSerializer,
    ShipFileResultSerializer,
    ShipFileSerializer,
    ShipSerializer,
    StaffAfterSaleDetailSerializer,
    StaffAfterSaleSerializer,
    StaffOrderDetailSerializer,
    StaffOrderListSerializer,
)
from api.store.shipping_serializers import ShippingRulesInputSerializer, ShippingRulesSerializer
from shop.models import Order, RegionShippingFee, ShopSettings
from shop.payments.registry import PROVIDER_CODES
from shop.permissions import (
    can_change_shipping_rules,
    can_handle_after_sales,
    can_handle_orders,
    can_retry_refunds,
)
from shop.selectors.orders import (
    AFTER_SALE_QUEUES,
    OrderFilters,
    after_sale_queue,
    console_after_sale,
    console_order,
)
from shop.services import aftersales, order_files, orders, refunds, shipping_rules
from tenants.errors import NotFound
from tenants.inputs import parse_choice

REFUSED = OpenApiResponse(description="The current state forbids it: `detail` and `code` say why")
ORDER_FILTERS = [
    OpenApiParameter("status", str, enum=Order.Status.values),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Placed on or after (the store's days)"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Placed on or before (the store's days)"),
    OpenApiParameter("payment", str, enum=list(PROVIDER_CODES), description="Paid with"),
    OpenApiParameter("source", str, enum=Order.Source.values),
    OpenApiParameter("after_sale", OpenApiTypes.BOOL, description="Only orders with an open request"),
    OpenApiParameter("search", str, description="An order number, or the buyer's or recipient's phone"),
]


class OrderHandlersWrite(StaffWritesIf):
    message = _("Your role can read orders but not ship or cancel them.")
    can_write = staticmethod(can_handle_orders)


class AfterSaleHandlersWrite(StaffWritesIf):
    message = _("Your role can read after-sales requests but not decide them.")
    can_write = staticmethod(can_handle_after_sales)


class ShippingRuleEditorsWrite(StaffWritesIf):
    message = _("Your role can read the shipping rules but not change them.")
    can_write = staticmethod(can_change_shipping_rules)


# --- orders ----------------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(parameters=ORDER_FILTERS))
class OrderViewSet(FileRefusalsInJSON, mixins.ListModelMixin, StoreViewSet):
    """The store's orders, newest first."""

    serializer_class = StaffOrderListSerializer
    permission_classes = [OrderHandlersWrite, StoreWritable]
    lookup_value_regex = "[0-9]+"
    file_actions = ("export",)

    def get_store_queryset(self):
        return OrderFilters.parse(self.request.query_params, strict=True).orders()

    def get_object(self):
        self.store  # noqa: B018 - never off a store host
        order = console_order(pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, order)
        return order

    def _detail(self, order) -> Response:
        return Response(StaffOrderDetailSerializer(console_order(pk=order.pk)).data)

    @extend_schema(responses=StaffOrderDetailSerializer)
    def retrieve(self, request, pk=None):
        """The order with its buyer, lines (and their after-sales), history, parcels, payments and refunds."""
        return Response(StaffOrderDetailSerializer(self.get_object()).data)

    @extend_schema(request=ShipSerializer, responses={200: StaffOrderDetailSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        """Ship a paid order with a carrier and tracking number (the buyer is told; the parcel is tracked)."""
        order = self.get_object()
        serializer = ShipSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        orders.ship_order(order=order.pk, actor=request.user, **serializer.validated_data)
        return self._detail(order)

    @extend_schema(
        request=MerchantCancelSerializer, responses={200: StaffOrderDetailSerializer, 409: REFUSED}
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel an unpaid order, with the reason the buyer is told (its stock goes back on sale)."""
        order = self.get_object()
        serializer = MerchantCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        orders.cancel_order(
            order=order.pk, actor=request.user, role="merchant", reason=serializer.validated_data["reason"]
        )
        return self._detail(order)

    @extend_schema(
        request=None,
        parameters=[
            OpenApiParameter("refund_id", int, OpenApiParameter.PATH, description="The refund's `id`")
        ],
        responses={
            200: StaffOrderDetailSerializer,
            403: OpenApiResponse(description="Not your role"),
            409: REFUSED,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"refunds/(?P<refund_id>[0-9]+)/retry",
        permission_classes=[IsStoreStaff, StoreWritable],  # its own roles, checked below
    )
    def retry_refund(self, request, pk=None, refund_id=None):
        """Send a refund the provider refused again, as a new refund (a new number), once the cause is
        settled (the account's balance, its settings). The owner, administrators, finance and customer
        service may; each failed refund is tried again once (a failed retry can be retried itself)."""
        order = self.get_object()
        if not can_retry_refunds(request.user):
            raise PermissionDenied(_("Your role cannot send refunds again."))
        refund = next((refund for refund in order.refunds.all() if str(refund.pk) == refund_id), None)
        if refund is None:
            raise NotFound(_("This refund does not exist."))
        refunds.retry_refund(actor=request.user, refund=refund)
        return self._detail(order)

    @extend_schema(parameters=ORDER_FILTERS, responses={(200, "text/csv"): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], renderer_classes=[CSVRenderer])
    def export(self, request):
        """The orders (filtered like the list) as CSV, UTF-8 with BOM, one row per order."""
        exported = order_files.export_orders_csv(self.get_queryset())
        response = HttpResponse(exported, content_type="text/csv; charset=utf-8")
        filename = f"orders-{timezone.localdate():%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @extend_schema(
        request={"multipart/form-data": ShipFileSerializer}, responses={200: ShipFileResultSerializer}
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="ship-file",
        parser_classes=[MultiPartParser, FormParser],
    )
    def ship_file(self, request):
        """Ship the orders a CSV or XLSX file lists. Each row ships on its own: the answer lists the orders
        shipped and every row that did not, with its line, column and why."""
        serializer = ShipFileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        result = order_files.ship_orders_from_file(actor=request.user, file=upload, filename=upload.name)
        errors = [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors]
        return Response(ShipFileResultSerializer({"shipped": result.shipped, "errors": errors}).data)


# --- after-sales -----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "queue",
                str,
                enum=list(AFTER_SALE_QUEUES),
                description="open (default): what needs the merchant, oldest first; requested; returned; "
                "closed (newest first)",
            )
        ]
    )
)
class AfterSaleViewSet(mixins.ListModelMixin, StoreViewSet):
    """The store's after-sales requests, by queue."""

    serializer_class = StaffAfterSaleSerializer
    permission_classes = [AfterSaleHandlersWrite, StoreWritable]
    lookup_value_regex = "[0-9]+"

    def get_store_queryset(self):
        queue = parse_choice(
            self.request.query_params.get("queue"), list(AFTER_SALE_QUEUES), field="queue", default="open"
        )
        return after_sale_queue(queue=queue)

    def get_object(self):
        self.store  # noqa: B018 - never off a store host
        after_sale = console_after_sale(pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, after_sale)
        return after_sale

    def _detail(self, after_sale) -> Response:
        return Response(StaffAfterSaleDetailSerializer(console_after_sale(pk=after_sale.pk)).data)

    @extend_schema(responses=StaffAfterSaleDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(StaffAfterSaleDetailSerializer(self.get_object()).data)

    @extend_schema(request=None, responses={200: StaffAfterSaleDetailSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Agree: a refund only is paid back now; a return waits for the parcel."""
        after_sale = self.get_object()
        aftersales.approve_after_sale(actor=request.user, after_sale=after_sale.pk)
        return self._detail(after_sale)

    @extend_schema(request=RejectSerializer, responses={200: StaffAfterSaleDetailSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Decline, with the reason the buyer is told."""
        after_sale = self.get_object()
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        aftersales.reject_after_sale(
            actor=request.user, after_sale=after_sale.pk, reason=serializer.validated_data["reason"]
        )
        return self._detail(after_sale)

    @extend_schema(request=ReceiveSerializer, responses={200: StaffAfterSaleDetailSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        """The returned item arrived: the refund goes out, and its units go back to stock if `restock`."""
        after_sale = self.get_object()
        serializer = ReceiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        aftersales.receive_return(
            actor=request.user, after_sale=after_sale.pk, restock=serializer.validated_data["restock"]
        )
        return self._detail(after_sale)


# --- shipping rules --------------------------------------------------------------------------------------


def _rules() -> dict:
    settings = ShopSettings.load()
    return {
        "shipping_flat_fee": settings.shipping_flat_fee,
        "free_shipping_over": settings.free_shipping_over,
        "region_fees": RegionShippingFee.objects.order_by("province_code"),
        "unpaid_timeout_minutes": settings.unpaid_timeout_minutes,
        "auto_complete_days": settings.auto_complete_days,
        "after_sale_days": settings.after_sale_days,
    }


class ShippingRulesDetail(StoreAPIView):
    """What shipping costs (a flat fee, free from an amount, a fee of its own for some provinces) and the
    order clocks: how long an unpaid order waits, when a shipped one completes, how long after-sales stay
    open. Everyone on the staff reads; the owner, administrators and operations staff change them."""

    permission_classes = [ShippingRuleEditorsWrite, StoreWritable]

    @extend_schema(responses=ShippingRulesSerializer)
    def get(self, request):
        return Response(ShippingRulesSerializer(_rules()).data)

    @extend_schema(request=ShippingRulesInputSerializer, responses=ShippingRulesSerializer)
    def put(self, request):
        serializer = ShippingRulesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shipping_rules.update_shipping_rules(actor=request.user, data=serializer.to_input())
        return Response(ShippingRulesSerializer(_rules()).data)
