from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone

from billing.models import BILLED_BY_PROVIDER, Invoice, Plan, Subscription
from tenants.models import Store
from tenants.money import to_money


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


def plans_on_sale() -> list[Plan]:
    """The plans a store can subscribe to now, in the catalogue's order."""
    return [plan for plan in Plan.objects.order_by("sort_order", "id") if plan.is_on_sale]


def monthly_value(subscription) -> Decimal:
    """What the subscription brings in a month: its monthly price, or a twelfth of its yearly one."""
    plan = subscription.plan
    if subscription.interval == Subscription.Interval.YEAR:
        return to_money(plan.price_yearly / 12)
    return to_money(plan.price_monthly)


def revenue_summary(*, now=None) -> dict:
    """The operator's billing figures: MRR (paying subscriptions, overdue ones included until they end),
    subscriptions by plan, trials, overdue and locked stores, paid invoices of the last 30 days."""
    now = now or timezone.now()
    subs = list(
        Subscription.objects.select_related("plan", "store").filter(
            store__status__in=[Store.Status.ACTIVE, Store.Status.SUSPENDED]
        )
    )
    billed = (Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE)
    paying = [s for s in subs if s.provider in BILLED_BY_PROVIDER and s.status in billed]
    paying_ids = {s.pk for s in paying}
    by_plan: dict[int, dict] = {}
    for plan in Plan.objects.order_by("sort_order", "id"):
        by_plan[plan.pk] = {"plan": plan, "paying": 0, "trialing": 0, "mrr": Decimal("0.00")}
    for sub in subs:
        row = by_plan[sub.plan_id]
        if sub.pk in paying_ids:
            row["paying"] += 1
            row["mrr"] += monthly_value(sub)
        elif sub.status == Subscription.Status.TRIALING:
            row["trialing"] += 1
    month_ago = now - timedelta(days=30)
    paid = Invoice.objects.filter(status=Invoice.Status.PAID, created_at__gte=month_ago)
    return {
        "mrr": sum((monthly_value(s) for s in paying), Decimal("0.00")),
        "paying": len(paying),
        "trialing": sum(1 for s in subs if s.status == Subscription.Status.TRIALING),
        "past_due": sum(1 for s in subs if s.status == Subscription.Status.PAST_DUE),
        "locked": sum(1 for s in subs if s.store.billing_lock),
        "cancelled": sum(1 for s in subs if s.status == Subscription.Status.CANCELLED),
        "by_plan": [row for row in by_plan.values() if row["paying"] or row["trialing"]],
        "revenue_30d": sum((i.amount for i in paid), Decimal("0.00")),
        "invoices": Invoice.objects.select_related("store", "plan")[:20],
    }


def _month_starts(now, months: int) -> list:
    first = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    starts = [first]
    for _ in range(months - 1):
        previous = (starts[-1] - timedelta(days=1)).replace(day=1)
        starts.append(previous)
    return list(reversed(starts))


def monthly_series(*, months: int = 12, now=None) -> list[dict]:
    """The operator's figures month by month (the platform's time zone): trials started, trials that
    converted (first paid), subscriptions that ended, money paid, and the MRR at the month's end (each
    subscription counted at its current plan's price while it was paying)."""
    now = now or timezone.now()
    starts = _month_starts(now, months)
    subs = list(Subscription.objects.select_related("plan").exclude(store__status=Store.Status.POOL))
    invoices = list(Invoice.objects.filter(status=Invoice.Status.PAID).values_list("created_at", "amount"))
    rows = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else (start + timedelta(days=32)).replace(day=1)
        month_end = end

        def within(moment, start=start, end=end):
            return moment is not None and start <= moment < end

        rows.append(
            {
                "month": start,
                "trials": sum(1 for s in subs if within(s.started_at)),
                "conversions": sum(1 for s in subs if within(s.converted_at)),
                "ended": sum(1 for s in subs if within(s.ended_at)),
                "revenue": sum((amount for created, amount in invoices if within(created)), Decimal("0.00")),
                "mrr": sum(
                    (
                        monthly_value(s)
                        for s in subs
                        if s.converted_at
                        and s.converted_at < month_end
                        and (s.ended_at is None or s.ended_at >= month_end)
                        and s.provider in BILLED_BY_PROVIDER
                    ),
                    Decimal("0.00"),
                ),
            }
        )
    top = max([row["mrr"] for row in rows] + [row["revenue"] for row in rows] + [Decimal("1")])
    for index, row in enumerate(rows):  # bar geometry for the page's chart: 100 units a month, 100 high
        row["x"] = index * 100
        row["mrr_height"] = int(row["mrr"] * 100 / top)
        row["revenue_height"] = int(row["revenue"] * 100 / top)
        row["mrr_y"] = 110 - row["mrr_height"]
        row["revenue_y"] = 110 - row["revenue_height"]
    return rows


def trial_days_to_announce(store) -> int | None:
    """The days left of the store's free trial once it is time to say so on every console page (from the
    first reminder on), else None."""
    from billing.subscriptions import REMINDER_DAYS

    sub = Subscription.objects.filter(store_id=store.pk, status=Subscription.Status.TRIALING).first()
    days = sub.trial_days_left if sub else None
    return days if days is not None and days <= max(REMINDER_DAYS) else None
