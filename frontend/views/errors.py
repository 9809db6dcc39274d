from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tenants.links import platform_url


def unknown_host(request, *args, **kwargs):
    """A host that is no store: a friendly page on the platform, never another store."""
    return render(
        request,
        "errors/unknown_host.html",
        {"hostname": request.get_host().split(":")[0], "platform_url": platform_url(request=request)},
        status=404,
    )


def bad_request(request, exception=None):
    """A request Django refuses before any view (a body too large, too many fields, a broken upload)."""
    message = _("This request cannot be used: it is malformed or too large.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "bad_request"}, status=400)
    return render(request, "errors/bad_request.html", {"message": message}, status=400)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        # An API client reads JSON, as every other refusal of the API.
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)


def locked_out(request, credentials=None, *args, **kwargs):
    """Too many wrong passwords (django-axes)."""
    if request.path.startswith("/api/"):
        message = _("Too many failed logins: for your safety this login is paused for 15 minutes.")
        return JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    return render(request, "errors/locked_out.html", status=429)
