"""Who at a store hears about its stock problems: its managers in the app, its mailbox by e-mail."""

from stores.models import StaffMembership, StaffRole

from .models import Channel
from .services import Recipient


def store_managers(store_ids) -> dict[int, list]:
    """{store_id: [active manager, …]} for the given stores, in one query."""
    managers: dict[int, list] = {store_id: [] for store_id in store_ids}
    memberships = StaffMembership.objects.filter(
        store_id__in=list(managers), role=StaffRole.MANAGER, user__is_active=True
    ).select_related("user")
    for membership in memberships.order_by("pk"):
        managers[membership.store_id].append(membership.user)
    return managers


def manager_recipients(store, managers: list) -> list[Recipient]:
    """The managers in-app; the store's own address by e-mail, if it has one."""
    recipients = [Recipient(user=user, channels=(Channel.IN_APP,)) for user in managers]
    if store.email:
        recipients.append(Recipient(email=store.email, channels=(Channel.EMAIL,)))
    return recipients
