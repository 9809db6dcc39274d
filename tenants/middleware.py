"""Request → store. Runs first: resolves the host to a store (cached), switches the connection's
schema (one `SET search_path`, issued lazily on the first query) and picks the URL conf. Then the
store's status and time zone; the refusal of control characters at the request edge, and a sentence
for every refusal that has none."""

import zoneinfo

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.hosts import request_store, store_for_host
from tenants.inputs import control_characters_message, has_control_characters
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
# What a store whose plan lapsed may still change: its billing (to choose a plan), and signing in and out.
BILLING_OPEN = ("/console/billing/", "/console/login", "/console/logout", "/api/v1/billing/")


class StoreStatusMiddleware:
    """A suspended store: the storefront shows a "store closed" page, the console and API are read-only
    and say why. A store whose plan lapsed (billing lock): the console and staff API are read-only but for
    billing, and say why; the storefront stays open to look at (placing an order is refused by checkout)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        store = request_store(request)
        if store is None or not store.is_read_only:
            return self.get_response(request)
        path = request.path
        if path.startswith(ALWAYS_OPEN):
            return self.get_response(request)
        message = store.read_only_message
        if not store.is_suspended:
            if request.method in SAFE_METHODS or path.startswith(BILLING_OPEN) or path.startswith(BUYER_API):
                return self.get_response(request)
            if path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "store_read_only"}, status=403)
            if path.startswith("/console/"):
                return self._refused_in_console(request, message)
            return self.get_response(request)  # the storefront: browsing and the cart stay open
        if path.startswith(BUYER_API):
            return JsonResponse({"detail": _("This store is closed."), "code": "store_suspended"}, status=503)
        if path.startswith("/api/"):
            if request.method in SAFE_METHODS:
                return self.get_response(request)
            return JsonResponse({"detail": message, "code": "store_suspended"}, status=403)
        if path.startswith("/console/"):
            if request.method in SAFE_METHODS or path.startswith(("/console/login", "/console/logout")):
                return self.get_response(request)
            return self._refused_in_console(request, message)
        return render(request, "storefront/closed.html", {"store": store}, status=503)

    @staticmethod
    def _refused_in_console(request, message):
        from django.contrib import messages

        messages.error(request, message)
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = "/console/"
        return HttpResponseRedirect(back)


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


class ControlCharactersMiddleware:
    """Refuses, once for every face, a request whose path, query string or form fields hold a NUL or
    another control character (tab, LF and CR excepted): PostgreSQL cannot store a NUL, and no person
    types the others. Uploaded files are not scanned; JSON bodies are checked by the API's parsers.
    Pages get a 400 page, /api/ a JSON 400, both in the visitor's language (runs after LocaleMiddleware)."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._holds_control_characters(request):
            message = control_characters_message()
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "invalid_characters"}, status=400)
            return render(request, "errors/bad_request.html", {"message": message}, status=400)
        return self.get_response(request)

    def _holds_control_characters(self, request) -> bool:
        if has_control_characters(request.path) or self._in_fields(request.GET):
            return True
        if request.method != "POST" or request.content_type not in self.FORM_TYPES:
            return False
        try:
            return self._in_fields(request.POST)
        except OSError:  # an unreadable body is the view's to report, as CsrfViewMiddleware does
            return False

    @staticmethod
    def _in_fields(query) -> bool:
        return any(
            has_control_characters(key) or any(has_control_characters(value) for value in values)
            for key, values in query.lists()
        )


class ExplainRefusalsMiddleware:
    """A refusal without a word of why (Django's 405 for a method a view does not take, say) gets one, in
    the visitor's language: as JSON under /api/, as a page elsewhere. Runs after LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not 400 <= response.status_code < 500 or response.streaming or response.content:
            return response
        if response.status_code == 405:
            message, code = _("This address does not take that kind of request."), "method_not_allowed"
        else:
            message, code = _("This request was refused."), "refused"
        if request.path.startswith("/api/"):
            response.content = JsonResponse({"detail": message, "code": code}).content
            response["Content-Type"] = "application/json"
        else:
            response.content = render_to_string("errors/bad_request.html", {"message": message}, request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
