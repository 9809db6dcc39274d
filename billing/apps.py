from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Plans and billing"

    def ready(self):
        from . import receivers  # noqa: F401
