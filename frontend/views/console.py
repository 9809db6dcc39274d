"""The merchant console (/console/ on a store host): login, dashboard, store settings, staff.

Every page runs in the store's own schema: its users, sessions and staff are this store's only. Views
parse the request, call one service and render; the services hold the rules (plan limits, the owner's
protection, the suspended store's read-only state)."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from billing import quotas
from billing.models import FEATURE_KEYS, FEATURE_LABELS, LIMIT_KEYS, LIMIT_LABELS
from frontend.forms import LoginForm, apply_domain_error
from frontend.forms_console import (
    StaffActiveForm,
    StaffMemberForm,
    StaffRoleForm,
    StoreSettingsForm,
    WechatSettingsForm,
    role_choices,
)
from frontend.views.access import on_store_host, safe_next, staff_required
from frontend.views.errors import locked_out
from shop.selectors.console import product_count
from shop.selectors.orders import console_order_summary
from shop.services import wechat
from tenants.accounts import services as staff_services
from tenants.errors import DomainError, LockedOut
from tenants.links import store_url
from tenants.services.login_tokens import redeem_login_token
from tenants.services.store_settings import selectable_templates, time_zone_names, update_store_settings

# What the dashboard counts against the plan's limits: limit key → a count in the current schema.
# Later apps add their own row here (distributors).
USAGE_COUNTERS: dict[str, Callable[[], int]] = {
    "staff": staff_services.active_staff_count,
    "products": product_count,
}


def usage_counts() -> dict[str, int]:
    """What the store has of each thing a plan limits, counted in its schema."""
    return {key: count() for key, count in USAGE_COUNTERS.items()}


# The one-time display of a generated staff password: set by the add, popped by the next page view.
NEW_PASSWORD_SESSION_KEY = "console.new_staff_password"


# ---------------------------------------------------------------------------------------------
# Login
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login_view(request):
    if not on_store_host(request):
        return redirect("/")
    if request.user.is_authenticated and request.user.is_store_staff:
        return redirect(safe_next(request, "/console/"))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_services.authenticate_staff(
                request=request, email=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except LockedOut:
            return locked_out(request)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            login(request, user)
            return redirect(safe_next(request, "/console/"))
    return render(
        request,
        "console/login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@require_http_methods(["GET"])
def token_login(request):
    """The one-time link from signup: log the new owner in on their store's own host."""
    if not on_store_host(request):
        return redirect("/")
    try:
        user = redeem_login_token(store=request.tenant, token=request.GET.get("t", ""))
    except DomainError as error:
        # Expired, forged, reused or another store's link: each has its own message and status.
        return render(
            request,
            "console/login.html",
            {"form": LoginForm(), "token_error": error.message},
            status=error.status_code,
        )
    if not user.is_store_staff:
        return render(
            request,
            "console/login.html",
            {"form": LoginForm(), "token_error": _("This login link is not valid.")},
            status=403,
        )
    login(request, user, backend="tenants.accounts.backends.AccountBackend")
    if request.GET.get("welcome"):
        messages.success(request, _("Welcome! Your store is open. Add your first product to get started."))
    return redirect("/console/")


@require_POST
def logout_view(request):
    logout(request)
    return redirect("/console/login/")


# ---------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _first_run_hints(store, user, counts: dict[str, int]) -> list[dict]:
    """Friendly next steps for a new store; each disappears once done."""
    hints = []
    if counts.get("products", 0) == 0:
        hints.append(
            {
                "title": _("Add your first product"),
                "text": _("Give it a photo, a price and some stock; it appears on your storefront at once."),
                "url": _url_or_none("catalog:products"),
            }
        )
    if user.can_manage_store and not store.logo:
        hints.append(
            {
                "title": _("Upload your logo"),
                "text": _("It shows at the top of your storefront and of this console."),
                "url": reverse("console:settings"),
            }
        )
    if user.can_manage_store and counts.get("staff", 0) <= 1:
        hints.append(
            {
                "title": _("Invite your team"),
                "text": _("Give operations, customer service and finance colleagues their own login."),
                "url": reverse("console:staff"),
            }
        )
    if counts.get("distributors", 0) == 0:
        hints.append(
            {
                "title": _("Recruit your first distributors"),
                "text": _("Fans who share your products earn a commission on every sale they bring in."),
                "url": _url_or_none("console:distributors"),
            }
        )
    return hints


@staff_required
@require_http_methods(["GET"])
def dashboard(request):
    store = request.tenant
    plan = quotas.plan_for(store)
    subscription = getattr(store, "subscription", None)
    counts = usage_counts()
    usage = quotas.usage_summary(store, counts)
    for row in usage:
        row["percent"] = min(100, round(row["used"] * 100 / row["limit"])) if row["limit"] else 0
    context = {
        "plan": plan,
        "subscription": subscription,
        "trial_days_left": subscription.trial_days_left
        if subscription and subscription.status == subscription.Status.TRIALING
        else None,
        "limits": [
            {"key": key, "label": LIMIT_LABELS[key], "limit": quotas.limit(store, key)} for key in LIMIT_KEYS
        ],
        "features": [
            {"key": key, "label": FEATURE_LABELS[key], "on": quotas.has_feature(store, key)}
            for key in FEATURE_KEYS
        ],
        "usage": usage,
        "staff_count": counts["staff"],
        "storefront_url": store_url(store, "/", request=request),
        "hints": _first_run_hints(store, request.user, counts),
        "orders": console_order_summary(),
    }
    return render(request, "console/dashboard.html", context)


# ---------------------------------------------------------------------------------------------
# Store settings (owner / administrator)
# ---------------------------------------------------------------------------------------------


@staff_required(manager=True)
@require_http_methods(["GET", "POST"])
def store_settings(request):
    store = request.tenant
    initial = {
        "name": store.name,
        "template": store.template.code if store.template_id else "",
        "time_zone": store.time_zone,
    }
    form = StoreSettingsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_store_settings(
                store=store,
                actor=request.user,
                name=data["name"],
                template_code=data["template"],
                logo=data["logo"] or None,
                clear_logo=data["clear_logo"],
                time_zone=data["time_zone"] or None,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your store settings are saved."))
            return redirect("console:settings")
    if form.is_bound and form.errors:
        messages.error(request, _("Please correct the fields marked below."))
    return render(
        request,
        "console/settings.html",
        {
            "form": form,
            "templates": selectable_templates(store),
            "selected_template": form["template"].value(),
            "time_zones": time_zone_names(),
            "selected_time_zone": form["time_zone"].value() or store.time_zone,
        },
    )


@staff_required(manager=True)
@require_http_methods(["GET", "POST"])
def wechat_settings(request):
    """The store's WeChat apps buyers sign in with. Secrets are shown masked and kept when left empty."""
    config = wechat.wechat_settings()
    initial = {
        "official_app_id": config.official_app_id,
        "official_asks_for_profile": config.official_asks_for_profile,
        "mini_app_id": config.mini_app_id,
    }
    form = WechatSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            wechat.update_wechat_settings(store=request.tenant, actor=request.user, data=form.to_input())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The WeChat settings are saved."))
            return redirect("console:wechat_settings")
    return render(
        request,
        "console/wechat_settings.html",
        {
            "form": form,
            "config": config,
            "masked": wechat.masked_secrets(config),
            "callback_host": request.get_host().split(":")[0],
        },
    )


# ---------------------------------------------------------------------------------------------
# Staff (owner / administrator)
# ---------------------------------------------------------------------------------------------


@staff_required(manager=True)
@require_http_methods(["GET", "POST"])
def staff_list(request):
    """The staff list, and the form that adds a member (posted to this same page)."""
    form = StaffMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, generated_password = staff_services.add_staff_member(
                store=request.tenant,
                actor=request.user,
                email=data["email"],
                name=data["name"],
                role=data["role"],
                password=data["password"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("%(name)s can now log in to this console.") % {"name": user.name})
            if generated_password:
                request.session[NEW_PASSWORD_SESSION_KEY] = {
                    "email": user.email,
                    "password": generated_password,
                }
            return redirect("console:staff")
    return render(
        request,
        "console/staff.html",
        {
            "form": form,
            "members": staff_services.staff_members(),
            "role_choices": role_choices(),
            "new_password": request.session.pop(NEW_PASSWORD_SESSION_KEY, None),
            "staff_limit": quotas.limit(request.tenant, "staff"),
            "staff_count": staff_services.active_staff_count(),
        },
    )


def _member_or_404(pk: int):
    member = staff_services.staff_members().filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def _staff_change_response(request, member, *, error: str = "", notice: str = ""):
    """HTMX swaps the changed row in place; a plain form post goes back to the list with a message."""
    if request.htmx:
        return render(
            request,
            "console/_staff_row.html",
            {"member": member, "role_choices": role_choices(), "row_error": error, "row_notice": notice},
        )
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("console:staff")


@staff_required(manager=True)
@require_POST
def staff_role(request, pk: int):
    member = _member_or_404(pk)
    form = StaffRoleForm(request.POST)
    if not form.is_valid():
        return _staff_change_response(request, member, error=_("Choose a role."))
    try:
        member = staff_services.change_staff_role(
            store=request.tenant, actor=request.user, member=member, role=form.cleaned_data["role"]
        )
    except DomainError as error:
        member.refresh_from_db()
        return _staff_change_response(request, member, error=error.message)
    return _staff_change_response(
        request,
        member,
        notice=_("%(name)s is now %(role)s.") % {"name": member.name, "role": member.get_role_display()},
    )


@staff_required(manager=True)
@require_POST
def staff_active(request, pk: int):
    member = _member_or_404(pk)
    form = StaffActiveForm(request.POST)
    if not form.is_valid():
        return _staff_change_response(request, member, error=_("Choose active or deactivated."))
    active = form.cleaned_data["active"]
    try:
        member = staff_services.set_staff_active(
            store=request.tenant, actor=request.user, member=member, active=active
        )
    except DomainError as error:
        member.refresh_from_db()
        return _staff_change_response(request, member, error=error.message)
    notice = (
        _("%(name)s can log in again.") if active else _("%(name)s is deactivated and can no longer log in.")
    ) % {"name": member.name}
    return _staff_change_response(request, member, notice=notice)
