from django.db.models import Count, QuerySet

from billing.models import Plan


def signup_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(is_public=True, is_retired=False).order_by("sort_order", "id")


def default_plan_code() -> str:
    plan = signup_plans().filter(is_default=True).first() or signup_plans().first()
    return plan.code if plan else ""


def plans_with_store_counts() -> QuerySet[Plan]:
    return Plan.objects.annotate(store_count=Count("subscriptions")).order_by("sort_order", "id")


def stores_with_plans(stores: QuerySet, *, plan_code: str = "") -> QuerySet:
    """Stores (a tenants queryset) with their subscription and plan joined in, optionally only those on
    one plan. Lives here because tenants knows nothing of billing."""
    stores = stores.select_related("subscription__plan")
    if plan_code:
        stores = stores.filter(subscription__plan__code=plan_code)
    return stores
