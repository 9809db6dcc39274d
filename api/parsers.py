"""The API's body parsers: DRF's, refusing (400, code "invalid_characters") a body in which any string —
a key or a value, however deeply nested — holds a NUL or another control character (tab, LF and CR
excepted). The twin of tenants.middleware.ControlCharactersMiddleware, which checks paths, query strings
and POSTed forms; uploaded files are never scanned."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from tenants.inputs import contains_control_characters, control_characters_message


class InvalidCharacters(ParseError):
    default_code = "invalid_characters"


def _checked(data):
    if contains_control_characters(data):
        raise InvalidCharacters(control_characters_message())
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
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
