"""The console's payment settings page (/console/settings/payments/): how the store takes WeChat Pay and
cards, with masked secrets and a "test connection" button per provider. The owner and administrators
change it; finance may look. The rules live in shop.services.payment_settings."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from frontend.forms import apply_domain_error
from frontend.forms_console import PaymentSettingsForm
from frontend.views.access import staff_required
from shop.payments.registry import PROVIDER_LABELS
from shop.permissions import can_change_payment_settings, can_view_payment_settings
from shop.selectors.payments import payment_settings_overview
from shop.services import payment_settings as services
from tenants.errors import DomainError


def _refused(request, message: str):
    if request.htmx:
        return HttpResponse(message, status=403)
    messages.error(request, message)
    return redirect("console:dashboard")


@staff_required
@require_http_methods(["GET", "POST"])
def payment_settings(request):
    if not can_view_payment_settings(request.user):
        return _refused(
            request, _("Only the owner, an administrator or finance can open the payment settings.")
        )
    can_edit = can_change_payment_settings(request.user)
    store = request.tenant
    status = 200
    if request.method == "POST":
        if not can_edit:
            return _refused(request, _("Only the owner or an administrator can change the payment settings."))
        form = PaymentSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.update_payment_settings(
                    store=store,
                    actor=request.user,
                    input=services.PaymentSettingsInput.from_data(form.cleaned_data),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Your payment settings are saved."))
                return redirect("console:payment_settings")
        messages.error(request, _("Please correct the fields marked below."))
        status = 400
    overview = payment_settings_overview(store=store)
    if request.method == "GET":
        form = PaymentSettingsForm(initial=overview.values)
    return render(
        request,
        "console/payment_settings.html",
        {
            "form": form,
            "overview": overview,
            "can_edit": can_edit,
            "providers": {provider.code: provider for provider in overview.providers},
            "available_labels": [PROVIDER_LABELS[code] for code in overview.available],
        },
        status=status,
    )


@staff_required
@require_POST
def payment_connection_test(request, provider: str):
    """HTMX: the outcome of one test call, swapped in under the provider's button."""
    if not can_change_payment_settings(request.user):
        return _refused(request, _("Only the owner or an administrator can test the payment settings."))
    try:
        result = services.test_payment_connection(store=request.tenant, actor=request.user, provider=provider)
    except DomainError as error:
        return HttpResponse(error.message, status=error.status_code)
    if request.htmx:
        return render(request, "console/_payment_test_result.html", {"result": result})
    (messages.success if result.ok else messages.error)(request, result.message)
    return redirect("console:payment_settings")
