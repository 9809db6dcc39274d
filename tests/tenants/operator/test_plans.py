"""The operator's plans: the list with store counts, editing limits and features (audited), creating one."""

import re
from decimal import Decimal

import pytest

from billing.models import Plan, Subscription
from tenants.models import OperatorAction
from tests.tenants.operator.conftest import field_errors, plan_form_data


def test_plan_list_shows_store_counts(operator_client, store_a, store_b):
    html = operator_client.get("/operator/plans/").content.decode()
    for plan in Plan.objects.all():
        count = Subscription.objects.filter(plan=plan).count()
        row = re.search(rf'data-plan="{plan.code}".*?</tr>', html, re.S).group(0)
        assert f'class="store-count">{count}<' in row


def test_editing_a_plan_updates_its_limits_and_is_audited(operator_client, operator):
    plan = Plan.objects.get(code="basic")
    data = plan_form_data(
        plan,
        limit_products="300",
        limit_distributors="",
        price_monthly="129.00",
        feature_live_rooms="on",
        reason="Spring pricing",
    )
    response = operator_client.post(f"/operator/plans/{plan.pk}/edit/", data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.limit("products") == 300
    assert plan.limit("distributors") is None
    assert plan.price_monthly == Decimal("129.00")
    assert plan.has_feature("live_rooms")
    entry = OperatorAction.objects.get(action="plan.update", target_id=str(plan.pk))
    assert entry.actor == operator and entry.reason == "Spring pricing"
    assert entry.changes["price_monthly"] == ["99.00", "129.00"]
    assert "limits" in entry.changes


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("price_monthly", "-5", "Enter a price of zero or more."),
        ("limit_distribution_levels", "4", "Distribution levels are 1, 2 or 3"),
        ("trial_days", "365", "Trial days are a whole number from 0 to 90."),
        ("limit_staff", "lots", "Enter a whole number"),
    ],
)
def test_bad_plan_input_shows_field_errors_and_saves_nothing(operator_client, field, value, message):
    plan = Plan.objects.get(code="basic")
    before = Plan.objects.filter(pk=plan.pk).values().get()
    response = operator_client.post(
        f"/operator/plans/{plan.pk}/edit/", plan_form_data(plan, name="Renamed", **{field: value})
    )
    assert response.status_code == 200
    assert message in field_errors(response, field)
    assert Plan.objects.filter(pk=plan.pk).values().get() == before
    assert not OperatorAction.objects.exists()


def test_creating_a_plan(operator_client, operator):
    data = plan_form_data(
        Plan.objects.get(code="pro"), code="enterprise", name="Enterprise", limit_products=""
    )
    response = operator_client.post("/operator/plans/new/", data)
    assert response.status_code == 302
    plan = Plan.objects.get(code="enterprise")
    assert plan.name == "Enterprise" and plan.limit("products") is None
    assert OperatorAction.objects.filter(
        action="plan.create", target_id=str(plan.pk), actor=operator
    ).exists()
    # The same code again is refused on the code field.
    response = operator_client.post("/operator/plans/new/", data)
    assert response.status_code == 200
    assert "A plan with this code exists." in response.content.decode()
    assert Plan.objects.filter(code="enterprise").count() == 1
