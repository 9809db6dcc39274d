from django.shortcuts import render

from tenants.links import platform_url


def unknown_host(request, *args, **kwargs):
    """A host that is no store: a friendly page on the platform, never another store."""
    return render(
        request,
        "errors/unknown_host.html",
        {"hostname": request.get_host().split(":")[0], "platform_url": platform_url(request=request)},
        status=404,
    )


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)


def locked_out(request, credentials=None, *args, **kwargs):
    """Too many wrong passwords (django-axes)."""
    return render(request, "errors/locked_out.html", status=429)
