"""Absolute links from one host to a store's host, with the same scheme and port as the request."""


def store_url(request, store, path: str = "/") -> str:
    scheme = request.scheme if request is not None else "http"
    port = request.get_port() if request is not None else ""
    default_port = {"http": "80", "https": "443"}.get(scheme)
    netloc = store.host if not port or port == default_port else f"{store.host}:{port}"
    return f"{scheme}://{netloc}{path}"
