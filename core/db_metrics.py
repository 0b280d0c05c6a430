"""Database query durations for /metrics, on every back-end (SQLite, PostgreSQL).

django-prometheus' database back-end wrappers count `executemany` with `len()` and fail on the
generators our bulk loads pass, so the timing is done here instead, with Django's own
`execute_wrapper` hook, installed on each connection when it opens.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from prometheus_client import Counter, Histogram

QUERY_SECONDS = Histogram(
    "omnishop_db_query_seconds",
    "Duration of database statements",
    ["alias", "vendor"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
QUERY_ERRORS = Counter(
    "omnishop_db_query_errors",
    "Database statements that raised",
    ["alias", "vendor", "error"],
)


class _Timer:
    """One per connection: times each statement (`execute` and `executemany` alike)."""

    def __init__(self, alias: str, vendor: str) -> None:
        self.alias, self.vendor = alias, vendor
        self.histogram = QUERY_SECONDS.labels(alias, vendor)

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except Exception as error:
            QUERY_ERRORS.labels(self.alias, self.vendor, type(error).__name__).inc()
            raise
        finally:
            self.histogram.observe(time.perf_counter() - start)


def install(
    sender: Any = None, connection: BaseDatabaseWrapper | None = None, **kwargs: Any
) -> None:
    """`connection_created` receiver: adds the timer once to the connection's wrappers."""
    if connection is None:
        return
    if not any(isinstance(wrapper, _Timer) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.insert(0, _Timer(connection.alias, connection.vendor))


def connect() -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(install, weak=False, dispatch_uid="omnishop-db-metrics")
