"""Reads of orders and after-sales for the buyer's pages, the merchant's console and the API. A buyer's
reads always go through the buyer (another buyer's order is NotFound, exactly like one that never
existed); lists prefetch what they show, so their query count does not grow with their length."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.models import AfterSale, AfterSaleEvent, Order, OrderEvent, OrderLine, Payment, Refund, Shipment
from tenants.errors import NotFound

Status = Order.Status

# The buyer's tabs (as the big malls have them) and what each holds.
BUYER_TABS = {
    "all": gettext_lazy("All"),
    "to_pay": gettext_lazy("To pay"),
    "to_ship": gettext_lazy("To ship"),
    "to_receive": gettext_lazy("To receive"),
    "completed": gettext_lazy("Completed"),
    "after_sale": gettext_lazy("After-sales"),
}
_TAB_STATUS = {
    "to_pay": Status.PENDING_PAYMENT,
    "to_ship": Status.PAID,
    "to_receive": Status.SHIPPED,
    "completed": Status.COMPLETED,
}


def _lines():
    return Prefetch("lines", queryset=OrderLine.objects.order_by("id"))


def _open_after_sale():
    return AfterSale.objects.filter(order_line__order=OuterRef("pk"), status__in=AfterSale.OPEN)


def buyer_orders(*, buyer, tab: str = "all") -> QuerySet[Order]:
    orders = (
        Order.objects.filter(buyer=buyer)
        .prefetch_related(_lines())
        .annotate(has_open_after_sale=Exists(_open_after_sale()))
    )
    if tab in _TAB_STATUS:
        orders = orders.filter(status=_TAB_STATUS[tab])
    elif tab == "after_sale":
        orders = orders.filter(lines__after_sales__isnull=False).distinct()
    return orders.order_by("-placed_at", "-id")


def buyer_order_counts(*, buyer) -> dict[str, int]:
    """How many orders wait in each tab (the badges of the "Me" page)."""
    by_status = dict(
        Order.objects.filter(buyer=buyer).order_by().values_list("status").annotate(n=Count("id"))
    )
    counts = {tab: by_status.get(status, 0) for tab, status in _TAB_STATUS.items() if tab != "completed"}
    counts["after_sale"] = AfterSale.objects.filter(buyer=buyer, status__in=AfterSale.OPEN).count()
    return counts


def _detail(orders) -> QuerySet[Order]:
    return orders.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("sku", "product").order_by("id")),
        Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")),
        Prefetch("shipments", queryset=Shipment.objects.order_by("shipped_at", "id")),
        Prefetch(
            "lines__after_sales",
            queryset=AfterSale.objects.prefetch_related("photos").order_by("-created_at", "-id"),
        ),
        Prefetch("refunds", queryset=Refund.objects.order_by("created_at", "id")),
        "payments",
    )


def buyer_order(*, buyer, number, detail: bool = True) -> Order:
    """One order of the buyer's, by its number, with its lines, history, parcels and after-sales (without
    them when not `detail`: what an action on the order or a page polling its status needs)."""
    orders = Order.objects.filter(buyer=buyer, number=str(number or "")[:24])
    order = (_detail(orders) if detail else orders).first()
    if order is None:
        raise NotFound(_("This order does not exist."))
    return order


def buyer_payment(*, buyer, out_trade_no, provider: str) -> Payment:
    """One payment attempt of the buyer's orders with `provider`, by its number, with its order."""
    found = (
        Payment.objects.filter(
            order__buyer=buyer, provider=provider, out_trade_no=str(out_trade_no or "")[:32]
        )
        .select_related("order")
        .first()
    )
    if found is None:
        raise NotFound(_("This payment does not exist."))
    return found


def buyer_after_sales(*, buyer) -> QuerySet[AfterSale]:
    return (
        AfterSale.objects.filter(buyer=buyer)
        .select_related("order_line__order")
        .order_by("-created_at", "-id")
    )


def buyer_after_sale(*, buyer, number) -> AfterSale:
    found = (
        AfterSale.objects.filter(buyer=buyer, number=str(number or "")[:24])
        .select_related("order_line__order")
        .prefetch_related(
            "photos",
            Prefetch("events", queryset=AfterSaleEvent.objects.order_by("created_at", "id")),
            Prefetch("refunds", queryset=Refund.objects.order_by("created_at", "id")),
        )
        .first()
    )
    if found is None:
        raise NotFound(_("This after-sales request does not exist."))
    return found


# --- the console ---------------------------------------------------------------------------------------


def _day(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _word(value, limit: int) -> str:
    return "".join(ch for ch in str(value or "") if ch.isprintable()).strip()[:limit]


@dataclass(frozen=True)
class OrderFilters:
    """The console's and the API's order list filters: status, date_from / date_to (placed, YYYY-MM-DD
    in the store's time zone), payment (provider), source, after_sale (1: with an open request), search
    (an order number, or the buyer's or recipient's phone). Unreadable values are ignored."""

    status: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    payment: str = ""
    source: str = ""
    after_sale: bool = False
    search: str = ""

    @classmethod
    def parse(cls, params) -> "OrderFilters":
        status, source = params.get("status", ""), params.get("source", "")
        return cls(
            status=status if status in Status.values else "",
            date_from=_day(params.get("date_from")),
            date_to=_day(params.get("date_to")),
            payment=_word(params.get("payment"), 16),
            source=source if source in Order.Source.values else "",
            after_sale=str(params.get("after_sale", "")).strip().lower() in ("1", "true", "yes", "on"),
            search=_word(params.get("search"), 40),
        )

    @property
    def active(self) -> bool:
        return any(
            (
                self.status,
                self.date_from,
                self.date_to,
                self.payment,
                self.source,
                self.after_sale,
                self.search,
            )
        )

    def orders(self) -> QuerySet[Order]:
        orders = (
            Order.objects.select_related("buyer")
            .prefetch_related(_lines())
            .annotate(has_open_after_sale=Exists(_open_after_sale()))
        )
        if self.status:
            orders = orders.filter(status=self.status)
        zone = timezone.get_current_timezone()
        if self.date_from:
            orders = orders.filter(
                placed_at__gte=datetime.datetime.combine(self.date_from, datetime.time.min, zone)
            )
        if self.date_to:
            end = datetime.datetime.combine(
                self.date_to + datetime.timedelta(days=1), datetime.time.min, zone
            )
            orders = orders.filter(placed_at__lt=end)
        if self.payment:
            orders = orders.filter(payment_provider=self.payment)
        if self.source:
            orders = orders.filter(source=self.source)
        if self.after_sale:
            orders = orders.filter(has_open_after_sale=True)
        if self.search:
            term = self.search
            digits = "".join(ch for ch in term if ch.isascii() and ch.isdigit())
            match = Q(number=term)
            if len(digits) >= 4:
                # A phone typed with or without +86 / spaces: match the end of the stored E.164 number.
                match |= Q(contact_phone__endswith=digits[-11:]) | Q(buyer__phone__endswith=digits[-11:])
            orders = orders.filter(match)
        return orders.order_by("-placed_at", "-id")


def console_order(*, pk) -> Order:
    value = str(pk or "").strip()
    if not (value.isascii() and value.isdigit() and 0 < int(value) < 2**63):
        raise NotFound(_("This order does not exist."))
    order = _detail(Order.objects.select_related("buyer").filter(pk=int(value))).first()
    if order is None:
        raise NotFound(_("This order does not exist."))
    return order


AFTER_SALE_QUEUES = {
    "open": gettext_lazy("Needs action"),
    "requested": gettext_lazy("New requests"),
    "returned": gettext_lazy("Returns on their way"),
    "closed": gettext_lazy("Closed"),
}


def after_sale_queue(*, queue: str = "open") -> QuerySet[AfterSale]:
    """The console's after-sales queue: what waits for the merchant first, oldest first."""
    requests = AfterSale.objects.select_related("order_line__order", "buyer").prefetch_related("photos")
    if queue == "requested":
        return requests.filter(status=AfterSale.Status.REQUESTED).order_by("created_at", "id")
    if queue == "returned":
        return requests.filter(status=AfterSale.Status.RETURNED).order_by("created_at", "id")
    if queue == "closed":
        return requests.exclude(status__in=AfterSale.OPEN).order_by("-created_at", "-id")
    return requests.filter(status__in=AfterSale.OPEN).order_by("created_at", "id")


def console_after_sale(*, pk) -> AfterSale:
    value = str(pk or "").strip()
    found = (
        AfterSale.objects.select_related("order_line__order", "buyer")
        .prefetch_related(
            "photos",
            Prefetch("events", queryset=AfterSaleEvent.objects.order_by("created_at", "id")),
            Prefetch("refunds", queryset=Refund.objects.order_by("created_at", "id")),
        )
        .filter(pk=int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 2**63 else 0)
        .first()
    )
    if found is None:
        raise NotFound(_("This after-sales request does not exist."))
    return found
