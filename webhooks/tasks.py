"""Celery tasks: thin wrappers that take ids and call one service each."""

from celery import shared_task

from .services import webhook_deliver, webhooks_requeue_stale


@shared_task(ignore_result=True)
def send_webhook(delivery_id: int) -> str | None:
    """Send one delivery; safe to run any number of times (the row decides whether it goes).
    A failed attempt queues the next one itself, after the backoff (webhooks.services)."""
    return webhook_deliver(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def requeue_stale_webhooks() -> int:
    return webhooks_requeue_stale()


@shared_task(ignore_result=True)
def send_webhooks(delivery_ids: list[int]) -> int:
    """Send many deliveries one after the other (queued in batches by a bulk change such as a
    catalogue feed); each is handled as `send_webhook` would. Returns how many went out now."""
    return sum(webhook_deliver(delivery_id=pk) is not None for pk in delivery_ids)
