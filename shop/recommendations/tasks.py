from celery import shared_task

from .services import recommendations_compute


@shared_task
def compute_recommendations() -> int:
    """Nightly: count the co-purchases of every channel again and replace the stored
    recommendations. Safe to run twice; returns the number of product pairs."""
    return recommendations_compute().pairs
