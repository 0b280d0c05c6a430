"""Who at a store hears about its problems: its managers in the app, its mailbox by e-mail."""

from notifications.models import Channel
from notifications.services import Recipient


def manager_recipients(store, managers: list) -> list[Recipient]:
    """The managers in-app; the store's own address by e-mail, if it has one."""
    recipients = [Recipient(user=user, channels=(Channel.IN_APP,)) for user in managers]
    if store.email:
        recipients.append(Recipient(email=store.email, channels=(Channel.EMAIL,)))
    return recipients
