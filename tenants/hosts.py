"""Host name → store, cached. The lookup runs on every request, so a hit costs one Redis GET and no
database query; any change to a store, its domains or its template drops the cached entry."""

from django.core.cache import caches

from tenants.models import Domain, Store

TTL = 300


def _key(hostname: str) -> str:
    return f"store-host:{hostname}"


def store_for_host(hostname: str) -> Store | None:
    cache = caches["platform"]
    store = cache.get(_key(hostname))
    if store is not None:
        return store
    domain = Domain.objects.select_related("tenant", "tenant__template").filter(domain=hostname).first()
    if domain is None:
        return None
    cache.set(_key(hostname), domain.tenant, TTL)
    return domain.tenant


def request_store(request) -> Store | None:
    """The store a request was routed to; None on the platform host or when no store was resolved."""
    store = getattr(request, "tenant", None)
    if store is None or store.is_platform:
        return None
    return store


def forget_store_hosts(store: Store) -> None:
    hostnames = list(Domain.objects.filter(tenant_id=store.pk).values_list("domain", flat=True))
    if store.slug:
        hostnames.append(store.host)
    caches["platform"].delete_many([_key(h) for h in hostnames])


def forget_hostname(hostname: str) -> None:
    caches["platform"].delete(_key(hostname))
