from celery import shared_task

from .services import tiers_recompute


@shared_task
def recompute_tiers() -> int:
    """Nightly: move accounts whose last twelve months' spend changed tier (e.g. old purchases
    left the window). Safe to run twice."""
    return tiers_recompute()
