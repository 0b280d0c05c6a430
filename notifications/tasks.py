"""Celery tasks: thin wrappers that take ids and call one service each."""

from celery import shared_task
from django.conf import settings

from .errors import TransientDeliveryError
from .services import notification_deliver, notifications_requeue_stale


def retry_countdown(retries: int) -> int:
    """Exponential backoff: 1, 2, 4, 8, 16 × the base delay (30 seconds by default)."""
    return settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2**retries


@shared_task(bind=True, max_retries=settings.NOTIFICATIONS_MAX_RETRIES, ignore_result=True)
def send_notification(self, notification_id: int) -> str | None:
    """Deliver one notification; safe to run any number of times, it sends at most once."""
    try:
        return notification_deliver(
            notification_id=notification_id, final_attempt=self.request.retries >= self.max_retries
        )
    except TransientDeliveryError as exc:
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(ignore_result=True)
def requeue_stale_notifications() -> int:
    return notifications_requeue_stale()
