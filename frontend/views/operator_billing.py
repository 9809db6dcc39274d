"""The operator's billing pages: the platform's figures (/operator/billing/: MRR, subscriptions by plan,
trials, overdue and locked stores, the latest invoices) and, on a store's page, its billing history with
"extend the trial" and "grant a plan" — each with a reason kept in the audit log."""

from datetime import datetime, time

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from billing.models import BillingEvent, Invoice
from billing.selectors import monthly_series, revenue_summary
from billing.subscriptions import extend_trial, grant_plan
from frontend.forms import apply_domain_error
from frontend.forms_operator import ExtendTrialForm, GrantPlanForm
from frontend.views.access import operator_required
from tenants.errors import DomainError


def store_billing_context(store, *, extend_form=None, grant_form=None) -> dict:
    return {
        "invoices": Invoice.objects.filter(store=store).select_related("plan")[:12],
        "billing_events": BillingEvent.objects.filter(store=store)[:12],
        "extend_form": extend_form or ExtendTrialForm(initial={"days": 7}),
        "grant_form": grant_form or GrantPlanForm(),
    }


@operator_required
@require_GET
def billing_overview(request):
    months = monthly_series()
    context = {"summary": revenue_summary(), "months": months, "chart_width": len(months) * 100}
    return render(request, "operator/billing.html", context)


@operator_required
@require_POST
def store_extend_trial(request, store_id):
    from frontend.views.operator import _render_store, _store_or_404

    store = _store_or_404(store_id)
    form = ExtendTrialForm(request.POST)
    if form.is_valid():
        try:
            extend_trial(
                store=store,
                actor=request.user,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The trial of %(name)s is extended.") % {"name": store.name})
            return redirect(f"/operator/stores/{store.pk}/#billing")
    return _render_store(request, store, extend_form=form, status=400)


@operator_required
@require_POST
def store_grant_plan(request, store_id):
    from frontend.views.operator import _render_store, _store_or_404

    store = _store_or_404(store_id)
    form = GrantPlanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        until = timezone.make_aware(datetime.combine(data["until"], time(23, 59)))
        try:
            grant_plan(
                store=store, actor=request.user, plan_code=data["plan"], until=until, reason=data["reason"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("%(name)s is on the plan you chose.") % {"name": store.name})
            return redirect(f"/operator/stores/{store.pk}/#billing")
    return _render_store(request, store, grant_form=form, status=400)
