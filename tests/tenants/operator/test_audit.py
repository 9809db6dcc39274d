"""The operator's audit log: every operator action, its filters and pages."""

from billing.models import Plan
from tenants.models import OperatorAction
from tests.tenants.operator.conftest import plan_form_data


def test_audit_log_lists_every_operator_action_and_filters(operator_client, operator, store_a):
    operator_client.post(f"/operator/stores/{store_a.pk}/suspend/", {"reason": "Chargebacks"})
    plan = Plan.objects.get(code="pro")
    operator_client.post(
        f"/operator/plans/{plan.pk}/edit/", plan_form_data(plan, limit_staff="12", reason="More seats")
    )
    response = operator_client.get("/operator/audit/")
    html = response.content.decode()
    assert "store.suspend" in html and "Chargebacks" in html and "Store A" in html
    assert "plan.update" in html and "More seats" in html and operator.email in html
    assert f'href="/operator/stores/{store_a.pk}/"' in html

    only_plans = operator_client.get("/operator/audit/", {"target_type": "plan"}).content.decode()
    assert "More seats" in only_plans and "Chargebacks" not in only_plans
    only_suspensions = operator_client.get("/operator/audit/", {"action": "store.suspend"}).content.decode()
    assert "Chargebacks" in only_suspensions and "More seats" not in only_suspensions


def test_audit_log_pages_by_25(operator_client, operator, store_a):
    OperatorAction.objects.bulk_create(
        OperatorAction(
            actor=operator,
            action="store.note",
            target_type="store",
            target_id=str(store_a.pk),
            reason=f"n{i}",
        )
        for i in range(27)
    )
    first = operator_client.get("/operator/audit/").content.decode()
    second = operator_client.get("/operator/audit/", {"page": 2}).content.decode()
    assert first.count("store.note</span>") == 25
    assert second.count("store.note</span>") == 2
