"""Celery task outcomes counted where /metrics can read them.

The outcomes happen in the worker process, and Prometheus scrapes the web processes, so the
worker counts them in the shared cache (Redis in production): one counter per task name and
outcome (`success`, `failure`, `retry`), incremented from Celery's `task_success`,
`task_failure` and `task_retry` signals. On the embedded local-memory cache each process
counts its own (a worker's counts are then not visible to the web server; eager runs are).
A counter survives worker restarts; a cache flush resets it, which Prometheus treats as a
counter reset.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)

OUTCOMES = ("success", "failure", "retry")
PREFIX = "metrics:celery"


def key(task: str, outcome: str) -> str:
    return f"{PREFIX}:{outcome}:{task}"


def count(*, task: str, outcome: str) -> None:
    """Adds one to the task's outcome counter; a cache error is logged, never raised."""
    try:
        cache.add(key(task, outcome), 0, timeout=None)
        cache.incr(key(task, outcome))
    except Exception:  # the tally must never fail a task
        logger.warning("Could not count task outcome %s of %s", outcome, task, exc_info=True)


def counts(*, tasks: list[str]) -> dict[tuple[str, str], int]:
    """{(task, outcome): count} for the given task names (only those counted at least once)."""
    wanted = {key(task, outcome): (task, outcome) for task in tasks for outcome in OUTCOMES}
    try:
        found = cache.get_many(list(wanted))
    except Exception:
        logger.warning("Could not read the task outcome counters", exc_info=True)
        return {}
    return {wanted[k]: int(v) for k, v in found.items()}


def _name(sender: Any) -> str:
    return str(getattr(sender, "name", None) or sender or "unknown")


def _on_success(sender: Any = None, **kwargs: Any) -> None:
    count(task=_name(sender), outcome="success")


def _on_failure(sender: Any = None, **kwargs: Any) -> None:
    count(task=_name(sender), outcome="failure")


def _on_retry(sender: Any = None, request: Any = None, **kwargs: Any) -> None:
    # task_retry's sender is the task; older Celery sent the request's task name.
    name = _name(sender) if sender is not None else str(getattr(request, "task", "unknown"))
    count(task=name, outcome="retry")


def connect_celery_signals() -> None:
    from celery.signals import task_failure, task_retry, task_success

    task_success.connect(_on_success, weak=False, dispatch_uid="omnishop-task-metrics")
    task_failure.connect(_on_failure, weak=False, dispatch_uid="omnishop-task-metrics")
    task_retry.connect(_on_retry, weak=False, dispatch_uid="omnishop-task-metrics")
