"""URLs of a store host (<slug>.<domain>): storefront, distributor centre, merchant console, store API."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

from frontend.views import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("ping", health.ping, name="ping"),
    path("console/", include("frontend.urls.console_catalog")),
    path("console/", include("frontend.urls.console_orders")),
    path("console/", include("frontend.urls.console")),
    path("distributor/", include("frontend.urls.distributor")),
    path("api/v1/", include("api.urls_tenant")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("frontend.urls.storefront")),
]
if settings.SERVE_MEDIA:
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))
handler400 = "frontend.views.errors.bad_request"
handler404 = "frontend.views.errors.not_found"
handler500 = "frontend.views.errors.server_error"
