"""Domain errors become clear 4xx answers; DRF's own errors keep their shape."""

from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tenants.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = exc.as_dict()
        body.setdefault("code", exc.code)
        return Response(body, status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if isinstance(exc, ParseError):
        # A body that cannot be used says why in `code` too ("parse_error", "invalid_characters").
        response.data["code"] = exc.get_codes()
    return response
