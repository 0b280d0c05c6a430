"""Point the Celery app of this process at another broker for a while (tests only)."""

import contextlib
import os
import socket
import threading

from kombu import pools

from config.celery import app


def _drop_pools() -> None:
    """Close the broker connections; the next publish connects to `broker_url` afresh."""
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def use_broker(url: str):
    """Publish to `url` for a while. Celery reads the CELERY_BROKER_URL environment variable
    before its configuration (CI sets it), so both change."""
    previous_conf, previous_env = app.conf.broker_url, os.environ.get("CELERY_BROKER_URL")
    _drop_pools()
    app.conf.broker_url = os.environ["CELERY_BROKER_URL"] = url
    try:
        yield
    finally:
        _drop_pools()
        app.conf.broker_url = previous_conf
        if previous_env is None:
            del os.environ["CELERY_BROKER_URL"]
        else:
            os.environ["CELERY_BROKER_URL"] = previous_env


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


class SilentBroker:
    """A local TCP server that accepts connections and never says a word: a hung broker.
    `connections` counts the connections it accepted (one per publish attempt)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.connections = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._held.append(conn)  # read nothing, answer nothing, close nothing

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        for conn in self._held:
            conn.close()
        self.sock.close()
