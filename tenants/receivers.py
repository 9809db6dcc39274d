from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.hosts import forget_hostname, forget_store_hosts
from tenants.models import Domain, Store, StoreTemplate

# Each cached host entry is dropped now and again after the commit: a request that ran between the two
# could have cached the old row from the not-yet-committed state.


def _now_and_on_commit(fn, *args):
    fn(*args)
    transaction.on_commit(lambda: fn(*args))


@receiver([post_save, post_delete], sender=Store, dispatch_uid="tenants.forget_store_hosts")
def _store_changed(sender, instance, **kwargs):
    _now_and_on_commit(forget_store_hosts, instance)


@receiver([post_save, post_delete], sender=Domain, dispatch_uid="tenants.forget_domain")
def _domain_changed(sender, instance, **kwargs):
    _now_and_on_commit(forget_hostname, instance.domain)


@receiver(post_save, sender=StoreTemplate, dispatch_uid="tenants.forget_template_stores")
def _template_changed(sender, instance, **kwargs):
    for store in Store.objects.filter(template=instance):
        _now_and_on_commit(forget_store_hosts, store)
