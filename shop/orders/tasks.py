"""Background jobs of the shop. Tasks take ids, reload what they need and are safe to run twice."""

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from core.broker import publish
from notifications.services import enqueue as notifications_enqueue
from shop.orders.errors import OrderError
from shop.orders.models import Order, OrderStatus, RescueChoice, ShortPickRescue
from shop.orders.notifications import notify_order_reminder, orders_due_for_reminder
from shop.orders.services.orders import order_expire
from shop.orders.services.rescue import rescue_time_out
from webhooks.services import enqueue as webhooks_enqueue
from webhooks.services import send_batch

logger = logging.getLogger(__name__)

# Per run; a larger backlog is worked off by the next runs (beat: every 15 minutes).
EXPIRY_BATCH = 2000


@shared_task(name="shop.tasks.expire_overdue_orders")  # the name queued messages know
def expire_overdue_orders(order_ids: list[int] | None = None) -> int:
    """Expire ready orders past their hold (or just `order_ids`) and release their stock.

    Each order is expired in its own transaction under a row lock; an order collected or
    expired in the meantime is skipped, so overlapping runs do no harm. Returns how many expired.
    """
    due = Order.objects.filter(status=OrderStatus.READY, hold_until__lte=timezone.now())
    if order_ids is not None:
        due = due.filter(pk__in=order_ids)
    expired = 0
    for order_id in due.order_by("hold_until").values_list("pk", flat=True)[:EXPIRY_BATCH]:
        try:
            order_expire(order=Order(pk=order_id))
        except OrderError as exc:  # collected or expired since the query: nothing to do
            logger.info("Order %s not expired: %s", order_id, exc)
            continue
        expired += 1
    return expired


REMINDER_WINDOW = dt.timedelta(hours=30)
REMINDER_HOURS = (dt.time(9, 0), dt.time(19, 0))


# The name queued messages and the beat schedule know (the task lived in notifications before).
@shared_task(name="notifications.tasks.send_pickup_reminders", ignore_result=True)
def send_pickup_reminders() -> int:
    """Remind shoppers whose ready order's hold ends within REMINDER_WINDOW (once per order),
    only in the daytime (REMINDER_HOURS, local time): a reminder due at night waits for the
    morning. Holds end at closing time, so the reminder comes the day before, or at the latest
    on the morning of the last day."""
    now = timezone.localtime()
    if not REMINDER_HOURS[0] <= now.time() < REMINDER_HOURS[1]:
        return 0
    count = 0
    for order in orders_due_for_reminder(now, REMINDER_WINDOW):
        if notify_order_reminder(order):
            count += 1
    return count


@shared_task(name="shop.orders.tasks.drop_unanswered_rescues", ignore_result=True)
def drop_unanswered_rescues() -> int:
    """Short picks without the shopper's answer by their deadline: the missing units are dropped
    and the order proceeds. Each in its own transaction; answered ones are skipped."""
    due = ShortPickRescue.objects.filter(choice=RescueChoice.OPEN, deadline__lte=timezone.now())
    dropped = 0
    for rescue in due.order_by("deadline")[:EXPIRY_BATCH]:
        if rescue_time_out(rescue=rescue):
            dropped += 1
    return dropped


@shared_task(ignore_result=True)
def order_placed_followups(notification_ids: list[int], delivery_ids: list[int]) -> int:
    """What placing an order announces (its messages and webhook deliveries), queued from the
    request as this one message: here each is queued as its own task, with its own retries.
    Returns how many were queued."""
    return notifications_enqueue(notification_ids=notification_ids) + webhooks_enqueue(
        delivery_ids=delivery_ids, batch=send_batch(delivery_ids)
    )


def order_placed_followups_queue(*, notification_ids: list[int], delivery_ids: list[int]) -> None:
    """On commit of a placed order: one message to the broker (`core.broker.publish`, never
    waits, never raises). If it cannot be sent, the rows stay pending in their outboxes and the
    sweeps (`requeue_stale_notifications`, `requeue_stale_webhooks`) send them."""
    _queued, error = publish(order_placed_followups, [(notification_ids, delivery_ids)])
    if error is not None:
        logger.warning(
            "Broker unreachable, %d notification(s) and %d webhook delivery(ies) stay pending "
            "for the sweep (%s)",
            len(notification_ids),
            len(delivery_ids),
            error,
        )
