"""How a notification reaches its recipient. One class per channel, each with `send()`.

A channel renders what it needs, delivers it, and records on the row what was delivered
(`title`, `body`, `link`); the caller saves the row and sets the status. It raises
TransientDeliveryError when trying again later may work and PermanentDeliveryError when not.
SMS or push would be one more class here and one more `Channel` choice.
"""

import smtplib
from email.mime.image import MIMEImage
from email.utils import parseaddr
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from .attachments import attachments_for
from .errors import DeliveryError, PermanentDeliveryError, TransientDeliveryError
from .models import Channel, Notification
from .rendering import render


class NotificationChannel(Protocol):
    code: str

    def send(self, notification: Notification) -> None: ...


def message_id(notification: Notification) -> str:
    """The e-mail's Message-ID: the same for every attempt at one notification, so a message
    sent twice (its first fate unknown, see `notifications_requeue_stale`) is one message to the
    mail systems that drop duplicates, and the copies can be told apart from other mails."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "omnishop.invalid"
    return f"<notification-{notification.public_id}@{domain}>"


class EmailChannel:
    """HTML and plain-text e-mail through Django's mail backend (`EMAIL_URL`)."""

    code = Channel.EMAIL

    def send(self, notification: Notification) -> None:
        content = render(notification, ("txt", "html"))
        message = EmailMultiAlternatives(
            subject=content.title,
            body=content.bodies["txt"],
            to=[notification.recipient_email],
            headers={
                "Message-ID": message_id(notification),
                "Auto-Submitted": "auto-generated",
                "Content-Language": notification.language,
                "X-Omnishop-Notification": str(notification.public_id),
            },
        )
        message.attach_alternative(content.bodies["html"], "text/html")
        if content.images:
            # multipart/related around text and HTML: the HTML's <img src="cid:…"> shows the
            # images inline instead of as attachments.
            message.mixed_subtype = "related"
            for cid, png in content.images.items():
                image = MIMEImage(png, "png")
                image.add_header("Content-ID", f"<{cid}>")
                image.add_header(
                    "Content-Disposition", "inline", filename=f"{cid.split('@')[0]}.png"
                )
                message.attach(image)
        for filename, content_bytes, mimetype in attachments_for(notification):
            message.attach(filename, content_bytes, mimetype)
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise _smtp_error(min(code for code, _reply in exc.recipients.values()), exc) from exc
        except smtplib.SMTPResponseException as exc:
            raise _smtp_error(exc.smtp_code, exc) from exc
        except OSError as exc:  # refused or dropped connection, timeout, TLS trouble
            raise TransientDeliveryError(f"Mail server unreachable: {exc!r}") from exc
        notification.title = content.title
        notification.link = content.link


def _smtp_error(code: int, exc: Exception) -> DeliveryError:
    """5xx: the server will never take this message (bad address, policy); 4xx: try later."""
    error = PermanentDeliveryError if code >= 500 else TransientDeliveryError
    return error(f"Mail server {settings.EMAIL_HOST}:{settings.EMAIL_PORT} answered {code}: {exc}")


class InAppChannel:
    """A message on the recipient's messages page; delivered once its text is stored."""

    code = Channel.IN_APP

    def send(self, notification: Notification) -> None:
        content = render(notification, ("txt",))
        notification.title = content.title
        notification.body = content.bodies["txt"]
        notification.link = content.link


CHANNELS: dict[str, NotificationChannel] = {
    channel.code: channel for channel in (EmailChannel(), InAppChannel())
}
