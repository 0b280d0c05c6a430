"""What can be sent out: one registry entry per event, filled by the apps that own the events.

Each app registers its events in its AppConfig.ready() with the DRF serializer that both builds
and documents the event's `data` (the OpenAPI schema shows every event under `x-webhooks`, see
`webhooks.schema`). This app imports none of the apps that send events.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from rest_framework import serializers

from .errors import UnknownWebhookEvent


@dataclass(frozen=True)
class EventKind:
    code: str  # "order.placed": the `event` of the body and the X-Omnishop-Event header
    label: Promise | str  # what staff pick in the admin
    serializer: type[serializers.Serializer]  # the shape of `data`
    description: Promise | str = field(default="", compare=False)


EVENTS: dict[str, EventKind] = {}


class DuplicateEvent(ValueError):
    pass


def register(*kinds: EventKind) -> None:
    """Add events to the registry; a code registered twice is refused (two apps claiming it)."""
    codes = [kind.code for kind in kinds]
    for code in codes:
        if code in EVENTS or codes.count(code) > 1:
            raise DuplicateEvent(f"Webhook event {code!r} is already registered")
    EVENTS.update(zip(codes, kinds, strict=True))


def get_event(code: str) -> EventKind:
    try:
        return EVENTS[code]
    except KeyError:
        raise UnknownWebhookEvent(f"Unknown webhook event {code!r}") from None


def event_choices() -> list[tuple[str, str]]:
    return [(code, f"{kind.label} ({code})") for code, kind in sorted(EVENTS.items())]
