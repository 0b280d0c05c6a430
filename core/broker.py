"""Handing tasks to the broker from a request without ever waiting for it."""

from collections.abc import Iterable
from typing import Any

from celery import Task
from django.conf import settings
from kombu.exceptions import OperationalError

PUBLISH_ERRORS = (OperationalError, OSError, ConnectionError, TimeoutError)


def publish(
    task: Task, calls: Iterable[tuple[Any, ...]], *, countdown: float | None = None
) -> tuple[int, Exception | None]:
    """Queue `task` once per argument tuple of `calls`; returns how many were queued and the
    error that stopped the rest (None: all were).

    Runs on the request thread (on commit), so it must never wait for a broker that is down or
    hung: it publishes over a connection of its own with one attempt and short socket timeouts
    (`NOTIFICATIONS_PUBLISH_TIMEOUT`, not the worker's longer ones) and never raises. What the
    caller could not queue must stay pending in its outbox for a sweep.
    """
    timeout = settings.NOTIFICATIONS_PUBLISH_TIMEOUT
    queued = 0
    try:
        with task.app.connection_for_write(
            connect_timeout=timeout,
            transport_options={
                "max_retries": 0,  # kombu: connect once, no retry
                "socket_connect_timeout": timeout,  # Redis
                "socket_timeout": timeout,  # Redis: an answer within this, or give up
            },
        ) as connection:
            for args in calls:
                task.apply_async(args, connection=connection, retry=False, countdown=countdown)
                queued += 1
    except PUBLISH_ERRORS as exc:
        return queued, exc
    return queued, None
