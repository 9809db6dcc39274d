"""Reads of orders and after-sales for the buyer's pages, the merchant's console and the API. A buyer's
reads always go through the buyer (another buyer's order is NotFound, exactly like one that never
existed); lists prefetch what they show, so their query count does not grow with their length."""

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.models import AfterSale, AfterSaleEvent, Order, OrderEvent, OrderLine, Payment, Refund, Shipment
from shop.payments.registry import PROVIDER_CODES
from tenants.activity.models import ActivityEntry
from tenants.errors import InvalidInput, NotFound
from tenants.inputs import date_or_none, filter_text, filter_value, id_or_none, parse_bool, parse_choice

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
# What a search of the order list reads (an order number, a phone number): longer text is cut.
SEARCH_MAX = 40
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
        Prefetch("refunds", queryset=_refunds()),
        "payments",
    )


def _refunds() -> QuerySet[Refund]:
    """An order's or a request's refunds, oldest first, each knowing whether it was tried again."""
    return Refund.objects.annotate(retried=Exists(Refund.objects.filter(retry_of=OuterRef("pk")))).order_by(
        "created_at", "id"
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
            Prefetch("refunds", queryset=_refunds()),
        )
        .first()
    )
    if found is None:
        raise NotFound(_("This after-sales request does not exist."))
    return found


# --- the console ---------------------------------------------------------------------------------------


def _parse_day(value, *, field: str) -> datetime.date:
    day = date_or_none(value)
    if day is None:
        raise InvalidInput({field: [_("Enter a date as YYYY-MM-DD.")]})
    return day


@dataclass(frozen=True)
class OrderFilters:
    """The console's and the API's order list filters (and the export's, which takes the list's): status,
    date_from / date_to (placed, YYYY-MM-DD in the store's time zone), payment (provider), source,
    after_sale (yes: with an open request), search (an order number, or the buyer's or recipient's
    phone). In the console an unreadable value is ignored (a filter link is not a form); the API parses
    `strict`ly, answering a 400 that names the parameter."""

    status: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    payment: str = ""
    source: str = ""
    after_sale: bool = False
    search: str = ""

    @classmethod
    def parse(cls, params, *, strict: bool = False) -> "OrderFilters":
        def read(parser, name, default, **options):
            return filter_value(params, name, parser, default, strict=strict, **options)

        return cls(
            status=read(parse_choice, "status", "", choices=Status.values),
            date_from=read(_parse_day, "date_from", None),
            date_to=read(_parse_day, "date_to", None),
            payment=read(parse_choice, "payment", "", choices=PROVIDER_CODES),
            source=read(parse_choice, "source", "", choices=Order.Source.values),
            after_sale=read(parse_bool, "after_sale", False),
            search=filter_text(params.get("search"), limit=SEARCH_MAX),
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
            # The day's last instant, not the next day's first: the day after 9999-12-31 does not exist.
            end = datetime.datetime.combine(self.date_to, datetime.time.max, zone)
            orders = orders.filter(placed_at__lte=end)
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


def order_status_counts(filters: OrderFilters) -> dict[str, int]:
    """How many orders each status tab of the console's list holds under the other filters ("all" for
    their sum), in one query."""
    by_status = dict(
        replace(filters, status="").orders().order_by().values_list("status").annotate(n=Count("id"))
    )
    counts = {"all": sum(by_status.values())}
    counts.update({status: by_status.get(status, 0) for status in Status.values})
    return counts


def console_order(*, pk) -> Order:
    order = _detail(Order.objects.select_related("buyer").filter(pk=id_or_none(pk) or 0)).first()
    if order is None:
        raise NotFound(_("This order does not exist."))
    return order


def order_activity(order: Order) -> QuerySet[ActivityEntry]:
    """The store's activity-log entries about an order and its after-sales requests, oldest first. Takes
    the order as `console_order` gives it (its after-sales prefetched)."""
    after_sale_ids = [str(a.pk) for line in order.lines.all() for a in line.after_sales.all()]
    return ActivityEntry.objects.filter(
        Q(target_type="order", target_id=str(order.pk))
        | Q(target_type="after_sale", target_id__in=after_sale_ids)
    ).order_by("created_at", "id")


def nothing_left_to_ship(order: Order) -> bool:
    """Whether every line of the order was refunded in full, or is being refunded in full: its goods are
    not to be sent (ship_order refuses it)."""
    lines = list(order.lines.all())
    returned = [line.refunded_amount + line.refunding_amount for line in lines]
    return any(returned) and all(back >= line.paid_amount for back, line in zip(returned, lines, strict=True))


def orders_to_ship(*, limit: int) -> list[str]:
    """The numbers of the paid orders waiting to ship, the longest waiting first (the bulk-ship template);
    not those with nothing left to ship."""
    lines = OrderLine.objects.filter(order=OuterRef("pk"))
    returned = F("refunded_amount") + F("refunding_amount")
    return list(
        Order.objects.filter(status=Status.PAID)
        .filter(
            ~Exists(lines.filter(Q(refunded_amount__gt=0) | Q(refunding_amount__gt=0)))
            | Exists(lines.filter(paid_amount__gt=returned))
        )
        .order_by("paid_at", "id")
        .values_list("number", flat=True)[:limit]
    )


@dataclass(frozen=True)
class OrderSummary:
    """The dashboard's order cards: today in the store's time zone."""

    today: datetime.date
    orders_today: int
    paid_today: Decimal
    to_ship: int
    open_after_sales: int


def console_order_summary(*, now=None) -> OrderSummary:
    """Today's orders (placed today), what was paid today (refunds not taken off), the paid orders waiting
    to ship and the open after-sales requests; "today" in the active (the store's) time zone. Two queries
    whatever the number of orders."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now or timezone.now(), zone)
    start = datetime.datetime.combine(today, datetime.time.min, zone)
    end = start + datetime.timedelta(days=1)
    totals = Order.objects.order_by().aggregate(
        orders_today=Count("id", filter=Q(placed_at__gte=start, placed_at__lt=end)),
        paid_today=Sum("paid_amount", filter=Q(paid_at__gte=start, paid_at__lt=end), default=Decimal("0")),
        to_ship=Count("id", filter=Q(status=Status.PAID)),
    )
    return OrderSummary(today=today, open_after_sales=open_after_sale_count(), **totals)


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


def after_sale_queue_counts() -> dict[str, int]:
    """How many requests each queue holds, in one query."""
    by_status = dict(AfterSale.objects.order_by().values_list("status").annotate(n=Count("id")))
    open_count = sum(by_status.get(status, 0) for status in AfterSale.OPEN)
    return {
        "open": open_count,
        "requested": by_status.get(AfterSale.Status.REQUESTED, 0),
        "returned": by_status.get(AfterSale.Status.RETURNED, 0),
        "closed": sum(by_status.values()) - open_count,
    }


def open_after_sale_count() -> int:
    """The requests that wait for the merchant or for their refund (the console nav's badge)."""
    return AfterSale.objects.filter(status__in=AfterSale.OPEN).count()


def console_after_sale(*, pk) -> AfterSale:
    found = (
        AfterSale.objects.select_related("order_line__order", "buyer")
        .prefetch_related(
            "photos",
            Prefetch("events", queryset=AfterSaleEvent.objects.order_by("created_at", "id")),
            Prefetch("refunds", queryset=_refunds()),
        )
        .filter(pk=id_or_none(pk) or 0)
        .first()
    )
    if found is None:
        raise NotFound(_("This after-sales request does not exist."))
    return found
