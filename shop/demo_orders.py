"""Demo buyers and orders for the "鲜果小铺" demo store: the demo buyer 小林 (+86 138 0013 8000, who signs in
on the storefront with a texted code) with two addresses, five more buyers, the shipping rules a fruit shop
sets (¥8 flat, free from ¥99, ¥25 to 新疆, 西藏 and 青海 whatever the amount), and orders in every state an
order and an after-sales request can be in, spread over the last four weeks.

All of it is made through the services that buyers, the merchant, the payment sandbox, the tracking sandbox
and the periodic jobs drive — place_order; start_payment, then the sandbox's signed notification through
handle_notification; ship_order and the parcel's tracking; confirm_receipt; the timeout and auto-complete
jobs; after-sales — each at a moment in the past under the demo clock (shop/demo_clock.py). Stock, money,
histories and the activity log are what those services make of it: nothing is written around them.

Seeded once, in one transaction: a store that has the demo orders (their idempotency keys start with
"demo:") gets nothing more, and a failure leaves nothing behind. The shipping rules are set then too, so a
merchant's later changes to them survive the next `make run`. What listens to the orders' events — the
buyers' notifications and texts, the queued tracking and refund tasks — runs when the seed commits: now.

Refunds: agreeing to a refund (or receiving a return) records it and leaves the provider call to a worker
after the commit, and no worker runs while `make run` seeds. So the seed makes that call itself, with
`refunds.submit_refund`, right after the service that queued it and at the same moment, as the worker
would a second later; the sandbox refunds at once. The task the commit still queues finds the refund done.

Paying needs the payment sandbox (settings.PAYMENT_SANDBOX, on in development and tests): without it, as in
`make bench`, there are no demo orders. Parcels get their tracking only when the platform's tracking
provider is the sandbox."""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from shop.demo_clock import frozen_at
from shop.models import SKU, Address, AfterSale, Order, Refund
from shop.payments.base import EventKind
from shop.payments.registry import SANDBOX, available_providers, provider_for
from shop.services import (
    aftersales,
    buyer_auth,
    checkout,
    orders,
    payments,
    refunds,
    shipping_rules,
    tracking_updates,
)
from shop.services.addresses import AddressInput, add_address
from shop.services.aftersales import AfterSaleInput
from shop.services.shipping_rules import RegionFeeInput, ShippingRulesInput
from shop.tracking import registry as tracking_registry

logger = logging.getLogger(__name__)

DEMO_BUYER_PHONE = "+8613800138000"
KEY_PREFIX = "demo:"
REMOTE_PROVINCES = ("650000", "540000", "630000")  # 新疆, 西藏, 青海
SHIPPING_RULES = ShippingRulesInput(
    shipping_flat_fee="8.00",
    free_shipping_over="99.00",
    # free_over_applies=False: a parcel to these provinces costs ¥25 however much is in it.
    region_fees=tuple(RegionFeeInput(province_code=code, fee="25.00") for code in REMOTE_PROVINCES),
    unpaid_timeout_minutes=30,
    auto_complete_days=10,
    after_sale_days=15,
)
# After the catalogue (shop.demo.CATALOGUE_AGE, 40 days) and before the buyers joined and ordered.
RULES_AGE = timedelta(days=38)
# The periodic refresh asks about parcels every half hour: a delivery is seen within that.
TRACKING_REFRESH = timedelta(minutes=30)
# How long after the step before a story's steps usually come, unless the story says otherwise.
PAY_AFTER = timedelta(minutes=2)
CANCEL_AFTER = timedelta(minutes=6)
SHIP_AFTER = timedelta(hours=18)
CONFIRM_AFTER = timedelta(hours=6)  # after the parcel was signed for


def _address(contact, phone, province, city, district, detail, postal_code):
    return AddressInput(
        contact_name=contact,
        phone=phone,
        province_code=province,
        city=city,
        district=district,
        detail=detail,
        postal_code=postal_code,
    )


@dataclass(frozen=True)
class DemoBuyer:
    key: str  # how the stories below name them
    phone: str  # E.164
    name: str
    joined: timedelta  # how long ago
    # The first becomes the default, as the first address of a book does (a book the buyer already
    # filled keeps its own default).
    addresses: tuple[AddressInput, ...]


BUYERS = (
    DemoBuyer(
        "xiaolin",
        DEMO_BUYER_PHONE,
        "小林",
        timedelta(days=33),
        (
            _address(
                "林晓",
                "13800138000",
                "310000",
                "上海市",
                "浦东新区",
                "世纪大道 1200 弄 3 号 1201 室",
                "200120",
            ),
            _address(
                "林晓",
                "13800138000",
                "110000",
                "北京市",
                "朝阳区",
                "建国路 89 号 2 号楼 1805（公司）",
                "100022",
            ),
        ),
    ),
    DemoBuyer(
        "wangfang",
        "+8613900139001",
        "王芳",
        timedelta(days=30),
        (
            _address(
                "王芳", "13900139001", "330000", "杭州市", "西湖区", "文三路 90 号 6 幢 302 室", "310012"
            ),
        ),
    ),
    DemoBuyer(
        "chenchen",
        "+8613700137002",
        "陈晨",
        timedelta(days=29),
        (_address("陈晨", "13700137002", "440000", "广州市", "天河区", "天河路 385 号 1502 室", "510620"),),
    ),
    DemoBuyer(
        "liuyang",
        "+8618600186003",
        "刘洋",
        timedelta(days=25),
        (
            _address(
                "刘洋", "18600186003", "510000", "成都市", "武侯区", "人民南路四段 11 号 2 单元 801", "610041"
            ),
        ),
    ),
    DemoBuyer(
        "zhaolei",
        "+8613600136005",
        "赵磊",
        timedelta(days=20),
        (
            _address(
                "赵磊", "13600136005", "320000", "南京市", "鼓楼区", "中山北路 30 号 5 栋 601 室", "210008"
            ),
        ),
    ),
    DemoBuyer(
        "ayiguli",
        "+8615900159004",
        "阿依古丽",
        timedelta(days=14),
        (
            _address(
                "阿依古丽",
                "15900159004",
                "650000",
                "乌鲁木齐市",
                "天山区",
                "解放南路 66 号 3 单元 402",
                "830002",
            ),
        ),
    ),
)


class Story:
    """One demo order from placing on: each step calls its service at the story's moment, which moves
    forward step by step (`after` = how long after the previous step) and never past the seed's start."""

    def __init__(self, seeder: "Seeder", key: str, buyer, moment: datetime):
        self.seeder, self.key, self.buyer, self.moment = seeder, key, buyer, moment
        self.order: Order | None = None
        self.shipment = None
        self.request: AfterSale | None = None

    def _at(self, moment: datetime):
        if moment > self.seeder.now:
            # A story below whose steps end after now (the sandbox's delivery time, which varies with the
            # tracking number, included): shorten its gaps.
            raise ValueError(f"demo order {self.key} would reach {moment:%Y-%m-%d %H:%M}, after now")
        self.moment = moment
        return frozen_at(moment)

    def _after(self, delta: timedelta):
        return self._at(self.moment + delta)

    def place(self, lines, *, address: int = 0, note: str = "", source=Order.Source.STOREFRONT) -> "Story":
        with self._at(self.moment):
            self.order = checkout.place_order(
                buyer=self.buyer,
                data=checkout.CheckoutInput(
                    lines=tuple((self.seeder.sku(code, spec).pk, quantity) for code, spec, quantity in lines),
                    address_id=self.seeder.addresses[self.buyer.pk][address].pk,
                    idempotency_key=KEY_PREFIX + self.key,
                    buyer_note=note,
                    source=source,
                ),
            )
        return self

    def pay(self, *, after=PAY_AFTER) -> "Story":
        """The buyer pays on the sandbox's page: its signed notification goes through the notify path."""
        store = self.seeder.store
        with self._after(after):
            payment, _started = payments.start_payment(
                store=store, order=self.order, buyer=self.buyer, provider_code=SANDBOX, return_url="/"
            )
            headers, body = provider_for(store, SANDBOX).build_notification(
                kind=EventKind.PAYMENT_SUCCEEDED,
                out_trade_no=payment.out_trade_no,
                amount=payment.amount,
                # Signed now: the notify path checks this stamp against the real clock, as it must.
                timestamp=int(time.time()),
            )
            _ack, outcome = payments.handle_notification(
                store=store, provider_code=SANDBOX, headers=headers, body=body
            )
        if outcome != "paid":
            raise RuntimeError(f"demo order {self.key} was not paid: {outcome}")
        return self

    def cancel(self, *, reason: str, after=CANCEL_AFTER) -> "Story":
        with self._after(after):
            orders.cancel_order(order=self.order, actor=self.buyer, role="buyer", reason=reason)
        return self

    def time_out(self) -> "Story":
        """The timeout job, a minute after the time to pay ran out."""
        with self._at(self.order.pay_deadline + timedelta(minutes=1)):
            orders.close_unpaid_orders()
        return self

    def ship(self, carrier: str, tracking_number: str, *, after=SHIP_AFTER) -> "Story":
        with self._after(after):
            self.shipment = orders.ship_order(
                order=self.order, actor=self.seeder.owner, carrier=carrier, tracking_number=tracking_number
            )
            if self.seeder.sandbox_tracking:
                # What the worker does right after the parcel ships (shop.tasks.start_parcel_tracking).
                tracking_updates.start_tracking(shipment=self.shipment, store=self.seeder.store)
        return self

    def deliver(self) -> "Story":
        """The refresh job finds the parcel signed for, within half an hour of the sandbox's signing."""
        if self.seeder.sandbox_tracking:
            provider = tracking_registry.tracking_provider()
            signed, _state, _text = provider.timeline(
                self.shipment.carrier, self.shipment.tracking_number, self.shipment.shipped_at
            )[-1]
            with self._at(signed + TRACKING_REFRESH):
                tracking_updates.refresh_tracking(shipment=self.shipment, provider=provider)
        return self

    def confirm(self, *, after=CONFIRM_AFTER) -> "Story":
        with self._after(after):
            orders.confirm_receipt(order=self.order, buyer=self.buyer)
        return self

    def auto_complete(self) -> "Story":
        """The auto-complete job, a few minutes after the buyer's days to confirm ran out."""
        self.order.refresh_from_db()
        with self._at(self.order.auto_complete_at + timedelta(minutes=5)):
            orders.complete_delivered_orders()
        return self

    def ask(self, code, spec, *, kind, reason, amount=None, quantity=0, details="", after) -> "Story":
        """The buyer asks for after-sales on the line of SKU (code, spec): for `amount`, else all that is
        left of what was paid for it."""
        line = self.order.lines.get(sku=self.seeder.sku(code, spec))
        with self._after(after):
            self.request = aftersales.request_after_sale(
                buyer=self.buyer,
                data=AfterSaleInput(
                    order_line_id=line.pk,
                    kind=kind,
                    amount=amount if amount is not None else line.paid_amount - line.refunded_amount,
                    reason=reason,
                    details=details,
                    quantity=quantity,
                ),
            )
        return self

    def approve(self, *, after) -> "Story":
        with self._after(after):
            aftersales.approve_after_sale(actor=self.seeder.owner, after_sale=self.request)
            self._submit_refunds()
        return self

    def reject(self, *, reason: str, after) -> "Story":
        with self._after(after):
            aftersales.reject_after_sale(actor=self.seeder.owner, after_sale=self.request, reason=reason)
        return self

    def ship_back(self, carrier: str, tracking_number: str, *, after) -> "Story":
        with self._after(after):
            aftersales.ship_return(
                buyer=self.buyer, after_sale=self.request, carrier=carrier, tracking_number=tracking_number
            )
        return self

    def receive(self, *, restock: bool, after) -> "Story":
        with self._after(after):
            aftersales.receive_return(actor=self.seeder.owner, after_sale=self.request, restock=restock)
            self._submit_refunds()
        return self

    def _submit_refunds(self) -> None:
        """The worker's part of a refund (see the module's docstring), done here at once."""
        for refund in Refund.objects.filter(after_sale=self.request, status=Refund.Status.PENDING):
            if (
                refunds.submit_refund(store=self.seeder.store, refund=refund).status
                != Refund.Status.SUCCEEDED
            ):
                raise RuntimeError(f"the refund of demo order {self.key} did not go through")


class Seeder:
    """What the stories share: the store, its owner, the demo buyers and their addresses, the SKUs."""

    def __init__(self, store, owner, now: datetime):
        self.store, self.owner, self.now = store, owner, now
        self.sandbox_tracking = settings.TRACKING_PROVIDER == tracking_registry.SANDBOX
        self.buyers: dict[str, object] = {}
        self.addresses: dict[int, list[Address]] = {}
        self._skus: dict[tuple[str, str], SKU] = {}

    def add_buyer(self, demo: DemoBuyer) -> None:
        """The buyer with the demo's number, made when the number never signed in here; the demo's
        addresses added to their book unless it has them already."""
        User = get_user_model()
        joined = self.now - demo.joined
        buyer = User.objects.filter(role=User.Role.CUSTOMER, phone=demo.phone).first()
        if buyer is None:
            with frozen_at(joined):
                buyer = buyer_auth.create_buyer(phone=demo.phone, name=demo.name, how="demo")
        book = []
        for index, data in enumerate(demo.addresses):
            address = Address.objects.filter(
                buyer=buyer, contact_name=data.contact_name, detail=data.detail
            ).first()
            if address is None:
                with frozen_at(joined + timedelta(minutes=3 + index)):
                    address = add_address(buyer=buyer, data=data)
            book.append(address)
        self.buyers[demo.key] = buyer
        self.addresses[buyer.pk] = book

    def sku(self, code: str, spec: str) -> SKU:
        if (code, spec) not in self._skus:
            self._skus[code, spec] = SKU.objects.select_related("product").get(
                product__code=code, spec_key=spec
            )
        return self._skus[code, spec]

    def order(self, key: str, buyer: str, *, ago: timedelta, lines, **options) -> Story:
        return Story(self, key, self.buyers[buyer], self.now - ago).place(lines, **options)


def _stories(demo: Seeder) -> None:
    """The demo's orders, one story each, named by the state they end in."""
    # Awaiting payment, closing in 12 minutes: after that the timeout job (every minute) cancels it.
    demo.order(
        "awaiting-payment",
        "xiaolin",
        ago=timedelta(minutes=18),
        lines=[("DEMO-05", "2斤装", 1)],
        note="周六上午在家，麻烦那时送到",
    )
    demo.order(
        "cancelled-by-buyer", "wangfang", ago=timedelta(days=9, hours=3), lines=[("DEMO-07", "3斤", 2)]
    ).cancel(reason="规格选错了，重新下单")
    demo.order(
        "cancelled-by-timeout", "chenchen", ago=timedelta(days=6, hours=10), lines=[("DEMO-09", "经典款", 1)]
    ).time_out()
    # Several lines, free shipping (over ¥99).
    demo.order(
        "paid-awaiting-shipment",
        "xiaolin",
        ago=timedelta(hours=5),
        lines=[("DEMO-01", "5斤 / 精品", 2), ("DEMO-06", "125g×4盒", 1), ("DEMO-11", "", 1)],
        note="麻烦挑个头大一点的，谢谢！",
    ).pay(after=timedelta(minutes=3))
    # To 小林's office; shipped about a day ago, so the sandbox has it between transfer centres.
    demo.order(
        "shipped-in-transit",
        "xiaolin",
        ago=timedelta(days=1, hours=8),
        lines=[("DEMO-03", "10斤 / 大果", 1)],
        address=1,
        source=Order.Source.MINI_PROGRAM,
    ).pay().ship("zhongtong", "78316024519088", after=timedelta(hours=9))
    demo.order(
        "delivered-not-confirmed", "zhaolei", ago=timedelta(days=4, hours=6), lines=[("DEMO-02", "10斤", 1)]
    ).pay().ship("shunfeng", "SF1408837261540", after=timedelta(hours=5)).deliver()
    demo.order(
        "completed",
        "wangfang",
        ago=timedelta(days=24),
        lines=[("DEMO-03", "5斤 / 中果", 2), ("DEMO-02", "5斤", 1)],
    ).pay().ship("yuantong", "YT7391028465513", after=timedelta(hours=20)).deliver().confirm(
        after=timedelta(hours=5)
    )
    demo.order(
        "completed-by-itself", "chenchen", ago=timedelta(days=17), lines=[("DEMO-04", "", 1)]
    ).pay().ship("yunda", "4318827364019", after=timedelta(days=1)).deliver().auto_complete()
    demo.order(
        "completed-several-lines",
        "chenchen",
        ago=timedelta(days=27),
        lines=[("DEMO-01", "10斤 / 精品", 1), ("DEMO-03", "10斤 / 中果", 1), ("DEMO-11", "", 1)],
        source=Order.Source.MINI_PROGRAM,
    ).pay().ship("jd", "JDVA28391052218", after=timedelta(hours=16)).deliver().confirm(
        after=timedelta(hours=2)
    )
    # 新疆: ¥25 shipping although the order is over the ¥99 of free shipping.
    demo.order(
        "remote-province", "ayiguli", ago=timedelta(days=11, hours=4), lines=[("DEMO-09", "经典款", 1)]
    ).pay().ship("ems", "1096283741052", after=timedelta(days=1)).deliver().confirm(after=timedelta(hours=8))
    # Completed, then part of one line refunded (the other line untouched).
    demo.order(
        "partial-refund",
        "xiaolin",
        ago=timedelta(days=15),
        lines=[("DEMO-07", "5斤", 1), ("DEMO-01", "10斤 / 特级", 1)],
    ).pay().ship("jd", "JDVA28391047562").deliver().confirm(after=timedelta(hours=3)).ask(
        "DEMO-07",
        "5斤",
        kind=AfterSale.Kind.REFUND_ONLY,
        amount=Decimal("15.00"),
        reason="有两个芒果压坏了",
        details="箱子一角被压扁，两个芒果破皮出汁，其余的都很好。",
        after=timedelta(minutes=20),
    ).approve(after=timedelta(hours=2))
    # A return the merchant agreed to: 小林 still has to send it back (he can, on the storefront).
    demo.order(
        "return-approved", "xiaolin", ago=timedelta(days=8), lines=[("DEMO-09", "豪华款", 1)]
    ).pay().ship("jtexpress", "JT5083726194051", after=timedelta(hours=20)).deliver().confirm(
        after=timedelta(hours=2)
    ).ask(
        "DEMO-09",
        "豪华款",
        kind=AfterSale.Kind.RETURN_AND_REFUND,
        reason="礼盒外包装破损，送不了人",
        quantity=1,
        after=timedelta(hours=1),
    ).approve(after=timedelta(hours=3))
    # A return on its way back: the merchant is to receive it (and say whether it goes back to stock).
    demo.order(
        "return-shipped-back",
        "wangfang",
        ago=timedelta(days=11),
        lines=[("DEMO-10", "", 2)],
        source=Order.Source.API,
    ).pay().ship("shentong", "773208316457920", after=timedelta(days=1)).deliver().confirm(
        after=timedelta(hours=4)
    ).ask(
        "DEMO-10",
        "",
        kind=AfterSale.Kind.RETURN_AND_REFUND,
        amount=Decimal("500.00"),
        quantity=1,
        reason="多买了一张，卡未激活",
        after=timedelta(days=1),
    ).approve(after=timedelta(hours=2)).ship_back("yuantong", "YT7391028469902", after=timedelta(hours=5))
    # A return received, back in stock and refunded.
    demo.order(
        "return-refunded",
        "liuyang",
        ago=timedelta(days=19),
        lines=[("DEMO-11", "", 2), ("DEMO-06", "125g×4盒", 1)],
    ).pay().ship("yunda", "4318827370085", after=timedelta(hours=22)).deliver().confirm(
        after=timedelta(hours=3)
    ).ask(
        "DEMO-11",
        "",
        kind=AfterSale.Kind.RETURN_AND_REFUND,
        amount=Decimal("79.90"),
        quantity=1,
        reason="多买了一盒，还没拆封",
        after=timedelta(hours=10),
    ).approve(after=timedelta(hours=1)).ship_back(
        "zhongtong", "78316024533150", after=timedelta(hours=20)
    ).receive(restock=True, after=timedelta(days=2))
    # A request for the merchant to decide, on a parcel that arrived (not yet confirmed).
    demo.order(
        "after-sale-waiting", "xiaolin", ago=timedelta(days=3, hours=12), lines=[("DEMO-05", "2斤装", 1)]
    ).pay().ship("shunfeng", "SF1408837269921", after=timedelta(hours=4)).deliver().ask(
        "DEMO-05",
        "2斤装",
        kind=AfterSale.Kind.REFUND_ONLY,
        amount=Decimal("20.00"),
        reason="有几颗草莓压坏发软了",
        after=timedelta(minutes=40),
    )
    demo.order(
        "after-sale-rejected", "zhaolei", ago=timedelta(days=13), lines=[("DEMO-03", "5斤 / 大果", 1)]
    ).pay().ship("zhongtong", "78316024527713", after=timedelta(hours=20)).deliver().confirm().ask(
        "DEMO-03",
        "5斤 / 大果",
        kind=AfterSale.Kind.REFUND_ONLY,
        reason="口感偏酸，和描述的不一样",
        after=timedelta(days=1),
    ).reject(
        reason="果品完好、没有坏果；脐橙的酸甜因人而异，不属于质量问题，抱歉不能退款。",
        after=timedelta(hours=3),
    )


@transaction.atomic
def seed(store, owner) -> None:
    if Order.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
        return
    if SANDBOX not in available_providers(store):
        logger.warning("No demo orders: they are paid through the payment sandbox, which is off here.")
        return
    now = timezone.now()
    with frozen_at(now - RULES_AGE):
        shipping_rules.update_shipping_rules(actor=owner, data=SHIPPING_RULES)
    demo = Seeder(store, owner, now)
    for buyer in BUYERS:
        demo.add_buyer(buyer)
    _stories(demo)
    if demo.sandbox_tracking:
        # The half-hourly refresh, run now: parcels still on their way show their journey so far.
        tracking_updates.refresh_due_shipments(provider=tracking_registry.tracking_provider())
