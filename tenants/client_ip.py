"""The caller's IP address, for limits that count per address (sign-in codes per IP).

Behind TRUSTED_PROXY_COUNT reverse proxies (the TLS proxy in front of the web containers) REMOTE_ADDR is
the nearest proxy, the same for every buyer: the address is then the one the outermost trusted proxy
appended to X-Forwarded-For. Entries further left are the client's own word and never trusted."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    return _valid(hops[-proxies]) or remote


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text[:64]))
    except ValueError:
        return None
