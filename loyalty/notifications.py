"""The loyalty notification: kind `tier_changed`, what it shows, and telling the customer.

Registered in LoyaltyConfig.ready(); templates in loyalty/templates. `notify_tier_changed` is
called by `loyalty.services` inside the transaction of the change.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import Recipient, notify

from .models import TierChange


def tier_context(change) -> dict:
    account = change.account
    return {
        "change": change,
        "account": account,
        "user": account.user,
        "tier": change.to_tier,
        "from_tier": change.from_tier,
        "went_up": change.from_tier is None
        or (
            change.to_tier is not None
            and change.to_tier.min_spend_12m > change.from_tier.min_spend_12m
        ),
    }


def tier_link(change) -> str:
    return reverse("loyalty:card")


KINDS = (
    Kind(
        "tier_changed",
        _("Your loyalty tier is now {tier.name}"),
        context=tier_context,
        link=tier_link,
        description=_("Shopper: the loyalty tier changed"),
    ),
)


def notify_tier_changed(change: TierChange) -> list[Notification]:
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
