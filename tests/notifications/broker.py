"""Point the Celery app of this process at another broker for a while (tests only)."""

import contextlib
import socket

from config.celery import app


def _drop_pools() -> None:
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def use_broker(url: str):
    previous = app.conf.broker_url
    _drop_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        _drop_pools()
        app.conf.broker_url = previous


def closed_port() -> int:
    """A local port nothing listens on (bound and released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def eager_tasks():
    """Tasks queued by `apply_async` run at once in this process, as a worker would run them."""
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False
