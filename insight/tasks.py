"""Background jobs of insight. Safe to run twice: a recompute replaces a day's rows whole."""

from celery import shared_task

from .rollups import rollups_refresh


@shared_task(name="insight.tasks.refresh_rollups")
def refresh_rollups() -> int:
    """Recompute the daily roll-ups of yesterday, today, the days conversions still count for
    and the older days that changed; returns how many days were recomputed."""
    return rollups_refresh()
