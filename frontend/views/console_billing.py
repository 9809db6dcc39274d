"""The console's "Plan & billing" page (/console/billing/): the store's plan and its state, the plans to
choose (monthly or yearly), the invoices; and, without Stripe keys, the billing sandbox's checkout and portal
pages. These stay open while the store is read-only for billing: they are how a merchant gets it back."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing import checkout, quotas
from billing.models import Invoice, Subscription
from billing.permissions import can_manage_billing
from billing.providers import SANDBOX, provider_code
from billing.selectors import plans_on_sale
from frontend.forms import error_text
from frontend.views.access import role_required
from frontend.views.console import usage_counts
from tenants.errors import DomainError
from tenants.links import store_url

ONLY_BILLING = gettext_lazy("Only the owner, an administrator or finance can manage the plan.")
billing_role = role_required(
    can_manage_billing,
    ONLY_BILLING,
    back="console:dashboard",
    back_label=gettext_lazy("Back to the dashboard"),
)


@billing_role
@require_GET
def billing_page(request):
    store = request.tenant
    subscription = Subscription.objects.select_related("plan").get(store=store)
    usage = usage_counts()
    plans = plans_on_sale()
    for option in plans:
        option.over = quotas.over_limits(option, usage)
    context = {
        "subscription": subscription,
        "plan": subscription.plan,
        "over_now": quotas.over_limits(subscription.plan, usage),
        "plans": plans,
        "invoices": Invoice.objects.filter(store=store).select_related("plan")[:24],
        "paying": checkout.is_paying(subscription),
        "sandbox": provider_code() == SANDBOX,
        "Status": Subscription.Status,
        "interval": request.GET.get("interval")
        if request.GET.get("interval") in ("month", "year")
        else "month",
    }
    return render(request, "console/billing/page.html", context)


@billing_role
@require_POST
def billing_checkout(request):
    store = request.tenant
    try:
        started = checkout.start_checkout(
            store=store,
            actor=request.user,
            plan_code=request.POST.get("plan", ""),
            interval=request.POST.get("interval", ""),
            success_url=store_url(store, "/console/billing/?checkout=done"),
            cancel_url=store_url(store, "/console/billing/"),
        )
    except DomainError as error:
        messages.error(request, error_text(error))
        return redirect("console:billing")
    if started.changed_at_once:
        messages.success(request, _("Your plan is changed. It applies now; the difference is prorated."))
        return redirect("console:billing")
    return redirect(started.redirect_url)


@billing_role
@require_POST
def billing_portal(request):
    try:
        return redirect(
            checkout.portal_url(
                store=request.tenant, return_url=store_url(request.tenant, "/console/billing/")
            )
        )
    except DomainError as error:
        messages.error(request, error_text(error))
        return redirect("console:billing")


@billing_role
@require_http_methods(["GET", "POST"])
def sandbox_checkout(request, token: str):
    store = request.tenant
    try:
        pending = checkout.read_sandbox_checkout(store=store, token=token)
    except DomainError as error:
        messages.error(request, error_text(error))
        return redirect("console:billing")
    if request.method == "POST":
        succeed = request.POST.get("outcome") != "decline"
        try:
            checkout.sandbox_pay(store=store, actor=request.user, token=token, succeed=succeed)
        except DomainError as error:
            messages.error(request, error_text(error))
            return redirect("console:billing")
        if succeed:
            messages.success(request, _("Thank you: you are on %(plan)s now.") % {"plan": pending.plan.name})
        else:
            messages.error(request, _("The card was declined. Nothing changed; try again with another card."))
        return redirect("console:billing")
    return render(request, "console/billing/sandbox_checkout.html", {"pending": pending, "token": token})


@billing_role
@require_http_methods(["GET", "POST"])
def sandbox_portal(request):
    store = request.tenant
    subscription = Subscription.objects.select_related("plan").get(store=store)
    if request.method == "POST":
        try:
            done = checkout.sandbox_portal(
                store=store, actor=request.user, action=request.POST.get("action", "")
            )
        except DomainError as error:
            messages.error(request, error_text(error))
            return redirect("console:billing")
        said = {
            "cancel": _("Your subscription ends at the end of the period you paid for."),
            "resume": _("Your subscription goes on."),
            "renew": _("The renewal is paid."),
            "fail_renewal": _("The renewal payment failed: the store keeps working during the grace period."),
        }
        (messages.error if done == "fail_renewal" else messages.success)(request, said[done])
        return redirect("console:billing")
    if provider_code() != SANDBOX or not checkout.is_paying(subscription):
        return redirect("console:billing")
    return render(request, "console/billing/sandbox_portal.html", {"subscription": subscription})
