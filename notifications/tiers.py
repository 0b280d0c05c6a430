"""Loyalty notifications: called by `loyalty.services` inside the transaction of the change."""

from django.utils import timezone

from .models import Notification
from .services import Recipient, notify


def notify_tier_changed(change) -> list[Notification]:
    """Tell the customer their tier changed, once per TierChange, and stamp `notified_at`.

    `notified_at` records when the message entered the outbox (the outbox then delivers it,
    retrying until it is sent or visibly failed). A change into no tier at all is not announced.
    """
    if change.to_tier_id is None:
        return []
    created = notify(
        kind="tier_changed", subject=change, recipients=[Recipient(user=change.account.user)]
    )
    if created and change.notified_at is None:
        change.notified_at = timezone.now()
        change.save(update_fields=["notified_at"])
    return created
