"""Form fields that read numbers through the shared input layer (tenants.inputs), as the API's serializer
fields do: ASCII digits only, no exponent, no other scripts' digits, within what the column holds."""

from django import forms
from django.core.exceptions import ValidationError

from tenants.errors import InvalidInput
from tenants.inputs import ID_MAX, INT_MAX, INT_MIN, parse_id, parse_int, parse_money


class IntegerField(forms.IntegerField):
    """A whole number; by default what an integer column holds."""

    def __init__(self, *, min_value=INT_MIN, max_value=INT_MAX, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_int(value, field="", minimum=self.min_value, maximum=self.max_value)
        except InvalidInput as error:
            raise ValidationError(error.message, code="invalid") from None


class IdField(IntegerField):
    """The id of a row: from 1 to the bigint maximum."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)


class MoneyField(forms.CharField):
    """An amount read by the one money helper: a two-place Decimal, or None when left empty."""

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_money(text, field="")
        except InvalidInput as error:
            raise ValidationError(error.message, code="invalid") from None


class IdListField(forms.Field):
    """Ids of rows sent under one name several times (ticked lines): a list, empty when none were sent."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if value in self.empty_values:
            return []
        try:
            return [
                parse_id(item, field="") for item in (value if isinstance(value, list | tuple) else [value])
            ]
        except InvalidInput as error:
            raise ValidationError(error.message, code="invalid") from None
