"""The API's body parsers: DRF's, refusing (400, code "invalid_characters") a body in which any string —
a key or a value, however deeply nested — holds a NUL or another control character (tab, LF and CR
excepted). The twin of tenants.middleware.ControlCharactersMiddleware, which checks paths, query strings
and POSTed forms; uploaded files are never scanned."""

import codecs
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json as drf_json

from tenants.inputs import contains_control_characters, control_characters_message


class InvalidCharacters(ParseError):
    default_code = "invalid_characters"


def _checked(data):
    if contains_control_characters(data):
        raise InvalidCharacters(control_characters_message())
    return data


def _json_number(text: str):
    """A JSON number with a fraction, read exactly (never a float: 47.9 is Decimal("47.9")); one written
    with an exponent stays its text ("1e1"), which the money and number fields refuse as they refuse it in
    a string."""
    return text if "e" in text or "E" in text else Decimal(text)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = drf_json.load(codecs.getreader(encoding)(stream), parse_float=_json_number)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        return _checked(data)


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _checked(list(data.lists()))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _checked(list(parsed.data.lists()))
        return parsed
