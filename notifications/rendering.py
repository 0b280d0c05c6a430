"""Turning a notification row into text, in the recipient's language."""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import translation

from .errors import PermanentDeliveryError
from .kinds import get_kind
from .models import Notification

_BLANK_LINES = re.compile(r"\n[ \t]*(\n[ \t]*)+\n")


@dataclass
class Content:
    title: str
    link: str
    # {extension: text} for the templates the channel asked for, e.g. {"txt": …, "html": …}
    bodies: dict[str, str]
    images: dict[str, bytes] = field(default_factory=dict)


def render(notification: Notification, extensions: tuple[str, ...], language: str = "") -> Content:
    """The subject line, link and bodies (one per template extension) of a notification, in
    `language` (default: the recipient's language, stored on the row).

    Anything that makes the content impossible to build (the object is gone, a template is
    missing or broken, the subject line does not fit the context) is a PermanentDeliveryError:
    trying again would fail the same way.
    """
    kind = get_kind(notification.kind)
    subject = notification.subject
    if subject is None:
        raise PermanentDeliveryError("The object this notification is about no longer exists.")
    with translation.override(language or notification.language):
        try:
            context = kind.build_context(subject, notification.context)
            context.update(
                notification=notification,
                recipient=notification.recipient,
                site_url=settings.SITE_URL.rstrip("/"),
            )
            context["link"] = kind.link(subject) if kind.link else ""
            title = " ".join(str(kind.subject).format(**context).split())
            bodies = {
                ext: _tidy(render_to_string(kind.template(notification.channel, ext), context))
                for ext in extensions
            }
            images = kind.images(subject) if kind.images and "html" in extensions else {}
        except TemplateDoesNotExist as exc:
            raise PermanentDeliveryError(f"Template missing: {exc}") from exc
        except TemplateSyntaxError as exc:
            raise PermanentDeliveryError(f"Template error: {exc}") from exc
        except (KeyError, AttributeError, IndexError, ValueError, NoReverseMatch) as exc:
            raise PermanentDeliveryError(
                f"Cannot build the {kind.code} message: {type(exc).__name__}: {exc}"
            ) from exc
    return Content(title=title[:255], link=context["link"], bodies=bodies, images=images)


def in_readers_language(notification: Notification) -> tuple[str, str]:
    """An in-app message's title and text for the page, in the reader's active language.

    The row keeps what was delivered, in the recipient's language then; a reader who now reads
    in another language gets it rendered again from its kind and context (one message at a time,
    so only then does it cost queries). When that is impossible (the object is gone), the
    stored text is shown."""
    language = translation.get_language() or notification.language
    if translation.get_supported_language_variant(language) == notification.language:
        return notification.title, notification.body
    try:
        content = render(notification, ("txt",), language=language)
    except PermanentDeliveryError:
        return notification.title, notification.body
    return content.title, content.bodies["txt"]


def _tidy(text: str) -> str:
    """No runs of blank lines where optional template parts were left out."""
    return _BLANK_LINES.sub("\n\n", text).strip()
