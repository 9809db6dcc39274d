from django.dispatch import receiver

from billing import quotas
from billing.services import start_subscription
from tenants import quotas as quota_gate
from tenants.signals import store_opened

quota_gate.register(quotas)


@receiver(store_opened, dispatch_uid="billing.start_subscription")
def start_subscription_for_new_store(sender, store, plan_code, **kwargs):
    start_subscription(store=store, plan_code=plan_code)
