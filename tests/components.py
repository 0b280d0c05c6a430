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
