from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tenants.links import store_url
from tenants.models import Store


@shared_task
def refill_store_pool() -> int:
    """Keep STORE_POOL_SIZE ready schemas waiting for signups."""
    from tenants.services.provisioning import refill_pool

    return refill_pool()


@shared_task
def send_welcome_email(store_id: int) -> None:
    store = Store.objects.get(pk=store_id)
    body = render_to_string(
        "emails/welcome.txt",
        {
            "store": store,
            "storefront_url": store_url(store, "/"),
            "console_url": store_url(store, "/console/"),
        },
    )
    send_mail(
        _("Welcome to %(platform)s: %(store)s is open")
        % {"platform": settings.PLATFORM_NAME, "store": store.name},
        body,
        None,
        [store.owner_email],
    )


def active_stores():
    return Store.objects.filter(status=Store.Status.ACTIVE).exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)


def fan_out(task, *args, **kwargs) -> int:
    """Enqueue `task` once per active store, each message carrying its store's schema, so a periodic
    job dispatched from beat (which runs in public) runs inside every store. Returns the count."""
    count = 0
    for schema_name in active_stores().values_list("schema_name", flat=True):
        task.apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema_name})
        count += 1
    return count


@shared_task
def store_heartbeat() -> dict:
    """A diagnostic a worker answers from inside a store: which schema it ran in and what it saw there.
    Operators use it to check that routing works; so do the tests."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    return {"schema": connection.schema_name, "users": get_user_model().objects.count()}
