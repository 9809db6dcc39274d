"""The one URL builder for absolute links the product hands out: emails, SMS, share text, QR codes,
redirects from the platform to a store's host.

With a request, a link keeps the scheme and port the visitor used (its Host header's port, so a link
built behind a TLS proxy does not leak the app server's port). Without one — a Celery task, a
management command — settings decide: PUBLIC_URL_SCHEME (default "https") and PUBLIC_PORT (default
none), which `make run` sets to "http" and its port.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port
from django.urls import reverse

DEFAULT_PORTS = {"http": "80", "https": "443"}


def store_url(store, path: str = "/", *, request=None) -> str:
    """An absolute link to `path` on `store`'s own host."""
    return _absolute(store.host, path, request)


def store_path(name: str, *args) -> str:
    """The path of a store's named URL (a console page a notice links to), whoever asks: a request on the
    platform, a provider's notification, a Celery worker."""
    return reverse(name, args=args, urlconf=settings.ROOT_URLCONF)


def platform_url(path: str = "/", *, request=None) -> str:
    """An absolute link to `path` on the platform host (landing, signup, operator console)."""
    return _absolute(settings.PLATFORM_DOMAIN, path, request)


def _absolute(host: str, path: str, request) -> str:
    if urlsplit(path).netloc:  # already absolute (a picture on an S3-compatible store): keep it
        return path if urlsplit(path).scheme else f"{_scheme(request)}:{path}"
    scheme = _scheme(request)
    port = _port(request)
    netloc = host if not port or port == DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    return f"{scheme}://{netloc}{path if path.startswith('/') else '/' + path}"


def _scheme(request) -> str:
    return request.scheme if request is not None else settings.PUBLIC_URL_SCHEME


def _port(request) -> str:
    if request is None:
        return str(settings.PUBLIC_PORT or "")
    return split_domain_port(request.get_host())[1]
