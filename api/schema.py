"""The API's OpenAPI schema says what the API answers, refusals included, and what it refuses (the fuzz
tests hold the API to it):

- every operation may answer 400 (a body, parameter or path the input layer refuses: a message per
  field at fault, or `detail` and `code`) and 403 (a permission, the wrong host, a suspended store, a
  plan limit); 401 where a token is read, 404 where the path names an object or the list is paginated,
  415 where a body is read, 429 where the view is throttled — each as JSON, never another media type,
  like any other refusal a view declares (a payment provider's 502 or 503);
- a PATCH body names at least one field (api.fields.InputSerializer);
- strings sent in parameters and request bodies hold no control character (the request edge refuses
  them anywhere, tenants.inputs), and a request body has only the fields it documents (the input
  serializers refuse others by name)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent

ERROR = ResolvedComponent(
    name="Error",
    type=ResolvedComponent.SCHEMA,
    object="Error",
    schema={
        "type": "object",
        "description": "Why the request was refused: `detail` and `code`, or a list of messages per "
        'field at fault (a rule of a service names a nested field by its path, e.g. "skus.0.price"; '
        "a refused shape nests the messages as the body nests its fields).",
        "properties": {
            "detail": {"description": "What is wrong, when no one field is."},
            "code": {"description": "What kind of refusal (a field named `code` has its messages here)."},
        },
        "additionalProperties": True,
    },
)
ERROR_DESCRIPTIONS = {
    "400": "The request cannot be used: a field, a parameter or the path is refused.",
    "401": "No valid token (or, when asking for one, wrong credentials).",
    "403": "Not allowed: the role, the host, a suspended store or the plan forbids it.",
    "404": "No such object (or page).",
    "409": "The current state forbids it (a stale version, a category still in use).",
    "415": "The body is not in a media type this operation reads.",
    "429": "Too many requests: try again later.",
}
# A control character (C0 except tab, LF, CR), which tenants.inputs refuses. Strings say `not` this
# pattern: the same rule as an anchored negated class, and far cheaper for a fuzzer to honour.
CONTROL_CHARACTER = {"pattern": "[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]"}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        self.registry.register_on_missing(ERROR)
        error = {"application/json": {"schema": ERROR.ref}}
        for code in self._error_codes(responses):
            response = responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
            response.setdefault("content", error)
        # A refusal a view declares itself (a provider's 502 or 503) is the same JSON.
        for code, response in responses.items():
            if code[0] in "45":
                response.setdefault("content", error)
        return responses

    def _error_codes(self, responses) -> list[str]:
        codes = ["400", "403"]
        view = self.view
        if view.get_authenticators():
            codes.append("401")
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            codes.append("404")
        if "409" in responses:
            codes.append("409")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        if view.get_throttles():
            codes.append("429")
        return codes


def _text_only(schema, components, seen) -> None:
    """Refuse control characters in every string of a request schema, and close its objects to the
    fields they list."""
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _text_only(components.get(name), components, seen)
        return
    if schema.get("type") == "string" and "enum" not in schema and schema.get("format") != "binary":
        schema.setdefault("not", CONTROL_CHARACTER)
    if schema.get("type") == "object" and schema.get("properties"):
        schema.setdefault("additionalProperties", False)
    for key in ("items", "additionalProperties"):
        _text_only(schema.get(key), components, seen)
    for value in (schema.get("properties") or {}).values():
        _text_only(value, components, seen)
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(key) or ():
            _text_only(branch, components, seen)


def _resolved(schema, components) -> dict:
    ref = schema.get("$ref", "")
    return components[ref.rsplit("/", 1)[-1]] if ref else schema


def document_text_rules(result, generator, request, public):
    """Postprocessing hook: parameters and request bodies document the control-character rule and
    closed objects; a PATCH, that its body is required and names a field."""
    components = result.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            for parameter in operation.get("parameters", ()):
                _text_only(parameter.get("schema"), components, seen)
            for media in (operation.get("requestBody") or {}).get("content", {}).values():
                _text_only(media.get("schema"), components, seen)
                if operation is methods.get("patch"):
                    operation["requestBody"]["required"] = True
                    _resolved(media.get("schema"), components).setdefault("minProperties", 1)
    return result
