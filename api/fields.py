"""The API's input building blocks, reading requests through the shared input layer (tenants.inputs) as
the console's forms do: whole numbers of ASCII digits only (no exponent, no float) within what the column
holds, with their bounds in the OpenAPI schema; text that is text; money by the one money helper; and the
base of input serializers, which refuses unknown fields and empty changes."""

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenants.errors import InvalidInput
from tenants.inputs import ID_MAX, INT_MAX, INT_MIN, parse_bool, parse_id, parse_int, parse_money


def _validation_error(error: InvalidInput) -> serializers.ValidationError:
    return serializers.ValidationError(error.message, code="invalid")


class IntegerField(serializers.IntegerField):
    """A whole number; by default what an integer column holds."""

    def __init__(self, *, min_value=INT_MIN, max_value=INT_MAX, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_internal_value(self, data):
        try:
            return parse_int(data, field="", minimum=self.min_value, maximum=self.max_value)
        except InvalidInput as error:
            raise _validation_error(error) from None


class IdField(serializers.IntegerField):
    """The id of a row: from 1 to the bigint maximum."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)

    def to_internal_value(self, data):
        try:
            return parse_id(data, field="")
        except InvalidInput as error:
            raise _validation_error(error) from None


class BooleanField(serializers.BooleanField):
    """Yes or no: true/false, 1/0, or the words "true"/"false", "yes"/"no", "on"/"off", "1"/"0" (a form
    field). DRF's own would also take "t", "y" or 1.0; anything else is refused here, never guessed."""

    def to_internal_value(self, data):
        try:
            return parse_bool(data, field="")
        except InvalidInput as error:
            raise _validation_error(error) from None


class CharField(serializers.CharField):
    """Text: a JSON string or a form field. A number or a yes/no is not text (DRF would read 0.5 as "0.5")."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {"anyOf": [{"type": "string", "example": "12.50"}, {"type": "number"}], "nullable": True}
)
class MoneyField(serializers.CharField):
    """An amount as a string ("12.50") or a JSON number (read exactly by the API's JSON parser, never as a
    float), checked by the one money helper: no exponent, no other scripts' digits, nothing beyond its
    maximum. A float (from anywhere but that parser) or a yes/no is refused. The text goes on to the
    service, which parses it again with the same helper."""

    def to_internal_value(self, data):
        if isinstance(data, float | bool):
            raise serializers.ValidationError(_('Send the amount as text, such as "12.50".'), code="invalid")
        if isinstance(data, Decimal):  # a JSON number, as written
            data = str(data)
        text = super().to_internal_value(data)
        try:
            parse_money(text, field="")
        except InvalidInput as error:
            raise _validation_error(error) from None
        return text


class InputSerializer(serializers.Serializer):
    """The base of the API's input serializers. A field it does not know is refused, by name (a misspelt
    field is a mistake, never silently ignored); and used for a PATCH (partial) it must receive at least
    one of its fields: an empty body, or one that is no object (it reads as an empty form), is refused
    rather than answered as a change that did nothing."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("This field is unknown.")] for name in unknown})
        return super().to_internal_value(data)

    def validate(self, attrs):
        if self.partial and not attrs:
            raise serializers.ValidationError(_("Send at least one field to change."))
        return super().validate(attrs)
