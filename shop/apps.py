from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop"

    def ready(self):
        from tenants import activity

        from . import activity_labels, receivers  # noqa: F401

        activity.register_labels(actions=activity_labels.ACTIONS, targets=activity_labels.TARGETS)
