"""Pickup-order notifications: one entry function per transition.

The order services call these inside their transaction, e.g. `notify_order_placed(order)` in
`order_place`. Each returns the notifications it created (none when the same transition was
already notified).
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast

from shop.orders.models import Order, OrderStatus
from stores.selectors import store_staff

from .models import Channel, Notification
from .services import Recipient, notify


def _shopper(order: Order) -> list[Recipient]:
    """The customer: by e-mail at the address and in the language given at checkout, and in-app."""
    return [Recipient(user=order.customer, email=order.email, language=order.language)]


def _store_staff(order: Order) -> list[Recipient]:
    """Everyone working in the store, in-app; the store's own mailbox by e-mail, if it has one."""
    recipients = [
        Recipient(user=user, channels=(Channel.IN_APP,)) for user in store_staff(order.store_id)
    ]
    if order.store.email:
        recipients.append(Recipient(email=order.store.email, channels=(Channel.EMAIL,)))
    return recipients


def notify_order_placed(order: Order) -> list[Notification]:
    """Confirmation to the shopper and a new-order message to the store."""
    return notify(kind="order_placed", subject=order, recipients=_shopper(order)) + notify(
        kind="order_received", subject=order, recipients=_store_staff(order)
    )


def notify_order_ready(order: Order) -> list[Notification]:
    return notify(kind="order_ready", subject=order, recipients=_shopper(order))


def notify_order_reminder(order: Order) -> list[Notification]:
    return notify(kind="order_reminder", subject=order, recipients=_shopper(order))


def notify_order_expired(order: Order) -> list[Notification]:
    return notify(kind="order_expired", subject=order, recipients=_shopper(order))


def notify_order_cancelled(order: Order) -> list[Notification]:
    return notify(kind="order_cancelled", subject=order, recipients=_shopper(order))


def notify_order_changed(order: Order) -> list[Notification]:
    """Items were found missing while picking: told once per short pick (its timeline event)."""
    event = order.events.order_by("created_at", "id").last()
    return notify(kind="order_changed", subject=event, recipients=_shopper(order))


def orders_due_for_reminder(now: dt.datetime, within: dt.timedelta):
    """Ready orders whose hold ends within `within` and whose shopper was not reminded yet."""
    reminded = Notification.objects.filter(
        kind="order_reminder",
        subject_type=ContentType.objects.get_for_model(Order),
        subject_id=Cast(OuterRef("pk"), CharField()),
    )
    return (
        Order.objects.filter(
            status=OrderStatus.READY, hold_until__gt=now, hold_until__lte=now + within
        )
        .exclude(Exists(reminded))
        .select_related("customer", "store")
        .order_by("hold_until")
    )
