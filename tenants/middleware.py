"""Request → store. Runs first (after the security headers and static files, which need no store):
resolves the host to a store (cached), switches the connection's schema (one `SET search_path`,
issued lazily on the first query) and picks the URL conf."""

import zoneinfo

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.hosts import request_store, store_for_host
from tenants.models import Domain, Store


class StoreResolverMiddleware(TenantMainMiddleware):
    def get_tenant(self, domain_model, hostname):
        store = store_for_host(hostname)
        if store is None or store.status == Store.Status.POOL:
            raise Domain.DoesNotExist(hostname)
        return store


SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Provider pushes report what already happened (a parcel moved): they are recorded while a store is
# suspended too, or the provider would retry them in vain.
ALWAYS_OPEN = ("/static/", "/media/", "/healthz", "/ping", "/i18n/", "/api/v1/webhooks/")
# What buyers use over the API: closed with the storefront.
BUYER_API = ("/api/v1/shop/", "/api/v1/buyer/")


class StoreStatusMiddleware:
    """A suspended store: the storefront shows a "store closed" page, the console and API are read-only
    and say why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        store = request_store(request)
        if store is None or not store.is_suspended:
            return self.get_response(request)
        path = request.path
        if path.startswith(ALWAYS_OPEN):
            return self.get_response(request)
        message = _("This store is suspended by the platform: %(reason)s") % {"reason": store.status_reason}
        if path.startswith(BUYER_API):
            return JsonResponse({"detail": _("This store is closed."), "code": "store_suspended"}, status=503)
        if path.startswith("/api/"):
            if request.method in SAFE_METHODS:
                return self.get_response(request)
            return JsonResponse({"detail": message, "code": "store_suspended"}, status=403)
        if path.startswith("/console/"):
            if request.method in SAFE_METHODS or path.startswith(("/console/login", "/console/logout")):
                return self.get_response(request)
            from django.contrib import messages

            messages.error(request, message)
            return redirect(request.META.get("HTTP_REFERER") or "/console/")
        return render(request, "storefront/closed.html", {"store": store}, status=503)


class StoreTimeZoneMiddleware:
    """A store's pages and API show times in the store's time zone (they are stored in UTC); the platform's
    own pages keep settings.TIME_ZONE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        store = request_store(request)
        try:
            zone = zoneinfo.ZoneInfo(store.time_zone) if store is not None and store.time_zone else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is None:
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
