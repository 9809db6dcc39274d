from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Stores and platform"

    def ready(self):
        from . import activity, activity_labels, receivers  # noqa: F401

        activity.register_labels(actions=activity_labels.ACTIONS, targets=activity_labels.TARGETS)
