"""Files an e-mail of a kind carries, from the app that owns them (hook: the outbox knows no
domain). `attachments_register(kind, provider)` in an app's `ready()`; a provider takes the
notification and returns [(filename, bytes, mimetype)]; the e-mail channel attaches them."""

from collections.abc import Callable

from .models import Notification

Attachment = tuple[str, bytes, str]
_PROVIDERS: dict[str, list[Callable[[Notification], list[Attachment]]]] = {}


def attachments_register(kind: str, provider: Callable[[Notification], list[Attachment]]) -> None:
    providers = _PROVIDERS.setdefault(kind, [])
    if provider not in providers:
        providers.append(provider)


def attachments_for(notification: Notification) -> list[Attachment]:
    found: list[Attachment] = []
    for provider in _PROVIDERS.get(notification.kind, []):
        found.extend(provider(notification))
    return found
