"""The distributor centre (/distributor/ on a store host)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    return render(request, "distributor/home.html", {"tab": "distributor"})
