from django.urls import path

from frontend.views import platform

app_name = "platform"
urlpatterns = [
    path("", platform.landing, name="landing"),
    path("pricing/", platform.pricing, name="pricing"),
    path("signup/", platform.signup, name="signup"),
    path("signup/check-subdomain/", platform.check_subdomain, name="check_subdomain"),
]
