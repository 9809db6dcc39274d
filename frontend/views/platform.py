"""The platform host: landing, pricing and the signup wizard."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from billing.selectors import default_plan_code, signup_plans
from frontend.forms import SignupForm, apply_domain_error
from tenants.errors import DomainError
from tenants.links import store_url
from tenants.selectors import signup_templates, subdomain_available
from tenants.services.login_tokens import issue_login_token
from tenants.services.signup import open_store_from_signup

STEP_FIELDS = [
    ["store_name", "subdomain"],
    ["owner_name", "email", "phone", "password"],
    ["template", "plan"],
]


@require_GET
def landing(request):
    return render(
        request, "platform/landing.html", {"plans": signup_plans(), "templates": signup_templates()}
    )


@require_GET
def pricing(request):
    return render(request, "platform/pricing.html", {"plans": signup_plans()})


@require_http_methods(["GET", "POST"])
def signup(request):
    templates = list(signup_templates())
    plans = list(signup_plans())
    initial = {
        "plan": request.GET.get("plan") or default_plan_code(),
        "template": templates[0].code if templates else "",
    }
    form = SignupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = open_store_from_signup(form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            token = issue_login_token(store=result.store, user=result.owner)
            hand_off = f"/console/login/token/?t={token}&welcome=1"
            return redirect(store_url(result.store, hand_off, request=request))
        messages.error(request, _("Please correct the fields marked below."))
    step = 0
    if form.is_bound and form.errors:
        step = next((i for i, fields in enumerate(STEP_FIELDS) if any(f in form.errors for f in fields)), 0)
    return render(
        request,
        "platform/signup.html",
        {
            "form": form,
            "templates": templates,
            "plans": plans,
            "step": step,
            "selected_template": form["template"].value(),
            "selected_plan": form["plan"].value(),
        },
    )


@require_GET
def check_subdomain(request):
    """Live availability answer for the wizard (an HTMX fragment)."""
    slug = (request.GET.get("subdomain") or "").strip().lower()
    available, message = subdomain_available(slug) if slug else (False, "")
    return render(
        request, "platform/_subdomain_check.html", {"slug": slug, "available": available, "message": message}
    )
