"""The schema's shared answers: what every operation of the API can answer besides its own.

A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) documents
on every operation the statuses DRF gives for any view: 401 (no or bad credentials; with
`WWW-Authenticate`), 403, 404, 405 and, with a request body, 415; and it documents 400 as it is
sent: either the error shape (`Error`: detail, code, reasons) of a refused request, or the
field map of a request that failed validation (`ValidationErrors`: each field to its reasons,
nested for nested fields). Schemathesis (tests/api/test_schemathesis.py) holds the API to it.
"""

from typing import Any

import drf_spectacular.openapi
from rest_framework import serializers

ERROR = {"$ref": "#/components/schemas/Error"}
VALIDATION_ERRORS = {"$ref": "#/components/schemas/ValidationErrors"}

_ERROR_SCHEMA = {
    "type": "object",
    "description": "A refused request: a sentence for a person, and where useful a machine "
    "code and the individual reasons.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "reasons": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["detail"],
}
_VALIDATION_ERRORS_SCHEMA = {
    "type": "object",
    "description": "A request that failed validation: each field (or `non_field_errors`) "
    "mapped to its reasons; a nested field's reasons are nested the same way.",
    "additionalProperties": {},
    "example": {"lines": ["This list may not be empty."]},
}

_COMMON = {
    "401": (
        "No credentials, or credentials that are wrong or revoked. `WWW-Authenticate` names "
        "the scheme to use."
    ),
    "403": "The caller may not do this.",
    "404": "No such object (or not one the caller may see), or no such URL.",
    "405": "This method is not allowed here.",
}
_UNSUPPORTED = "The request body is not JSON (or another declared media type)."


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _respond(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": _json(schema)}


def common_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    """The hook: add the shared answers to every operation and the 400 field map."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", _ERROR_SCHEMA)
    schemas["ValidationErrors"] = _VALIDATION_ERRORS_SCHEMA
    for path, item in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in _COMMON.items():
                responses.setdefault(code, _respond(description, ERROR))
            responses["401"].setdefault("headers", {})["WWW-Authenticate"] = {
                "schema": {"type": "string"},
                "description": "The authentication scheme, e.g. `Token`.",
            }
            if "requestBody" in operation:
                responses.setdefault("415", _respond(_UNSUPPORTED, ERROR))
            if any(p.get("name") == "page" for p in operation.get("parameters", [])):
                responses.setdefault(
                    "400",
                    _respond(
                        "A page that is not a whole number, or lies beyond the last page; "
                        "a bad page size.",
                        VALIDATION_ERRORS,
                    ),
                )
            bad = responses.get("400")
            if bad is not None:
                content = bad.setdefault("content", {}).setdefault("application/json", {})
                current = content.get("schema") or ERROR
                if current != VALIDATION_ERRORS and "anyOf" not in current:
                    content["schema"] = {"anyOf": [current, VALIDATION_ERRORS]}
                bad.setdefault("description", "")
                bad["description"] = (
                    bad["description"] + " Invalid fields answer with a field map "
                    "(`ValidationErrors`); other refusals with the error shape."
                ).strip()
    return result


class AutoSchema(drf_spectacular.openapi.AutoSchema):
    """drf-spectacular's schema, with the limits of a nested list (`many=True`) declared:
    `allow_empty=False` and `min_length` as minItems, `max_length` as maxItems."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        result = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ListSerializer) and result.get("type") == "array":
            least = max(0 if field.allow_empty else 1, field.min_length or 0)
            if least:
                result["minItems"] = least
            if field.max_length is not None:
                result["maxItems"] = field.max_length
        return result
