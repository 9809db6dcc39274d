"""Who may open which page. Console pages need a staff member of *this* store (their user row lives in
this store's schema); operator pages need a platform operator (a user row of the public schema)."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tenants.hosts import request_store


def on_store_host(request) -> bool:
    return request_store(request) is not None


def staff_required(view=None, *, manager=False):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not on_store_host(request):
                return redirect("/")
            user = request.user
            if not user.is_authenticated or not user.is_store_staff:
                return redirect(f"/console/login/?next={request.get_full_path()}")
            if manager and not user.can_manage_store:
                messages.error(request, _("Only the owner or an administrator can open that page."))
                return redirect("/console/")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view else decorator


def operator_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if on_store_host(request):
            return redirect("/")
        user = request.user
        if not user.is_authenticated or not user.is_staff:
            return redirect(f"/operator/login/?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return wrapped


def safe_next(request, default: str) -> str:
    """The `next` page asked for, when it is a path of this site; `default` otherwise. A path only: a
    bare word would be taken by redirect() for the name of a view."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default
