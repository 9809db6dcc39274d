from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import ngettext

from tenants.links import store_url
from tenants.models import Store


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def process_billing_event(event_pk: int) -> str:
    from billing.webhooks import process

    return process(event_pk)


@shared_task
def check_subscriptions() -> int:
    """Trial reminders, trial ends, grace periods: every hour (beat)."""
    from billing.subscriptions import check_all_subscriptions

    return check_all_subscriptions()


@shared_task
def send_trial_reminder(store_id: int, days_left: int) -> None:
    store = Store.objects.get(pk=store_id)
    if not store.owner_email:
        return
    body = render_to_string(
        "emails/trial_reminder.txt",
        {"store": store, "days_left": days_left, "billing_url": store_url(store, "/console/billing/")},
    )
    subject = ngettext(
        "%(store)s: your free trial ends in %(n)s day",
        "%(store)s: your free trial ends in %(n)s days",
        days_left,
    ) % {"store": store.name, "n": days_left}
    send_mail(subject, body, None, [store.owner_email])
