"""gunicorn's configuration for production: `gunicorn -c gunicorn.conf.py config.wsgi`.

Workers and threads follow the machine's cores unless the environment says otherwise:
- WEB_WORKERS: processes (default 2 × cores + 1, at most WEB_WORKERS_MAX, default 8);
- WEB_THREADS: threads per process (default 2; requests wait on PostgreSQL and Redis);
- WEB_BIND (default 0.0.0.0:8000), WEB_TIMEOUT (30 s), WEB_GRACEFUL_TIMEOUT (30 s),
  WEB_KEEPALIVE (5 s), WEB_MAX_REQUESTS (1000, with jitter: a worker is renewed now and then).
With LOG_FORMAT=json the access log is one JSON object per request, like Django's log lines.
With PROMETHEUS_MULTIPROC_DIR set (an empty directory, emptied at each start), /metrics sums
the request metrics over all workers (prometheus_client's multiprocess mode).
`make run` does not use this file: it serves with runserver (Procfile).
"""

import datetime
import json
import os
import shutil
from pathlib import Path

from gunicorn.glogging import Logger

cores = os.cpu_count() or 1
workers = int(
    os.environ.get("WEB_WORKERS") or min(2 * cores + 1, int(os.environ.get("WEB_WORKERS_MAX", 8)))
)
threads = int(os.environ.get("WEB_THREADS", 2))
worker_class = "gthread"
bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
timeout = int(os.environ.get("WEB_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("WEB_KEEPALIVE", 5))
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 1000))
max_requests_jitter = max_requests // 10
# Each worker loads the app itself (no connections or metrics files shared across a fork).
preload_app = False
# The real client address from the proxy in front (set FORWARDED_ALLOW_IPS to its address).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class JsonAccessLogger(Logger):
    """gunicorn's logger with one JSON object per request on the access log (values escaped)."""

    def access(self, resp, req, environ, request_time):
        atoms = self.atoms(resp, req, environ, request_time)
        line = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "remote": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"],
            "status": atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "user_agent": atoms["a"],
            "request_id": atoms.get("{x-request-id}o", "-"),
        }
        self.access_log.info(json.dumps(line))


if os.environ.get("LOG_FORMAT") == "json":
    logger_class = JsonAccessLogger
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
            "raw": {"format": "%(message)s"},
        },
        "handlers": {
            "error": {"class": "logging.StreamHandler", "formatter": "json"},
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "raw",
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"handlers": ["error"], "level": loglevel.upper()},
        "loggers": {
            "gunicorn.error": {
                "handlers": ["error"],
                "level": loglevel.upper(),
                "propagate": False,
            },
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }

_multiproc_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    """A fresh directory for prometheus_client's per-process files."""
    if _multiproc_dir:
        shutil.rmtree(_multiproc_dir, ignore_errors=True)
        Path(_multiproc_dir).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    """A worker that ended leaves its gauges out of the sums."""
    if _multiproc_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
