from django.conf import settings

from tenants.hosts import request_store


def platform(request):
    store = request_store(request)
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "PLATFORM_DOMAIN": settings.PLATFORM_DOMAIN,
        "store": store,
        "theme": store.theme if store else None,
    }
