"""Production: everything secure; secrets and hosts must come from the environment."""

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
SITE_URL = env("SITE_URL")  # e.g. https://shop.example.com: the links in e-mails

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
SERVE_MEDIA = False  # uploaded media come from the web server in front (see README)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DB_POOL", default=True
):
    # psycopg's connection pool, one per process: a request borrows an open connection and
    # gives it back at its end, so no request pays for connecting (Django requires
    # CONN_MAX_AGE = 0 with it). Each process needs one connection per thread (WEB_THREADS for
    # gunicorn); every process of every machine together must stay below PostgreSQL's
    # max_connections. DB_POOL=false turns it off (e.g. behind PgBouncer), then CONN_MAX_AGE
    # applies as in the base settings.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=max(4, env.int("WEB_THREADS", default=2))),
        # How long a request waits for a free connection before it fails (seconds).
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        # Idle connections above min_size are closed after this many seconds.
        "max_idle": env.float("DB_POOL_MAX_IDLE", default=300.0),
    }
    # Server-side prepared statements (psycopg prepares a statement once it ran 5 times on a
    # connection; they need server-side parameter binding and connections that stay, as in the
    # pool). Off by default, as in Django: see the README's production section for what they
    # saved on checkout and what to check before turning them on (DB_PREPARED_STATEMENTS=true).
    if env.bool("DB_PREPARED_STATEMENTS", default=False):
        DATABASES["default"]["OPTIONS"].update(
            {"server_side_binding": True, "prepare_threshold": 5}
        )
