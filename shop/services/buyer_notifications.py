"""What the store tells a buyer when their order moves — paid, shipped, a refund decided: a line in
their in-app list, and a text message (and an email when they gave one) through the backends. Called
from the order events' listeners (shop/receivers.py), after the change committed; a message that cannot
be sent is logged, never undoes the order's change."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.models import AfterSale, BuyerNotification, Order
from tenants import sms
from tenants.errors import DomainError
from tenants.links import store_url
from tenants.models import Store

logger = logging.getLogger(__name__)

ORDER_SMS = "order_update"
ORDER_SMS_TEXT = gettext_lazy("【%(store)s】%(text)s Order %(number)s.")
ORDER_SMS_PARAMS = ("store", "text", "number")


def _store() -> Store | None:
    return Store.objects.filter(schema_name=connection.schema_name).first()


def notify(*, buyer_id: int, kind: str, title: str, body: str = "", link: str = "", number: str = "") -> None:
    """Add to the buyer's list, then text and email them."""
    buyer = get_user_model().objects.filter(pk=buyer_id, is_active=True).first()
    if buyer is None:
        return
    BuyerNotification.objects.create(buyer=buyer, kind=kind, title=title[:200], body=body, link=link[:200])
    store = _store()
    name = store.name if store else settings.PLATFORM_NAME
    if buyer.phone:
        try:
            sms.send_sms(
                phone=buyer.phone, template=ORDER_SMS, params={"store": name, "text": title, "number": number}
            )
        except DomainError as error:
            logger.warning("could not text buyer %s about %s: %s", buyer.pk, kind, error.message)
    if buyer.email and store is not None:
        send_mail(
            f"[{name}] {title}",
            f"{body}\n\n{store_url(store, link)}".strip(),
            None,
            [buyer.email],
            fail_silently=True,
        )


def _order_link(order: Order) -> str:
    return f"/orders/{order.number}/"


def order_paid(*, order_id: int) -> None:
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return
    notify(
        buyer_id=order.buyer_id,
        kind="order_paid",
        title=_("Payment received: we are preparing your order."),
        body=_("You paid %(amount)s for order %(number)s.")
        % {"amount": order.paid_amount, "number": order.number},
        link=_order_link(order),
        number=order.number,
    )


def order_shipped(*, order_id: int, carrier: str, tracking_number: str) -> None:
    from shop.tracking.carriers import carrier_name

    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return
    notify(
        buyer_id=order.buyer_id,
        kind="order_shipped",
        title=_("Your order is on its way."),
        body=_("%(carrier)s, tracking number %(number)s.")
        % {"carrier": carrier_name(carrier), "number": tracking_number},
        link=_order_link(order),
        number=order.number,
    )


_DECISIONS = {
    AfterSale.Status.APPROVED: gettext_lazy("Your after-sales request was accepted."),
    AfterSale.Status.REJECTED: gettext_lazy("Your after-sales request was declined."),
    AfterSale.Status.REFUNDED: gettext_lazy("Your refund has been sent."),
}


def after_sale_changed(*, after_sale_id: int, status: str) -> None:
    if status not in _DECISIONS:
        return
    after_sale = AfterSale.objects.select_related("order_line__order").get(pk=after_sale_id)
    order = after_sale.order_line.order
    if status == AfterSale.Status.REFUNDED:
        body = _("%(amount)s goes back the way you paid.") % {"amount": after_sale.amount}
    elif status == AfterSale.Status.REJECTED:
        body = after_sale.reject_reason
    elif after_sale.kind == AfterSale.Kind.RETURN_AND_REFUND:
        body = _("Send the item back and enter the tracking number in the request.")
    else:
        body = _("The refund of %(amount)s is on its way.") % {"amount": after_sale.amount}
    notify(
        buyer_id=after_sale.buyer_id,
        kind=f"after_sale_{status}",
        title=str(_DECISIONS[status]),
        body=body,
        link=f"/after-sales/{after_sale.number}/",
        number=order.number,
    )


@transaction.atomic
def mark_read(*, buyer, ids=None) -> int:
    """Mark the buyer's notifications read (all unread ones when `ids` is None). Others' are untouched."""
    unread = BuyerNotification.objects.filter(buyer=buyer, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=[pk for pk in ids if isinstance(pk, int) and not isinstance(pk, bool)])
    return unread.update(read_at=timezone.now())
