"""Who may open which page. Console pages need a staff member of *this* store (their user row lives in
this store's schema); the storefront's account pages need a buyer of this store; operator pages need a
platform operator (a user row of the public schema)."""

from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

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


def forbidden(request, message: str, *, back: str, back_label: str):
    """A staff member's role does not allow the action: 403, nothing changed, and why. HTMX gets the
    sentence alone; a page gets it with a way back (`back` is a URL name)."""
    if request.htmx:
        return HttpResponse(message, status=403)
    context = {"message": message, "back_url": reverse(back), "back_label": back_label}
    return render(request, "console/forbidden.html", context, status=403)


def role_required(allowed, message: str, *, back: str, back_label: str):
    """staff_required, and `allowed(user)` (a rule of shop.permissions), else `forbidden`."""

    def decorator(view):
        @staff_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not allowed(request.user):
                return forbidden(request, str(message), back=back, back_label=str(back_label))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def buyer_required(view):
    """A signed-in, active buyer of this store, else the sign-in page (which comes back here). A staff
    member's session is not a buyer's."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not on_store_host(request):
            return redirect("/")
        user = request.user
        if not user.is_authenticated or not user.is_buyer:
            sign_in = reverse("storefront:sign_in")
            if request.htmx:
                # A fragment request would get the sign-in page swapped into the fragment: send the whole
                # page there instead, to come back to the page the buyer was on.
                current = urlsplit(request.headers.get("HX-Current-URL", ""))
                back = current.path + (f"?{current.query}" if current.query else "") or "/account/"
                return HttpResponseClientRedirect(f"{sign_in}?{urlencode({'next': back})}")
            return redirect(f"{sign_in}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapped


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


def is_local_path(request, target: str) -> bool:
    """Whether `target` is a path of this site. A path only: a bare word would be taken by redirect() for
    the name of a view."""
    return target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    )


def safe_next(request, default: str) -> str:
    """The `next` page asked for, when it is a path of this site; `default` otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_local_path(request, target) else default
