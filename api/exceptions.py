"""Domain errors become clear 4xx answers; DRF's own errors keep their shape."""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tenants.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {**exc.as_dict(), **exc.details()}
        body.setdefault("code", exc.code)
        return Response(body, status=exc.status_code)
    return drf_exception_handler(exc, context)
