"""The console's after-sales queue and a request's page: the queues with their counts, what a request
says (kind, amount, units, reason, details, photos), its line and order, its history and refund; approve
(a refund only is paid back at once), reject with a reason, receive a returned item (restocked or not);
and a refund the provider refused, shown where the merchant will look."""

import pytest

from shop.models import SKU, AfterSale, AfterSalePhoto, MerchantNotification, Refund, StockMovement
from shop.services import aftersales, orders, refunds
from tenants.activity.models import ActivityEntry
from tests.shop.console.conftest import ask_refund, paid_order, text
from tests.shop.factories import image_file
from tests.snapshots import Snapshot


def shipped_order(shop, owner, *lines, number="78123456789012"):
    order = paid_order(shop, *lines)
    orders.ship_order(order=order, actor=owner, carrier="zhongtong", tracking_number=number)
    return order


def sent_back(shop, owner):
    """A return the buyer has shipped back: waiting to be received."""
    order = shipped_order(shop, owner, (shop.small, 2))
    request = ask_refund(shop, order, amount="29.90", kind="return_refund", quantity=1, reason="坏果")
    aftersales.approve_after_sale(actor=owner, after_sale=request)
    aftersales.ship_return(
        buyer=order.buyer, after_sale=request, carrier="中通", tracking_number="78123456789099"
    )
    return request


def test_the_queue_has_its_tabs_with_counts_and_the_oldest_request_first(shop, owner_client, owner):
    first = ask_refund(shop, paid_order(shop), amount="1.00", reason="第一")
    second = ask_refund(shop, paid_order(shop, (shop.large, 1)), amount="2.00", reason="第二")
    returned = sent_back(shop, owner)
    rejected = ask_refund(shop, paid_order(shop, (shop.tea_sku, 1)), amount="3.00")
    aftersales.reject_after_sale(actor=owner, after_sale=rejected, reason="已超过时限")

    page = text(owner_client.get("/console/after-sales/"))
    assert 'id="queue-count-open">3<' in page and 'id="queue-count-requested">2<' in page
    assert 'id="queue-count-returned">1<' in page and 'id="queue-count-closed">1<' in page
    assert page.index(first.number) < page.index(second.number) < page.index(returned.number)
    assert rejected.number not in page
    row = page.split(f'id="after-sale-{first.pk}"')[1].split("</tr>")[0]
    assert "Refund only" in row and "¥1.00" in row and "第一" in row and "Waiting for the merchant" in row
    assert first.order_line.order.number in row and "+86 138****8001" in row

    closed = text(owner_client.get("/console/after-sales/", {"queue": "closed"}))
    assert rejected.number in closed and first.number not in closed
    returns = text(owner_client.get("/console/after-sales/", {"queue": "returned"}))
    assert returned.number in returns and first.number not in returns
    # an unknown queue is the default one
    assert first.number in text(owner_client.get("/console/after-sales/", {"queue": "x' OR 1=1"}))


def test_a_requests_page_shows_the_request_its_line_order_and_history(shop, owner_client):
    order = paid_order(shop)
    request = ask_refund(shop, order, amount="19.93", reason="包装破损")
    AfterSalePhoto.objects.create(after_sale=request, image=image_file("broken.jpg"))

    page = text(owner_client.get(f"/console/after-sales/{request.pk}/"))
    assert request.number in page and "Refund only" in page and "¥19.93" in page
    assert "包装破损" in page and "坏了两个" in page
    assert request.photos.get().image.url in page
    assert "烟台苹果" in page and f'href="/console/orders/{order.pk}/"' in page
    assert "Paid for the item" in page and "¥59.80" in page
    history = page.split('id="after-sale-history"')[1].split("</section>")[0]
    assert "Waiting for the merchant" in history and "Buyer" in history
    assert "Approve" in page and "Reject" in page


def test_approving_a_refund_only_pays_it_back(shop, owner_client, owner, eager_tasks):
    order = paid_order(shop)
    request = ask_refund(shop, order, amount="12.50")

    with eager_tasks(execute=True):
        response = owner_client.post(f"/console/after-sales/{request.pk}/approve/")
    assert response.status_code == 302 and response["Location"] == f"/console/after-sales/{request.pk}/"
    page = text(owner_client.get(response["Location"]))
    assert "is approved: the refund is on its way" in page
    request.refresh_from_db()
    refund = Refund.objects.get(after_sale=request)
    assert request.status == AfterSale.Status.REFUNDED and refund.status == Refund.Status.SUCCEEDED
    assert refund.out_refund_no in page and refund.provider_refund_id in page
    assert ActivityEntry.objects.filter(action="after_sale.approved", actor=owner).exists()
    order.refresh_from_db()
    assert str(order.refunded_amount) == "12.50"


def test_approving_twice_is_refused_and_changes_nothing(shop, owner_client, owner):
    request = ask_refund(shop, paid_order(shop))
    aftersales.approve_after_sale(actor=owner, after_sale=request)
    before = Snapshot(shop.store.schema_name).take()
    response = owner_client.post(f"/console/after-sales/{request.pk}/approve/")
    assert response.status_code == 409 and "it cannot be approved" in text(response)
    assert Snapshot(shop.store.schema_name).take() == before


def test_approving_a_return_waits_for_the_parcel(shop, owner_client, owner):
    order = shipped_order(shop, owner)
    request = ask_refund(shop, order, amount="29.90", kind="return_refund", quantity=1)
    response = owner_client.post(f"/console/after-sales/{request.pk}/approve/", follow=True)
    assert "the buyer can send the item back" in text(response)
    assert "Waiting for the buyer to send the item back." in text(response)
    assert AfterSale.objects.get(pk=request.pk).status == AfterSale.Status.APPROVED
    assert not Refund.objects.exists()


def test_rejecting_needs_a_reason_which_the_buyer_is_shown(shop, owner_client):
    request = ask_refund(shop, paid_order(shop))
    refused = owner_client.post(f"/console/after-sales/{request.pk}/reject/", {"reason": ""})
    assert refused.status_code == 400 and "Say why." in text(refused)
    too_long = owner_client.post(f"/console/after-sales/{request.pk}/reject/", {"reason": "长" * 201})
    assert too_long.status_code == 400 and "At most 200 characters." in text(too_long)
    assert AfterSale.objects.get(pk=request.pk).status == AfterSale.Status.REQUESTED

    response = owner_client.post(
        f"/console/after-sales/{request.pk}/reject/", {"reason": "商品已使用，不支持退款"}, follow=True
    )
    assert "is rejected" in text(response) and "商品已使用，不支持退款" in text(response)
    request.refresh_from_db()
    assert request.status == AfterSale.Status.REJECTED and request.reject_reason == "商品已使用，不支持退款"


@pytest.mark.parametrize("restock", [True, False])
def test_a_received_return_is_refunded_and_restocked_when_ticked(
    shop, owner_client, owner, eager_tasks, restock
):
    request = sent_back(shop, owner)
    page = text(owner_client.get(f"/console/after-sales/{request.pk}/"))
    assert "ZTO Express" in page and "78123456789099" in page and 'name="restock"' in page

    with eager_tasks(execute=True):
        response = owner_client.post(
            f"/console/after-sales/{request.pk}/receive/", {"restock": "on"} if restock else {}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == AfterSale.Status.REFUNDED and request.restocked is restock
    assert SKU.objects.get(pk=shop.small.pk).stock == (9 if restock else 8)
    assert StockMovement.objects.filter(reference=request.number).count() == (1 if restock else 0)


def test_receiving_before_the_buyer_sent_it_back_is_refused(shop, owner_client, owner):
    order = shipped_order(shop, owner)
    request = ask_refund(shop, order, amount="29.90", kind="return_refund", quantity=1)
    aftersales.approve_after_sale(actor=owner, after_sale=request)
    before = Snapshot(shop.store.schema_name).take()
    response = owner_client.post(f"/console/after-sales/{request.pk}/receive/", {"restock": "on"})
    assert response.status_code == 409 and "it cannot be received" in text(response)
    assert Snapshot(shop.store.schema_name).take() == before


def test_a_refund_the_provider_refused_is_shown_on_the_request_and_in_the_notices(shop, owner_client, owner):
    request = ask_refund(shop, paid_order(shop), amount="8.80")
    aftersales.approve_after_sale(actor=owner, after_sale=request)  # the refund waits for the worker
    refund = Refund.objects.get(after_sale=request)
    refunds.fail_refund(refund=refund, message="NOT_ENOUGH 商户可用退款余额不足")

    page = text(owner_client.get(f"/console/after-sales/{request.pk}/"))
    alert = page.split('id="refund-failed"')[1].split("</div>")[0]
    assert "The refund of ¥8.80" in alert and "failed at the payment provider" in alert
    assert "商户可用退款余额不足" in alert
    assert "Refund failed" in page.split('id="after-sale-refunds"')[1]
    notice = MerchantNotification.objects.get(kind="refund_failed")
    assert notice.link == f"/console/after-sales/{request.pk}/"
    notices = text(owner_client.get("/console/notifications/"))
    assert "A refund of 8.80 failed" in notices and notice.link in notices
    order_page = text(owner_client.get(f"/console/orders/{request.order_line.order_id}/"))
    assert "Refund failed" in order_page and "商户可用退款余额不足" in order_page


@pytest.mark.parametrize("pk", ["0", "424242", "9223372036854775808"])
def test_a_request_that_does_not_exist_is_a_404(shop, owner_client, pk):
    assert owner_client.get(f"/console/after-sales/{pk}/").status_code == 404
    for action in ("approve", "reject", "receive"):
        assert owner_client.post(f"/console/after-sales/{pk}/{action}/", {"reason": "x"}).status_code == 404
