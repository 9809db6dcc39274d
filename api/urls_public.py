from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api import webhooks
from api.platform import views

urlpatterns = [
    path("plans/", views.PlanList.as_view(), name="api-plans"),
    path("templates/", views.TemplateList.as_view(), name="api-templates"),
    path("signup/", views.Signup.as_view(), name="api-signup"),
    path("signup/check-subdomain/", views.CheckSubdomain.as_view(), name="api-check-subdomain"),
    path("webhooks/billing/<slug:provider>/", webhooks.billing_webhook, name="webhook-billing"),
    path("schema/", SpectacularAPIView.as_view(urlconf="config.urls_public"), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
