from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Stores and platform"

    def ready(self):
        from . import receivers  # noqa: F401
