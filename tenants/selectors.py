"""Reads of public-schema data that pages and endpoints share."""

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import OperatorAction, Store, StorePaymentAccount, StoreTemplate
from tenants.validators import subdomain_problem


def TAKEN_MESSAGE() -> str:
    return _("This subdomain is already taken. Please choose another.")


def subdomain_available(slug: str) -> tuple[bool, str]:
    """(available, message) for the live check in the signup wizard."""
    slug = (slug or "").strip().lower()
    problem = subdomain_problem(slug)
    if problem:
        return False, problem
    if Store.objects.filter(slug=slug).exists():
        return False, TAKEN_MESSAGE()
    return True, ""


def signup_templates() -> QuerySet[StoreTemplate]:
    return StoreTemplate.objects.filter(is_active=True)


def merchant_stores(
    *, search: str = "", status: str = "", created_from=None, created_to=None
) -> QuerySet[Store]:
    """Stores as the operator console lists them: claimed stores only, newest first."""
    qs = (
        Store.objects.filter(status__in=[Store.Status.ACTIVE, Store.Status.SUSPENDED])
        .select_related("template")
        .order_by("-claimed_at", "-id")
    )
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(slug__icontains=search)
            | Q(owner_email__icontains=search)
            | Q(owner_name__icontains=search)
            | Q(owner_phone__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if created_from:
        qs = qs.filter(claimed_at__date__gte=created_from)
    if created_to:
        qs = qs.filter(claimed_at__date__lte=created_to)
    return qs


def store_counts() -> dict:
    """The operator console's headline numbers: all, active, suspended, opened in the last 7 days."""
    week_ago = timezone.now() - timedelta(days=7)
    return merchant_stores().aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status=Store.Status.ACTIVE)),
        suspended=Count("pk", filter=Q(status=Store.Status.SUSPENDED)),
        opened_7d=Count("pk", filter=Q(claimed_at__gte=week_ago)),
    )


def operator_actions(*, target_type: str = "", target_id: str = "") -> QuerySet[OperatorAction]:
    qs = OperatorAction.objects.select_related("actor")
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=str(target_id))
    return qs


def store_payment_account(store: Store) -> StorePaymentAccount:
    """What the platform set for a store's payments (its WeChat Pay sub-merchant number), or an empty,
    unsaved account when nothing was set."""
    return StorePaymentAccount.objects.filter(store_id=store.pk).first() or StorePaymentAccount(store=store)
