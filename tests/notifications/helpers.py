from notifications.models import Notification
from notifications.tasks import send_notification


def sent_set(**filters) -> set[tuple[str, str, str, str]]:
    """{(kind, channel, recipient, language)}; the recipient is the account's e-mail or the address."""
    return {
        (n.kind, n.channel, n.recipient.email if n.recipient else n.recipient_email, n.language)
        for n in Notification.objects.filter(**filters).select_related("recipient")
    }


def deliver(**filters) -> list[Notification]:
    """Run the send task for each matching notification in this process, as the worker would."""
    rows = list(Notification.objects.filter(**filters))
    for row in rows:
        send_notification.apply((row.pk,))
        row.refresh_from_db()
    return rows
