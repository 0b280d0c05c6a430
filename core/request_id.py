"""A request id on every log line, from the web request into the Celery tasks it queues.

`RequestIdMiddleware` takes the id from a sane `X-Request-ID` header (a load balancer's) or makes
one, keeps it in a context variable for the request and echoes it in the response header.
`RequestIdFilter` (in LOGGING) puts it on every log record as `request_id`. A task published
while a request runs carries the id in its message headers (`before_task_publish`) and the worker
restores it for the task's run (`task_prerun` / `task_postrun`), so the task's log lines carry
the same id. `connect_celery_signals()` is called once from `CoreConfig.ready()`.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
TASK_HEADER = "omnishop_request_id"
# Letters, digits and - _ . : only, at most 128 characters: anything else is replaced by our own.
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
logger = logging.getLogger(__name__)
_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current() -> str:
    """The id of the request or task running now ("-" outside both)."""
    return _current.get()


def new_id() -> str:
    return uuid.uuid4().hex


def sane(value: str | None) -> str | None:
    return value if value and _SANE.match(value) else None


class RequestIdMiddleware:
    """Sets the request id for the request (first in MIDDLEWARE) and echoes it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = sane(request.headers.get(HEADER)) or new_id()
        token = _current.set(request_id)
        try:
            request.request_id = request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
            response[HEADER] = request_id
            return response
        finally:
            _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `record.request_id` (used by both the plain and the JSON formatter)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


def _on_publish(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    request_id = _current.get()
    if headers is not None and request_id != "-":
        headers.setdefault(TASK_HEADER, request_id)


_task_tokens: dict[str, contextvars.Token[str]] = {}


def _on_prerun(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    request = getattr(task, "request", None)
    request_id = sane(getattr(request, TASK_HEADER, None)) if request is not None else None
    if request_id is None and request is not None:
        # Eager runs and some transports keep custom headers under `headers`.
        request_id = sane((getattr(request, "headers", None) or {}).get(TASK_HEADER))
    if request_id is None and _current.get() != "-":
        request_id = _current.get()  # an eager run inside the request that queued it
    if task_id:
        _task_tokens[task_id] = _current.set(request_id or f"task-{task_id}")
        logger.info("Task %s[%s] started", getattr(task, "name", "?"), task_id)


def _on_postrun(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        try:
            _current.reset(token)
        except ValueError:  # set in another context (a thread pool): just clear it
            _current.set("-")


def connect_celery_signals() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(_on_publish, weak=False, dispatch_uid="omnishop-request-id")
    task_prerun.connect(_on_prerun, weak=False, dispatch_uid="omnishop-request-id")
    task_postrun.connect(_on_postrun, weak=False, dispatch_uid="omnishop-request-id")
