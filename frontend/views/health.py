"""/healthz: is the database, Redis and a Celery worker reachable? 200 when all are, 503 otherwise."""

from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


def _check(fn) -> tuple[bool, str]:
    try:
        return True, fn() or "ok"
    except Exception as exc:  # a health check reports failures, it does not raise them
        return False, f"{type(exc).__name__}: {exc}"[:200]


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _redis():
    client = caches["platform"].client.get_client(write=True)
    client.ping()
    return "ok"


def _celery():
    from config.celery import app

    replies = app.control.ping(timeout=0.5)
    if not replies:
        raise RuntimeError("no worker answered")
    return f"{len(replies)} worker(s)"


@never_cache
def healthz(request):
    checks = {
        name: _check(fn) for name, fn in (("database", _database), ("redis", _redis), ("celery", _celery))
    }
    # The web tier is healthy without a worker (tasks queue up in Redis); a missing worker degrades.
    healthy = checks["database"][0] and checks["redis"][0]
    body = {
        "status": "ok" if healthy and checks["celery"][0] else ("degraded" if healthy else "error"),
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


def ping(request):
    """Liveness without dependencies: answers without touching the database (the host is still
    resolved by the store middleware). Load balancers and the request-overhead benchmark use it."""
    return HttpResponse("pong", content_type="text/plain")
