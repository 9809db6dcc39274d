from django.apps import AppConfig


class ReferralConfig(AppConfig):
    name = "referral"
    verbose_name = "Distribution"

    def ready(self):
        from tenants import activity

        from . import activity_labels, receivers  # noqa: F401

        activity.register_labels(actions=activity_labels.ACTIONS, targets=activity_labels.TARGETS)
