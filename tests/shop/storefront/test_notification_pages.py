"""What the store told the buyer: the list (unread ones marked), opening one (read, and on to its order),
"mark all read", and the unread count on the "Me" tab."""

import re

import pytest

from shop.models import BuyerNotification
from tests.shop.storefront.conftest import text_of

pytestmark = pytest.mark.django_db


def tell(buyer, title, *, link="", kind="order_paid"):
    return BuyerNotification.objects.create(buyer=buyer, kind=kind, title=title, body="正文", link=link)


def test_a_paid_order_is_told_in_the_list_and_counted_on_the_me_tab(shop, me, eager_tasks):
    order = shop.place([(shop.small, 1)])
    with eager_tasks(execute=True):
        shop.pay(order)
    html = me.html("/account/notifications/")
    notice = BuyerNotification.objects.get(buyer=shop.buyer)
    assert f'id="notification-{notice.pk}"' in html and 'class="notice-item unread"' in html
    assert "Payment received: we are preparing your order." in text_of(html)
    home = me.html("/")
    assert re.search(r'id="tab-me"[^>]*>.*?<span class="count-badge"[^>]*>1</span>', home, re.S)


def test_opening_a_notification_reads_it_and_goes_to_its_order(shop, me):
    notice = tell(shop.buyer, "发货了", link="/orders/E123/")
    response = me.post("/account/notifications/read/", {"notification": notice.pk})
    assert response.status_code == 302 and response["Location"] == "/orders/E123/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "count-badge" not in re.search(r'id="tab-me".*?</a>', me.html("/"), re.S).group(0)


@pytest.mark.parametrize(
    "link", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_a_link_off_the_store_is_not_followed(shop, me, link):
    notice = tell(shop.buyer, "x", link=link)
    response = me.post("/account/notifications/read/", {"notification": notice.pk})
    assert response["Location"] == "/account/notifications/"


def test_mark_all_read_reads_only_the_buyers_own(shop, me, buyer_2):
    mine = [tell(shop.buyer, f"n{n}") for n in range(3)]
    theirs = tell(buyer_2, "theirs")
    response = me.post("/account/notifications/read/")
    assert response.status_code == 302
    assert all(BuyerNotification.objects.get(pk=n.pk).read_at for n in mine)
    assert BuyerNotification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.parametrize("value", ["1e5", "١", "99999999999999999999", "-1", "abc"])
def test_an_odd_id_changes_nothing(shop, me, value):
    notice = tell(shop.buyer, "x")
    me.post("/account/notifications/read/", {"notification": value})
    assert BuyerNotification.objects.get(pk=notice.pk).read_at is None


def test_another_buyers_notification_is_a_404_and_stays_unread(shop, me, other, buyer_2, buyer_of_b):
    theirs = tell(buyer_2, "theirs", link="/orders/E9/")
    mine = tell(shop.buyer, "mine")
    response = me.post("/account/notifications/read/", {"notification": theirs.pk})
    assert response.status_code == 404
    assert buyer_of_b.post("/account/notifications/read/", {"notification": mine.pk}).status_code == 404
    assert BuyerNotification.objects.filter(read_at__isnull=False).count() == 0
    assert "theirs" not in me.html("/account/notifications/") and "mine" not in other.html(
        "/account/notifications/"
    )


def test_the_list_is_for_signed_in_buyers(shop, guest):
    response = guest.get("/account/notifications/")
    assert response["Location"] == "/account/sign-in/?next=%2Faccount%2Fnotifications%2F"
    assert 'id="no-notifications"' not in response.content.decode()
