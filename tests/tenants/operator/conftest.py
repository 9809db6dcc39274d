"""Helpers the operator console's tests share."""

from billing.models import Plan

OPERATOR_PAGES = [
    "/operator/",
    "/operator/stores/",
    "/operator/plans/",
    "/operator/plans/new/",
    "/operator/templates/",
    "/operator/templates/new/",
    "/operator/audit/",
    "/operator/billing/",
]


def field_errors(response, field: str) -> str:
    """The HTML of one form field's block (label, input, its errors)."""
    html = response.content.decode()
    assert f'id="field-{field}"' in html, field
    return html.split(f'id="field-{field}"', 1)[1].split('<div class="field', 1)[0]


def plan_form_data(plan: Plan, **changes) -> dict:
    data = {
        "name": plan.name,
        "tagline": plan.tagline,
        "price_monthly": str(plan.price_monthly),
        "price_yearly": str(plan.price_yearly),
        "trial_days": str(plan.trial_days),
        "is_public": "on" if plan.is_public else "",
    }
    for key in ("products", "distributors", "staff", "distribution_levels"):
        value = plan.limit(key)
        data[f"limit_{key}"] = "" if value is None else str(value)
    for key, on in (plan.features or {}).items():
        if on:
            data[f"feature_{key}"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
