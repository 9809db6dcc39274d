from django.urls import path

from frontend.views import distributor

app_name = "distributor"
urlpatterns = [
    path("", distributor.home, name="home"),
]
