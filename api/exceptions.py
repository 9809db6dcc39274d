"""Domain errors become clear 4xx answers; DRF's own errors keep their shape."""

from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tenants.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {**exc.as_dict(), **exc.details()}
        # The error's code goes under "code", unless a field of that name (an SMS or WeChat login code)
        # holds the messages there: then it is "error_code".
        body.setdefault("error_code" if "code" in body else "code", exc.code)
        response = Response(body, status=exc.status_code)
        # A limit that knows when it lifts says so the standard way too (RateLimited).
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response
    response = drf_exception_handler(exc, context)
    if isinstance(exc, ParseError):
        # A body that cannot be used says why in `code` too ("parse_error", "invalid_characters").
        response.data["code"] = exc.get_codes()
    return response
