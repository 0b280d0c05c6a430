from celery import shared_task
from django.contrib.auth import get_user_model

from .services import stock_reconcile


@shared_task(soft_time_limit=600, time_limit=660)
def reconcile_stock(store_ids: list[int] | None = None, user_id: int | None = None) -> int:
    """Nightly for every store (beat), or on demand from the admin for some stores.

    Safe to run twice: a second run finds nothing the first one repaired. Returns the run's id.
    """
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return stock_reconcile(user=user, store_ids=store_ids).pk


@shared_task
def lapse_stock_alerts() -> int:
    """Daily (beat): back-in-stock alerts older than 90 days lapse (unconfirmed ones after 3)."""
    from .alerts import stock_alerts_lapse

    return stock_alerts_lapse()
