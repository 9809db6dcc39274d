"""How billing's actions read in a store's activity log."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "billing.plan_chosen": _("Plan chosen"),
    "billing.sandbox_paid": _("Plan paid (sandbox)"),
    "billing.sandbox_declined": _("Plan payment declined (sandbox)"),
    "billing.sandbox_cancel": _("Subscription cancelled at period end (sandbox)"),
    "billing.sandbox_resume": _("Subscription resumed (sandbox)"),
    "billing.sandbox_renew": _("Renewal paid (sandbox)"),
    "billing.sandbox_fail_renewal": _("Renewal failed (sandbox)"),
}
