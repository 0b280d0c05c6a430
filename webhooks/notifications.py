"""The one message of this app: an endpoint was paused after failing again and again."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import Recipient, notify
from stores.notifications import manager_recipients
from stores.selectors import store_managers


def endpoint_context(endpoint) -> dict:
    return {"endpoint": endpoint, "subject": endpoint}


def endpoint_link(endpoint) -> str:
    return reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])


KINDS = [
    Kind(
        "webhook_endpoint_paused",
        _("Webhook endpoint “{endpoint.name}” paused after repeated failures"),
        context=endpoint_context,
        link=endpoint_link,
        description=_("To the store's managers and the superusers when an endpoint is paused."),
    ),
]


def notify_endpoint_paused(endpoint) -> list[Notification]:
    """Tell the superusers (in the app and by e-mail) and, for a store's endpoint, its managers
    and the store's mailbox; inside the transaction that paused it."""
    recipients = [
        Recipient(user=user)
        for user in User.objects.filter(is_superuser=True, is_active=True).order_by("pk")
    ]
    if endpoint.store_id is not None:
        managers = store_managers([endpoint.store_id])[endpoint.store_id]
        recipients += manager_recipients(endpoint.store, managers)
    seen: set = set()
    unique = []
    for recipient in recipients:
        key = (getattr(recipient.user, "pk", None), recipient.email, recipient.channels)
        if key not in seen:
            seen.add(key)
            unique.append(recipient)
    return notify(kind="webhook_endpoint_paused", subject=endpoint, recipients=unique)
