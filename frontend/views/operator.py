"""The platform operator console (/operator/ on the platform host only: store hosts have no such URLs).

Thin views: each parses its input, calls one service (tenants.services.operator, tenants.services.templates,
billing.services) and renders the outcome; the services validate and write the audit log."""

import json
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from billing.models import FEATURE_KEYS, FEATURE_LABELS, LIMIT_KEYS, LIMIT_LABELS, Plan
from billing.selectors import plans_with_store_counts, stores_with_plans
from billing.services import create_plan, update_plan
from frontend.forms import LoginForm, apply_domain_error
from frontend.forms_operator import (
    SECTION_LABELS,
    ActionForm,
    AuditFilterForm,
    PlanForm,
    StoreFilterForm,
    SubMerchantForm,
    TemplateForm,
    sections_to_text,
)
from frontend.views.access import on_store_host, operator_required, safe_next
from shop.payments.wechat import platform_service_provider
from tenants.errors import DomainError, InvalidInput
from tenants.links import store_url
from tenants.models import DEFAULT_THEME, OperatorAction, Store, StoreTemplate
from tenants.selectors import merchant_stores, operator_actions, store_counts, store_payment_account
from tenants.services.operator import reactivate_store, set_wechat_sub_merchant, suspend_store
from tenants.services.templates import create_template, update_template

PAGE_SIZE = 25
HOME = "/operator/"


def _page(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# --- sign in and out ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login_view(request):
    if on_store_host(request):
        return redirect("/")
    if request.user.is_authenticated and request.user.is_staff:
        return redirect(safe_next(request, HOME))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The request goes along so django-axes can count wrong passwords per account and address.
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is not None and user.is_active and user.is_staff:
            login(request, user)
            return redirect(safe_next(request, HOME))
        if getattr(request, "axes_locked_out", False):
            from frontend.views.errors import locked_out

            return locked_out(request)
        # Same words for a wrong password and a non-operator account: the page never tells which
        # accounts exist.
        form.add_error(None, _("Wrong email or password, or not a platform operator account."))
    return render(
        request,
        "operator/login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@require_POST
def logout_view(request):
    logout(request)
    return redirect("/operator/login/")


# --- stores ------------------------------------------------------------------------------------


@operator_required
@require_http_methods(["GET"])
def store_list(request):
    plans = list(Plan.objects.order_by("sort_order", "id"))
    form = StoreFilterForm(request.GET, plans=plans)
    form.is_valid()  # a bad value (an impossible date, an unknown plan) is shown and ignored
    filters = form.cleaned_data
    stores = merchant_stores(
        search=(filters.get("q") or "").strip(),
        status=filters.get("status") or "",
        created_from=filters.get("created_from"),
        created_to=filters.get("created_to"),
    )
    stores = stores_with_plans(stores, plan_code=filters.get("plan") or "")
    page = _page(request, stores)
    page.object_list = list(page.object_list)
    for store in page.object_list:
        store.url = store_url(store, request=request)
    week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
    return render(
        request,
        "operator/stores.html",
        {
            "form": form,
            "page": page,
            "counts": store_counts(),
            "week_ago": week_ago,
            "filtered": any(filters.get(k) for k in ("q", "status", "plan", "created_from", "created_to")),
        },
    )


def _store_or_404(store_id) -> Store:
    return get_object_or_404(stores_with_plans(merchant_stores()), pk=store_id)


def _render_store(
    request, store, *, action_form=None, sub_merchant_form=None, extend_form=None, grant_form=None, status=200
):
    from frontend.views.operator_billing import store_billing_context

    entries = operator_actions(target_type="store", target_id=store.pk)
    account = store_payment_account(store)
    return render(
        request,
        "operator/store_detail.html",
        {
            **store_billing_context(store, extend_form=extend_form, grant_form=grant_form),
            "s": store,
            "store_link": store_url(store, request=request),
            "console_link": store_url(store, "/console/", request=request),
            "subscription": getattr(store, "subscription", None),
            "entries": _with_change_rows(entries[:50]),
            "entry_count": entries.count(),
            "action_form": action_form or ActionForm(),
            "payment_account": account,
            "platform_offers_wechat": platform_service_provider() is not None,
            "sub_merchant_form": sub_merchant_form
            or SubMerchantForm(
                initial={
                    "wechat_sub_mchid": account.wechat_sub_mchid,
                    "wechat_sub_appid": account.wechat_sub_appid,
                }
            ),
        },
        status=status,
    )


@operator_required
@require_http_methods(["GET"])
def store_detail(request, store_id):
    return _render_store(request, _store_or_404(store_id))


def _change_store_status(request, store_id, service, done_message):
    store = _store_or_404(store_id)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            service(store=store, actor=request.user, reason=form.cleaned_data["reason"])
        except InvalidInput as error:
            apply_domain_error(form, error)
        except DomainError as error:
            # An illegal move (the store changed under us, or a double submit): say so, change nothing.
            messages.error(request, error.message)
            return redirect(f"/operator/stores/{store.pk}/")
        else:
            messages.success(request, done_message % {"name": store.name})
            return redirect(f"/operator/stores/{store.pk}/")
    return _render_store(request, store, action_form=form)


@operator_required
@require_POST
def store_suspend(request, store_id):
    return _change_store_status(
        request, store_id, suspend_store, _("%(name)s is suspended. Its storefront is closed.")
    )


@operator_required
@require_POST
def store_reactivate(request, store_id):
    return _change_store_status(
        request, store_id, reactivate_store, _("%(name)s is active again. Its storefront is open.")
    )


@operator_required
@require_POST
def store_wechat_sub_merchant(request, store_id):
    store = _store_or_404(store_id)
    form = SubMerchantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            set_wechat_sub_merchant(
                store=store,
                actor=request.user,
                sub_mchid=data["wechat_sub_mchid"],
                sub_appid=data["wechat_sub_appid"],
                reason=data["reason"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request, _("The WeChat Pay sub-merchant number of %(name)s is saved.") % {"name": store.name}
            )
            return redirect(f"/operator/stores/{store.pk}/#payments")
    return _render_store(request, store, sub_merchant_form=form, status=400)


# --- plans -------------------------------------------------------------------------------------


@operator_required
@require_http_methods(["GET"])
def plan_list(request):
    plans = list(plans_with_store_counts())
    for plan in plans:
        plan.limit_rows = [(LIMIT_LABELS[key], plan.limit(key)) for key in LIMIT_KEYS]
        plan.feature_rows = [FEATURE_LABELS[key] for key in FEATURE_KEYS if plan.has_feature(key)]
    return render(request, "operator/plans.html", {"plans": plans})


def _plan_page(request, form, *, plan=None):
    store_count = plan.subscriptions.count() if plan else 0
    return render(
        request, "operator/plan_form.html", {"form": form, "plan": plan, "store_count": store_count}
    )


@operator_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    form = PlanForm(
        request.POST or None,
        creating=True,
        initial={"price_monthly": "0", "price_yearly": "0", "trial_days": "0", "is_public": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = create_plan(actor=request.user, code=form.cleaned_data["code"], data=form.service_data())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Plan “%(name)s” is created.") % {"name": plan.name})
            return redirect("/operator/plans/")
    return _plan_page(request, form)


@operator_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, plan_id):
    plan = get_object_or_404(Plan, pk=plan_id)
    form = PlanForm(request.POST or None, initial=PlanForm.initial_for(plan))
    if request.method == "POST" and form.is_valid():
        try:
            update_plan(
                plan=plan,
                actor=request.user,
                data=form.service_data(),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Plan “%(name)s” is saved.") % {"name": plan.name})
            return redirect("/operator/plans/")
    return _plan_page(request, form, plan=plan)


# --- storefront templates ----------------------------------------------------------------------


@operator_required
@require_http_methods(["GET"])
def template_list(request):
    templates = StoreTemplate.objects.annotate(store_count=Count("stores")).order_by("sort_order", "id")
    return render(
        request, "operator/templates.html", {"templates": templates, "section_labels": SECTION_LABELS}
    )


def _template_page(request, form, *, template=None):
    return render(
        request,
        "operator/template_form.html",
        {
            "form": form,
            "template_obj": template,
            "store_count": template.stores.count() if template else 0,
            "section_labels": SECTION_LABELS,
        },
    )


def _template_arguments(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "description": data.get("description", ""),
        "theme": form.theme(),
        "home_sections": form.sections(),
        "is_active": data.get("is_active", False),
        "sort_order": data.get("sort_order") or 0,
        "preview_image": data.get("preview_image"),
        "reason": data.get("reason", ""),
    }


@operator_required
@require_http_methods(["GET", "POST"])
def template_create(request):
    defaults = {
        **{
            f"theme_{key}": DEFAULT_THEME[key]
            for key in ("primary", "accent", "background", "surface", "text")
        },
        "theme_radius": DEFAULT_THEME["radius"],
        "home_sections": sections_to_text(
            [{"type": kind, "title": str(label)} for kind, label in SECTION_LABELS.items()]
        ),
        "is_active": True,
        "sort_order": StoreTemplate.objects.count(),
    }
    form = TemplateForm(request.POST or None, request.FILES or None, creating=True, initial=defaults)
    if request.method == "POST" and form.is_valid():
        try:
            template = create_template(
                actor=request.user, code=form.cleaned_data["code"], **_template_arguments(form)
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Template “%(name)s” is created.") % {"name": template.name})
            return redirect("/operator/templates/")
    return _template_page(request, form)


@operator_required
@require_http_methods(["GET", "POST"])
def template_edit(request, template_id):
    template = get_object_or_404(StoreTemplate, pk=template_id)
    form = TemplateForm(
        request.POST or None, request.FILES or None, initial=TemplateForm.initial_for(template)
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_template(
                template=template,
                actor=request.user,
                remove_preview_image=form.cleaned_data.get("remove_preview_image", False),
                **_template_arguments(form),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request, _("Template “%(name)s” is saved.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("/operator/templates/")
    return _template_page(request, form, template=template)


# --- audit log ---------------------------------------------------------------------------------

TARGET_PAGES = {
    "store": "/operator/stores/{id}/",
    "plan": "/operator/plans/{id}/edit/",
    "template": "/operator/templates/{id}/edit/",
}


def _show(value) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "—" if value in (None, "") else str(value)


def _with_change_rows(entries):
    """Each entry's changes as rows of (field, before, after); `after` is None for a plain value."""
    entries = list(entries)
    for entry in entries:
        rows = []
        for key, value in (entry.changes or {}).items():
            if isinstance(value, list) and len(value) == 2:
                rows.append((key, _show(value[0]), _show(value[1])))
            else:
                rows.append((key, _show(value), None))
        entry.change_rows = rows
        pattern = TARGET_PAGES.get(entry.target_type)
        entry.target_url = pattern.format(id=entry.target_id) if pattern else ""
    return entries


@operator_required
@require_http_methods(["GET"])
def audit_log(request):
    everything = OperatorAction.objects.order_by()
    form = AuditFilterForm(
        request.GET,
        actions=everything.values_list("action", flat=True).distinct().order_by("action"),
        target_types=everything.values_list("target_type", flat=True).distinct().order_by("target_type"),
    )
    form.is_valid()
    filters = form.cleaned_data
    entries = operator_actions(
        target_type=filters.get("target_type") or "", target_id=filters.get("target_id") or ""
    )
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    page = _page(request, entries)
    page.object_list = _with_change_rows(page.object_list)
    return render(
        request,
        "operator/audit.html",
        {"form": form, "page": page, "target_id": filters.get("target_id") or ""},
    )
