"""Production settings plus the bench-only views (`urls.py`); used only by `make bench`."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
# Bad requests measured on purpose would otherwise log a warning each.
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "django": {"level": "ERROR"}}}  # noqa: F405

# Every worker thread keeps its database connection for the whole run: a connection closed
# mid-run takes its CPU out of the bench's reach (the harness then reports it as not counted).
# With psycopg's pool (production's choice when OPTIONS has "pool") the pool keeps them instead,
# and Django allows no CONN_MAX_AGE beside it.
if not DATABASES["default"].get("OPTIONS", {}).get("pool"):  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405
