"""Kuaidi100 as the tests see it, at the HTTP layer only: its answers and pushes as its documentation
shows them (China-time timestamps without a zone, Chinese event texts, string state codes), signed the
way Kuaidi100 signs them."""

import hashlib
import itertools
import json
import uuid

from django.utils import timezone

from shop.models import Order, Shipment
from shop.services.numbers import new_number
from tests.factories import UserFactory

CUSTOMER = "D5A6B4C3E2F1A0B9C8D7E6F5A4B3C2D1"
KEY = "kQvYxZbT7428"
SALT = "fx-push-salt-1f3c5e7a9b2d4f6a8c0e"

_numbers = itertools.count(78100000000001)


def md5_upper(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest().upper()


def zto_number() -> str:
    return str(next(_numbers))


def make_order(**fields) -> Order:
    """A paid and shipped order of a new buyer (call inside a store's schema)."""
    now = timezone.now()
    values = {
        "number": new_number("T"),
        "buyer": UserFactory(),
        "idempotency_key": uuid.uuid4().hex,
        "pay_deadline": now,
        "status": Order.Status.SHIPPED,
        "contact_phone": "138 1234 5678",
        "paid_at": now,
        "shipped_at": now,
        **fields,
    }
    return Order.objects.create(**values)


def make_shipment(
    *, order: Order | None = None, carrier: str = "zhongtong", number: str = "", **fields
) -> Shipment:
    return Shipment.objects.create(
        order=order or make_order(), carrier=carrier, tracking_number=number or zto_number(), **fields
    )


def timeline(*events: tuple[str, str], status: str = "在途") -> list[dict]:
    """Kuaidi100's `data`: [(time, text)] as given (it sends newest first)."""
    return [
        {"context": text, "time": time, "ftime": time, "status": status, "areaCode": None, "areaName": None}
        for time, text in events
    ]


COLLECTED = ("2026-11-28 09:12:40", "【杭州市】中通快递 杭州余杭区仓前网点 已揽收")
DEPARTED = ("2026-11-28 21:03:05", "【杭州市】快件已从 杭州转运中心 发出，准备发往 北京转运中心")
ARRIVED = ("2026-11-29 18:40:11", "【北京市】快件已到达 北京转运中心")
OUT_FOR_DELIVERY = (
    "2026-11-30 08:05:00",
    "【北京市】北京朝阳区望京网点 快递员 王师傅（138****5678）正在派件",
)
SIGNED = ("2026-11-30 11:26:53", "【北京市】快件已签收，签收人：本人。感谢使用中通快递，期待再次为您服务")


def query_answer(carrier: str, number: str, state: str, *events: tuple[str, str]) -> dict:
    return {
        "message": "ok",
        "nu": number,
        "ischeck": "1" if state == "3" else "0",
        "condition": "F00",
        "com": carrier,
        "status": "200",
        "state": state,
        "data": timeline(*reversed(sorted(events))),
    }


def push_param(carrier: str, number: str, state: str, *events: tuple[str, str], **top) -> str:
    body = {
        "status": "shutdown" if state == "3" else "polling",
        "billstatus": "got",
        "message": "",
        "autoCheck": "0",
        "comOld": "",
        "comNew": "",
        "lastResult": query_answer(carrier, number, state, *events),
        **top,
    }
    return json.dumps(body, ensure_ascii=False)


def push_form(
    carrier: str, number: str, state: str, *events: tuple[str, str], salt: str = SALT, **top
) -> dict:
    """A push as Kuaidi100 posts it: the JSON `param` and its signature, upper-case MD5(param + salt)."""
    param = push_param(carrier, number, state, *events, **top)
    return {"param": param, "sign": md5_upper(param + salt)}
