"""Which real components a test needs, and what happens when one is missing.

Outside CI a test whose component is absent is skipped with the reason. With CI set it fails
instead, so a missing component can never hide a missing feature.
"""

import os
import shutil
import socket

import pytest
from django.db import connection

IN_CI = bool(os.environ.get("CI"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI needs this component: {reason}")
    pytest.skip(reason)


def require_postgres() -> None:
    """Concurrency is proved on PostgreSQL. CI runs the suite once on SQLite (where this is skipped
    by design) and once on PostgreSQL, where it must run."""
    if connection.vendor == "postgresql":
        return
    if IN_CI and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.fail("DATABASE_URL points at PostgreSQL but the tests run elsewhere")
    pytest.skip(
        "needs PostgreSQL (set DATABASE_URL=postgres://…); CI runs it in its PostgreSQL pass"
    )


def require_redis() -> None:
    require(_reachable("127.0.0.1", 6379), "needs Redis on 127.0.0.1:6379")


def require_chromium() -> None:
    require(os.path.exists(CHROMIUM), "needs Debian's chromium at /usr/bin/chromium")


def run_concurrently(calls, *, timeout: float = 60) -> list:
    """Start every call at the same moment (a barrier), each in its own thread on its own
    database connection; the results in the order of `calls`, an exception standing for a call
    that raised. Fails if a call is still running after `timeout` seconds (a deadlock)."""
    import threading

    from django.db import close_old_connections, connections

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # the outcome the test asserts on
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a call hung (deadlock?)"
    close_old_connections()
    return results
