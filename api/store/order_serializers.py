"""Shapes of orders, payments and after-sales, for the buyer API and the staff API alike. Money is a string
with two places ("12.50"), times are ISO 8601. Read serializers render what the selectors loaded (no query
of their own); input serializers only parse: each write builds its service's one input type."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import BooleanField, CharField, IdField, InputSerializer, IntegerField, MoneyField
from shop.models import AfterSale, AfterSaleEvent, Order, OrderEvent, OrderLine, Payment, Refund
from shop.payments.base import WECHAT_CHANNELS, StartKind
from shop.payments.registry import PROVIDER_CODES
from shop.selectors.tracking import shipment_timeline
from shop.services.aftersales import MAX_DETAILS, MAX_PHOTOS, AfterSaleInput
from shop.services.orders import MAX_REASON
from shop.services.pricing import MAX_QUANTITY


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


# --- orders -------------------------------------------------------------------------------------------


class ShippingAddressSerializer(serializers.Serializer):
    """The address as the order keeps it (what it was when the order was placed)."""

    contact_name = serializers.CharField(default="")
    phone = serializers.CharField(default="")
    province_code = serializers.CharField(default="")
    province_name_zh = serializers.CharField(default="")
    province_name_en = serializers.CharField(default="")
    city = serializers.CharField(default="")
    district = serializers.CharField(default="")
    detail = serializers.CharField(default="")
    postal_code = serializers.CharField(default="")


class AfterSaleBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AfterSale
        fields = ["id", "number", "kind", "status", "amount", "quantity", "created_at"]
        read_only_fields = fields


class OrderLineSerializer(serializers.ModelSerializer):
    refundable_amount = _money(help_text="What may still be refunded for this line.")

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "sku",
            "product",
            "title",
            "spec_label",
            "image_url",
            "unit_price",
            "quantity",
            "line_total",
            "discount_share",
            "paid_amount",
            "refunded_amount",
            "refunding_amount",
            "refundable_amount",
        ]
        read_only_fields = fields


class OrderLineDetailSerializer(OrderLineSerializer):
    after_sales = AfterSaleBriefSerializer(many=True, read_only=True, help_text="Newest first.")

    class Meta(OrderLineSerializer.Meta):
        fields = [*OrderLineSerializer.Meta.fields, "after_sales"]
        read_only_fields = fields


class OrderEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = OrderEvent
        fields = ["kind", "kind_label", "message", "actor_role", "created_at"]
        read_only_fields = fields


class ParcelEventSerializer(serializers.Serializer):
    time = serializers.DateTimeField()
    text = serializers.CharField()


class ParcelSerializer(serializers.Serializer):
    """A parcel of the order with what its carrier said of it (shop.selectors.tracking.ParcelTimeline)."""

    shipment_id = serializers.IntegerField()
    carrier = serializers.CharField(help_text="The carrier's code (Kuaidi100's)")
    carrier_name = serializers.CharField()
    tracking_number = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    events = ParcelEventSerializer(many=True, help_text="Newest first.")
    shipped_at = serializers.DateTimeField()
    tracked_at = serializers.DateTimeField(allow_null=True, help_text="When the tracking last changed.")


class RefundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = ["out_refund_no", "amount", "status", "reason", "created_at", "completed_at"]
        read_only_fields = fields


class StaffRefundSerializer(RefundSerializer):
    """A refund as the merchant sees it: why it failed, and whether it can be tried again."""

    retry_of = serializers.SlugRelatedField(
        slug_field="out_refund_no",
        read_only=True,
        allow_null=True,
        help_text="The failed refund this one tries again",
    )
    can_retry = serializers.SerializerMethodField(
        help_text="Failed and not tried again yet: POST to the order's refunds/{id}/retry/"
    )

    class Meta(RefundSerializer.Meta):
        fields = [
            "id",
            *RefundSerializer.Meta.fields,
            "failure",
            "provider_refund_id",
            "retry_of",
            "can_retry",
        ]
        read_only_fields = fields

    def get_can_retry(self, refund) -> bool:
        return refund.status == Refund.Status.FAILED and not getattr(refund, "retried", True)


ORDER_FIELDS = [
    "id",
    "number",
    "status",
    "status_label",
    "source",
    "currency",
    "items_total",
    "discount_total",
    "shipping_fee",
    "payable",
    "paid_amount",
    "refunded_amount",
    "payment_provider",
    "placed_at",
    "pay_deadline",
    "paid_at",
    "shipped_at",
    "completed_at",
    "cancelled_at",
]
ORDER_DETAIL_FIELDS = [
    "shipping_address",
    "buyer_note",
    "cancel_reason",
    "auto_complete_at",
    "lines",
    "events",
    "parcels",
    "refunds",
]


class OrderListSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    has_open_after_sale = BooleanField(read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [*ORDER_FIELDS, "has_open_after_sale", "lines"]
        read_only_fields = fields


class OrderDetailSerializer(serializers.ModelSerializer):
    """An order with its lines (and their after-sales), history, parcels and refunds."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    shipping_address = ShippingAddressSerializer(read_only=True)
    lines = OrderLineDetailSerializer(many=True, read_only=True)
    events = OrderEventSerializer(many=True, read_only=True, help_text="Oldest first.")
    parcels = serializers.SerializerMethodField()
    refunds = RefundSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [*ORDER_FIELDS, *ORDER_DETAIL_FIELDS]
        read_only_fields = fields

    @extend_schema_field(ParcelSerializer(many=True))
    def get_parcels(self, order):
        return ParcelSerializer(shipment_timeline(order), many=True).data


class OrderBuyerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(help_text="E.164; empty for an account made through WeChat")


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = [
            "out_trade_no",
            "provider",
            "channel",
            "amount",
            "currency",
            "status",
            "created_at",
            "paid_at",
        ]
        read_only_fields = fields


class StaffOrderListSerializer(OrderListSerializer):
    buyer = OrderBuyerSerializer(read_only=True)

    class Meta(OrderListSerializer.Meta):
        fields = [*OrderListSerializer.Meta.fields, "buyer", "contact_phone"]
        read_only_fields = fields


class StaffOrderDetailSerializer(OrderDetailSerializer):
    buyer = OrderBuyerSerializer(read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    refunds = StaffRefundSerializer(many=True, read_only=True)

    class Meta(OrderDetailSerializer.Meta):
        fields = [*OrderDetailSerializer.Meta.fields, "buyer", "payments"]
        read_only_fields = fields


# --- paying ---------------------------------------------------------------------------------------------


class PayInputSerializer(InputSerializer):
    provider = serializers.ChoiceField(
        choices=PROVIDER_CODES,
        required=False,
        help_text="One of the store's ways of paying (payment-settings' `available_providers`); the first "
        "of them when left out.",
    )
    channel = serializers.ChoiceField(
        choices=[str(channel) for channel in WECHAT_CHANNELS],
        required=False,
        help_text="WeChat Pay: jsapi (in WeChat or a mini-program), h5 (another phone browser) or native "
        "(a QR code). Left out, it follows the User-Agent.",
    )
    payer_openid = CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=64,
        help_text="jsapi: the buyer's openid in the app that pays; left out, the one the buyer signed in to "
        "that app with.",
    )


class PaymentStartSerializer(serializers.Serializer):
    """What the app does next, by `kind`: redirect (open `url`), jsapi (wx.requestPayment or
    WeixinJSBridge with `jsapi_params`), qr (show `code_url` as a QR code), client_secret (confirm the card
    with Stripe.js, the store's `publishable_key` and `client_secret`)."""

    out_trade_no = serializers.CharField(help_text="The payment's number")
    provider = serializers.CharField()
    channel = serializers.CharField()
    amount = _money()
    currency = serializers.CharField()
    kind = serializers.ChoiceField(choices=[str(kind) for kind in StartKind])
    url = serializers.CharField(help_text="redirect: an absolute URL; else empty")
    jsapi_params = serializers.DictField(
        child=serializers.CharField(),
        help_text="jsapi: appId, timeStamp, nonceStr, package, signType, paySign; else empty",
    )
    code_url = serializers.CharField(help_text="qr: the weixin:// link to show as a QR code; else empty")
    client_secret = serializers.CharField(help_text="client_secret: the PaymentIntent's; else empty")
    publishable_key = serializers.CharField()


# --- buyer actions on an order ----------------------------------------------------------------------------


class BuyerCancelSerializer(InputSerializer):
    reason = CharField(required=False, allow_blank=True, default="", max_length=MAX_REASON)


# --- after-sales ----------------------------------------------------------------------------------------


class AfterSaleSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order_line.order.number", read_only=True)
    title = serializers.CharField(source="order_line.title", read_only=True)
    spec_label = serializers.CharField(source="order_line.spec_label", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = AfterSale
        fields = [
            "id",
            "number",
            "order_number",
            "order_line",
            "title",
            "spec_label",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "amount",
            "quantity",
            "reason",
            "created_at",
            "decided_at",
            "closed_at",
        ]
        read_only_fields = fields


class AfterSaleEventSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = AfterSaleEvent
        fields = ["status", "status_label", "message", "actor_role", "created_at"]
        read_only_fields = fields


class AfterSaleDetailSerializer(AfterSaleSerializer):
    photos = serializers.SerializerMethodField()
    events = AfterSaleEventSerializer(many=True, read_only=True, help_text="Oldest first.")
    refunds = RefundSerializer(many=True, read_only=True)

    class Meta(AfterSaleSerializer.Meta):
        fields = [
            *AfterSaleSerializer.Meta.fields,
            "details",
            "reject_reason",
            "return_carrier",
            "return_tracking_number",
            "restocked",
            "photos",
            "events",
            "refunds",
        ]
        read_only_fields = fields

    def get_photos(self, after_sale) -> list[str]:
        return [photo.image.url for photo in after_sale.photos.all()]


class StaffAfterSaleSerializer(AfterSaleSerializer):
    buyer = OrderBuyerSerializer(read_only=True)

    class Meta(AfterSaleSerializer.Meta):
        fields = [*AfterSaleSerializer.Meta.fields, "buyer"]
        read_only_fields = fields


class StaffAfterSaleDetailSerializer(AfterSaleDetailSerializer):
    buyer = OrderBuyerSerializer(read_only=True)
    refunds = StaffRefundSerializer(many=True, read_only=True)

    class Meta(AfterSaleDetailSerializer.Meta):
        fields = [*AfterSaleDetailSerializer.Meta.fields, "buyer"]
        read_only_fields = fields


class AfterSaleRequestSerializer(InputSerializer):
    """A request for one line of a paid order (multipart to send photos)."""

    order_line = IdField(help_text="The order line's id (an order's `lines[].id`)")
    kind = serializers.ChoiceField(choices=AfterSale.Kind.choices)
    amount = MoneyField(
        max_length=20, help_text="At most the line's `refundable_amount`; a part of it is fine"
    )
    reason = CharField(max_length=200)
    details = CharField(required=False, allow_blank=True, default="", max_length=MAX_DETAILS)
    quantity = IntegerField(
        required=False,
        default=0,
        min_value=0,
        max_value=MAX_QUANTITY,
        help_text="Units concerned (a return: 0 means all of the line's)",
    )
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=MAX_PHOTOS
    )

    def to_input(self) -> AfterSaleInput:
        data = self.validated_data
        return AfterSaleInput(
            order_line_id=data["order_line"],
            kind=data["kind"],
            amount=data["amount"],
            reason=data["reason"],
            details=data["details"],
            quantity=data["quantity"],
            photos=tuple(data["photos"]),
        )


class ShipBackSerializer(InputSerializer):
    carrier = CharField(max_length=40, help_text='The carrier: its code ("zhongtong") or name ("中通")')
    tracking_number = CharField(max_length=40)


# --- staff actions ----------------------------------------------------------------------------------------


class ShipSerializer(InputSerializer):
    carrier = CharField(max_length=40, help_text='The carrier: its code ("shunfeng") or name ("顺丰")')
    tracking_number = CharField(max_length=40)


class MerchantCancelSerializer(InputSerializer):
    reason = CharField(max_length=MAX_REASON, help_text="Why (the buyer is told)")


class RejectSerializer(InputSerializer):
    reason = CharField(max_length=200, help_text="Why (the buyer is told)")


class ReceiveSerializer(InputSerializer):
    restock = BooleanField(help_text="The units can be sold again: they go back to stock")


class ShipFileSerializer(InputSerializer):
    file = serializers.FileField(
        help_text="CSV or XLSX with the columns order_number, carrier, tracking_number (or 订单号, 快递公司, "
        "运单号)"
    )


class ShipFileRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The file's line (the header is line 1)")
    column = serializers.CharField()
    message = serializers.CharField()


class ShipFileResultSerializer(serializers.Serializer):
    """Each row ships on its own: the good ones shipped, the others say why and shipped nothing."""

    shipped = serializers.ListField(child=serializers.CharField(), help_text="Order numbers shipped")
    errors = ShipFileRowErrorSerializer(many=True)
