"""How the distributor program's actions and objects read in the store's activity log."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "referral.settings_updated": _("Distributor program settings changed"),
    "referral.distributor_applied": _("Distributor application"),
    "referral.distributor_approved": _("Distributor approved"),
    "referral.distributor_status_changed": _("Distributor status changed"),
    "referral.commission_booked": _("Commission booked"),
    "referral.commission_reversed": _("Commission reversed after a refund"),
    "referral.commission_clawed_back": _("Commission clawed back after a refund"),
    "referral.commission_settled": _("Commission released"),
    "referral.withdrawal_requested": _("Withdrawal requested"),
    "referral.withdrawal_paid": _("Withdrawal paid out"),
    "referral.withdrawal_rejected": _("Withdrawal rejected"),
    "referral.withdrawal_failed": _("Withdrawal payout failed"),
}
TARGETS = {
    "referral_settings": _("Distributor program"),
    "distributor": _("Distributor"),
    "withdrawal": _("Withdrawal"),
    "commission": _("Commission"),
}
