"""Celery app. tenant-schemas-celery stamps each message with the schema it was sent from and switches
the worker to it, so a task runs inside the store that queued it. Beat runs in `public`: periodic
store jobs are dispatchers that fan out one task per active store (tenants.tasks.fan_out)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("fenxiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
