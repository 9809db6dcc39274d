"""Every merchant and staff action leaves a line in the store's activity log (who, what, which object,
the fields before and after), which the owner reads and filters in the console and over the API."""

from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from shop.models import Product
from tenants.activity.models import ActivityEntry
from tests.conftest import api_client, login_client, make_staff, owner_of, text
from tests.shop.factories import make_category, new_product

User = get_user_model()


def entries(store, **filters):
    with schema_context(store.schema_name):
        return list(ActivityEntry.objects.filter(**filters).order_by("id"))


def in_store(store, fn):
    with schema_context(store.schema_name):
        return fn()


def test_a_product_made_and_changed_over_the_api_is_in_the_log_with_its_changes(owner_api_a, store_a):
    owner = owner_of(store_a)
    created = owner_api_a.post(
        "/api/v1/products/", {"title": "草莓", "skus": [{"price": "9.90", "stock": 3}]}, format="json"
    ).json()
    owner_api_a.patch(f"/api/v1/products/{created['id']}/", {"version": 1, "subtitle": "丹东"}, format="json")

    made, changed = entries(store_a, target_type="product", target_id=str(created["id"]))
    assert (made.action, made.actor_id, made.target_label) == ("product.created", owner.pk, "草莓")
    assert changed.action == "product.updated" and changed.changes == {"subtitle": ["", "丹东"]}


def test_console_actions_are_recorded_with_their_actor(owner_client_a, store_a):
    owner = owner_of(store_a)
    product = in_store(store_a, lambda: new_product(store_a, title="礼盒", status="draft"))
    owner_client_a.post("/console/products/bulk/", {"action": "on_sale", "ids": [product.pk]})
    owner_client_a.post("/console/categories/", {"name": "水果", "sort_order": "0", "is_visible": "on"})
    owner_client_a.post("/console/shop-settings/", {"auto_off_sale_when_sold_out": "on"})
    sku = in_store(store_a, lambda: product.skus.get())
    owner_client_a.post(
        f"/console/products/{product.pk}/stock/{sku.pk}/adjust/",
        {f"sku{sku.pk}-mode": "set", f"sku{sku.pk}-amount": "25", f"sku{sku.pk}-note": "盘点"},
    )

    log = {entry.action: entry for entry in entries(store_a) if entry.action != "product.created"}
    assert log["product.status_changed"].changes == {"status": ["draft", "on_sale"]}
    assert log["category.created"].target_label == "水果"
    assert log["shop_settings.updated"].changes["auto_off_sale_when_sold_out"] == [False, True]
    assert (
        log["sku.stock_adjusted"].changes == {"stock": [10, 25]} and log["sku.stock_adjusted"].note == "盘点"
    )
    assert {entry.actor_id for entry in log.values()} == {owner.pk}


def test_staff_changes_are_recorded(owner_client_a, store_a):
    owner_client_a.post(
        "/console/staff/", {"email": "fin@a.example", "name": "小财", "role": "finance", "password": ""}
    )
    member = in_store(store_a, lambda: User.objects.get(email="fin@a.example"))
    owner_client_a.post(f"/console/staff/{member.pk}/role/", {"role": "operations"})
    owner_client_a.post(f"/console/staff/{member.pk}/active/", {"active": "0"})

    actions = [(e.action, e.changes) for e in entries(store_a, target_type="user")]
    assert actions == [
        ("staff.added", {"role": [None, "finance"], "email": [None, "fin@a.example"]}),
        ("staff.role_changed", {"role": ["finance", "operations"]}),
        ("staff.deactivated", {"is_active": [True, False]}),
    ]


def log_table(response) -> str:
    page = text(response)
    return page[page.index('id="activity-table"') :]


def test_the_console_page_lists_and_filters_the_log(owner_client_a, store_a):
    in_store(store_a, lambda: make_category("水果"))
    product = in_store(store_a, lambda: new_product(store_a, title="苹果礼盒"))
    owner_client_a.post("/console/products/bulk/", {"action": "off_sale", "ids": [product.pk]})

    table = log_table(owner_client_a.get("/console/activity/"))
    assert "Product status changed" in table and "苹果礼盒" in table
    assert "<del>on_sale</del> → off_sale" in table and "Category created" in table

    only_status = log_table(owner_client_a.get("/console/activity/", {"action": "product.status_changed"}))
    assert "苹果礼盒" in only_status and "Category created" not in only_status
    nothing = log_table(owner_client_a.get("/console/activity/", {"search": "不存在的"}))
    assert "Nothing matches these filters." in nothing


def test_only_the_owner_and_administrators_read_the_log(store_a, client_a):
    login_client(client_a, store_a, make_staff(store_a, role=User.Role.OPERATIONS))
    assert client_a.get("/console/activity/").status_code == 302
    operations_api = api_client(store_a, make_staff(store_a, role=User.Role.FINANCE))
    assert operations_api.get("/api/v1/activity/").status_code == 403


def test_the_api_lists_and_filters_the_log(owner_api_a, store_a):
    in_store(store_a, lambda: make_category("水果"))
    owner_api_a.post("/api/v1/brands/", {"name": "佳沛"}, format="json")

    listed = owner_api_a.get("/api/v1/activity/").json()["results"]
    assert [e["action"] for e in listed] == ["brand.created", "category.created"]
    assert listed[0]["action_label"] == "Brand created"
    brands = owner_api_a.get("/api/v1/activity/", {"target_type": "brand"}).json()["results"]
    assert [e["target_label"] for e in brands] == ["佳沛"]
    one = owner_api_a.get(f"/api/v1/activity/{listed[0]['id']}/")
    assert one.status_code == 200 and one.json()["changes"] == {
        "name": [None, "佳沛"],
        "sort_order": [None, 0],
    }


def test_a_store_never_sees_another_stores_log(store_a, store_b, owner_api_a):
    in_store(store_a, lambda: make_category("A 的分类"))
    owner_b = owner_of(store_b)
    api_b = api_client(store_b, owner_b)
    assert api_b.get("/api/v1/activity/").json()["results"] == []
    entry = entries(store_a)[0]
    assert api_b.get(f"/api/v1/activity/{entry.pk}/").status_code == 404
    # B's token on A's host is unknown there.
    token_b = api_b._credentials["HTTP_AUTHORIZATION"]
    stranger = api_client(store_a)
    stranger.credentials(HTTP_AUTHORIZATION=token_b)
    assert stranger.get("/api/v1/activity/").status_code == 401


def test_a_refused_change_records_nothing(owner_api_a, store_a):
    before = len(entries(store_a))
    response = owner_api_a.post("/api/v1/products/", {"title": "", "skus": []}, format="json")
    assert response.status_code == 400
    assert len(entries(store_a)) == before and not in_store(store_a, Product.objects.exists)
