"""The webhook payloads in the OpenAPI schema (`/api/schema/`).

The schema is OpenAPI 3.0, which has no `webhooks` section (3.1 has), so this postprocessing
hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) adds one component per event body
(`Webhook<Event>`: the envelope with the event's `data`) and lists the events under the
extension key `x-webhooks` in the shape of a 3.1 `webhooks` section: each event a POST whose
request body is its component, headers described. docs/webhooks.md explains signing.
"""

from typing import Any

from drf_spectacular.plumbing import process_webhooks
from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema
from rest_framework import serializers

from .events import EVENTS

HEADERS = (
    "Headers: `X-Omnishop-Event` (the event name), `X-Omnishop-Delivery` (this delivery's id; "
    "a replay has a new one), `X-Omnishop-Signature: t=<unix seconds>,v1=<hex>` where the hex "
    "is HMAC-SHA256 with the endpoint's secret over `<t>.<raw body>`. Answer 2xx within 10 s; "
    "anything else is tried again with backoff for a day. Drop duplicates by the body's `id`."
)


def _envelope(code: str, data: type[serializers.Serializer]) -> type[serializers.Serializer]:
    name = "Webhook" + "".join(part.title() for part in code.replace("_", ".").split("."))
    fields: dict[str, Any] = {
        "id": serializers.UUIDField(
            help_text="The event's id: the same for every endpoint and every replay."
        ),
        "event": serializers.ChoiceField(choices=[code], help_text="The event name."),
        "created_at": serializers.DateTimeField(help_text="When the change happened."),
        "store": serializers.IntegerField(
            allow_null=True, help_text="The store the event belongs to (null: none)."
        ),
        "data": data(),
        "Meta": type("Meta", (), {"ref_name": name}),
    }
    return type(name + "Serializer", (serializers.Serializer,), fields)


def webhook_schema(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    webhooks = [
        OpenApiWebhook(
            name=code,
            decorator=extend_schema(
                summary=str(kind.label),
                description=f"{kind.description}\n\n{HEADERS}".strip(),
                request=_envelope(code, kind.serializer),
                responses={200: OpenApiResponse(description="Received (any 2xx).")},
                tags=["webhooks"],
            ),
        )
        for code, kind in sorted(EVENTS.items())
    ]
    result["x-webhooks"] = process_webhooks(webhooks, generator.registry)
    built = generator.registry.build({})
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in built.get("schemas", {}).items():
        schemas.setdefault(name, schema)
    return result
