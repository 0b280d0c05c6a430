"""What can be notified: one registry entry per kind, filled by the apps that own the kinds.

A kind has a subject line, templates and the channels it goes out on by default:

    notifications/email/<code>.txt   plain-text e-mail body
    notifications/email/<code>.html  HTML e-mail body (extends notifications/email/base.html)
    notifications/in_app/<code>.txt  the short text on the messages page

The owning app keeps those templates in its own templates folder under the same names and
registers its kinds in its AppConfig.ready(): `kinds.register(Kind(...), ...)`. Callers then use
`notifications.services.notify(kind=..., subject=..., recipients=...)`. The subject line is
translated when the notification is sent (in the recipient's language) and formatted with the
template context, e.g. "{order.number}". This app imports none of the apps that use it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from .models import Channel

ContextBuilder = Callable[[Any], dict]
ImageBuilder = Callable[[Any], dict[str, bytes]]
LinkBuilder = Callable[[Any], str]


class UnknownKind(LookupError):
    pass


@dataclass(frozen=True)
class Kind:
    code: str
    subject: Promise | str
    channels: tuple[str, ...] = (Channel.EMAIL, Channel.IN_APP)
    # The template context built from the object the notification is about; the caller's extra
    # context is added to it. Without a builder the templates get `subject` only.
    context: ContextBuilder | None = None
    # Inline images for the HTML e-mail, {content-id: PNG bytes}; `<img src="cid:…">` shows them.
    images: ImageBuilder | None = None
    # The page the in-app message and the e-mail point to (a path; SITE_URL is prefixed in mail).
    link: LinkBuilder | None = None
    description: Promise | str = field(default="", compare=False)

    def template(self, channel: str, extension: str = "txt") -> str:
        folder = "email" if channel == Channel.EMAIL else "in_app"
        return f"notifications/{folder}/{self.code}.{extension}"

    def build_context(self, subject, extra: dict) -> dict:
        context = self.context(subject) if self.context else {"subject": subject}
        return {**context, **(extra or {})}


# code → Kind, filled by `register()` from each owning app's AppConfig.ready().
KINDS: dict[str, Kind] = {}


class DuplicateKind(ValueError):
    pass


def register(*kinds: Kind) -> None:
    """Add kinds to the registry; a code registered twice is refused (two apps claiming it)."""
    codes = [kind.code for kind in kinds]
    for code in codes:
        if code in KINDS or codes.count(code) > 1:
            raise DuplicateKind(f"Notification kind {code!r} is already registered")
    KINDS.update(zip(codes, kinds, strict=True))


def get_kind(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise UnknownKind(f"Unknown notification kind {code!r}") from None
