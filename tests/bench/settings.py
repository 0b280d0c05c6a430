"""Production settings plus the bench-only views (`urls.py`); used only by `make bench`."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
# Bad requests measured on purpose would otherwise log a warning each.
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "django": {"level": "ERROR"}}}  # noqa: F405
