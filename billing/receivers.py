from django.dispatch import receiver

from billing import quotas
from billing.services import start_subscription
from tenants.quota import register_quota_checker
from tenants.signals import store_opened

register_quota_checker(quotas.check_limit)


@receiver(store_opened, dispatch_uid="billing.start_subscription")
def start_subscription_for_new_store(sender, store, plan_code, **kwargs):
    start_subscription(store=store, plan_code=plan_code)
