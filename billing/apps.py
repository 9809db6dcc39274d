from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Plans and billing"

    def ready(self):
        from tenants import activity

        from . import activity_labels, receivers  # noqa: F401

        activity.register_labels(actions=activity_labels.ACTIONS)
