"""Settings read from the environment, with embedded defaults for a newcomer.

Without any variable the project runs on SQLite and a file-system Celery broker, so
`make run` needs nothing but Python. Production and CI set DATABASE_URL, CELERY_BROKER_URL,
CACHE_URL, EMAIL_URL, SECRET_KEY and ALLOWED_HOSTS (see README).
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / ".data"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("SECRET_KEY", default="django-insecure-dev-only-change-me")
# Off unless asked for (DEBUG=True in the environment or .env): a shopper never sees Django's
# debug page, also not on `make run`. Static files and media are served without it (below).
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "django_htmx",
    "csp",
    "template_partials",
    "django_prometheus",
    "core",
    "accounts",
    "stores",
    "notifications",
    "webhooks",
    "legal",
    "shop.catalogue",
    "inventory",
    "loyalty",
    "shop.storefront",
    "shop.orders",
    "payments",
    "returns",
    "customers",
    "shop.demo",
    "insight",
    "shop.recommendations",
]

MIDDLEWARE = [
    # Prometheus' request metrics wrap everything (django-prometheus: first and last); then the
    # request id, so every later log line of the request carries it (core.request_id).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.input.RejectUnsafeInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "stores.context_processors.my_store",
                "config.context_processors.header",
                "legal.context_processors.legal",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web server and the Celery worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_config(url: str) -> dict:
    """The cache for CACHE_URL. Redis goes through `core.cache.FailoverRedisCache`: a Redis that
    is down or hangs costs at most half a second once, then the rate limits (login, admin login)
    run on a per-process local fallback and are logged, never a 500."""
    config = env.cache_url_config(url)
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        config["BACKEND"] = "core.cache.FailoverRedisCache"
        config.setdefault("OPTIONS", {}).update(
            {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        )
    return config


# Without CACHE_URL the web server and the Celery worker (separate processes under `make run`)
# share a file-based cache under .data/: a local-memory cache per process would never see the
# stock versions a task moves (reservation expiry, reconciliation) and would keep showing stale
# stock. Production sets CACHE_URL to Redis.
CACHES = {
    "default": cache_config(
        env("CACHE_URL", default=f"filecache://{DATA_DIR / 'cache'}?max_entries=20000")
    )
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Sign-up never says whether an address is registered: both answer "confirm your e-mail address"
# (accounts.forms); allauth's other forms (password reset) prevent enumeration by default.
ACCOUNT_FORMS = {"signup": "accounts.forms.EnumerationSafeSignupForm"}
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's rate limits stay on (its defaults); listed here so they are visible and tunable.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}

# Content-Security-Policy on every page (django-csp): scripts only from our own origin or with the
# request's nonce (no inline handlers, no eval: htmx runs without hx-on), styles from our origin
# (inline style attributes allowed), images also as data: URIs (QR codes, Swagger UI's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The language cookie (set by the language switch): not readable by scripts, not sent on
# cross-site requests; production also sends it over HTTPS only.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
# Our own date and time formats ("5. Dezember 2026, 20:00 Uhr" / "5 December 2026, 8:00 pm").
FORMAT_MODULE_PATH = ["config.formats"]
CURRENCY = "EUR"

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# `make run` (runserver, DEBUG off): WhiteNoise serves the static files straight from the apps'
# and static/ folders, no collectstatic needed, and Django serves the uploaded media (the demo
# pictures). The production settings turn both off (collectstatic; media from the web server).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
WHITENOISE_AUTOREFRESH = env.bool("WHITENOISE_AUTOREFRESH", default=True)
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)

# Returns: how many days after collection a return can be started.
RETURN_WINDOW_DAYS = env.int("RETURN_WINDOW_DAYS", default=30)
# Stock counts: a line whose variance exceeds `units` units or `percent` % of the system's
# on_hand waits for a store manager's approval.
STOCK_COUNT_APPROVAL_THRESHOLD = {
    "units": env.int("STOCK_COUNT_APPROVAL_UNITS", default=10),
    "percent": env.int("STOCK_COUNT_APPROVAL_PERCENT", default=20),
}

# Uploaded product images: bytes and pixels a product photo may have.
PRODUCT_IMAGE_MAX_BYTES = 8 * 1024 * 1024
PRODUCT_IMAGE_MAX_PIXELS = 40_000_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # seconds; a hung mail server is retried later
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Omnishop <shop@omnishop.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "core.api_schema.AutoSchema",
    # Token first: DRF answers missing credentials with the first class's WWW-Authenticate
    # challenge, so they are a 401 (`WWW-Authenticate: Token`), not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "core.api.PageNumberPagination400",
    "PAGE_SIZE": 48,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "core.api.domain_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Omnishop API",
    "DESCRIPTION": "Catalogue, store availability, pickup orders, stock and loyalty for POS, ERP and apps.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api_schema.common_responses",
        "webhooks.schema.webhook_schema",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "shop.orders.models.orders.OrderStatus",
        "ReturnStatusEnum": "returns.models.ReturnStatus",
    },
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
# Publishing happens in web requests (on commit): when the broker is down it must give up at once
# (refused: ~0.3 s; hung: the socket timeout) instead of hanging the request; the outbox sweep
# queues what could not be published.
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = _PUBLISH_RETRY
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **_PUBLISH_RETRY,  # connecting for a publish (kombu's ensure_connection)
    "socket_connect_timeout": 1,  # Redis
    "socket_timeout": 3,  # Redis: longer than the worker's 1 s BRPOP poll
}
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = DATA_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_queue_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),  # else kombu writes ./control
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged after it ran; if the worker dies mid-task the broker delivers it again
# (tasks are idempotent), and on a lost broker connection running tasks are not duplicated.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
# The worker keeps reconnecting (at start and later) while the broker is away.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TIMEZONE = TIME_ZONE
# The worker logs through Django's LOGGING (request id, LOG_FORMAT=json), not its own set-up.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "expire-overdue-pickup-orders": {
        "task": "shop.tasks.expire_overdue_orders",
        "schedule": 15 * 60,
    },
    "drop-unanswered-rescues": {
        "task": "shop.orders.tasks.drop_unanswered_rescues",
        "schedule": 5 * 60,
    },
    "send-pickup-reminders": {
        "task": "notifications.tasks.send_pickup_reminders",
        "schedule": 15 * 60,
    },
    "requeue-stale-notifications": {
        "task": "notifications.tasks.requeue_stale_notifications",
        "schedule": 5 * 60,
    },
    "loyalty-recompute-tiers": {
        "task": "loyalty.tasks.recompute_tiers",
        "schedule": crontab(hour=3, minute=30),
    },
    "reconcile-stock": {
        "task": "inventory.tasks.reconcile_stock",
        "schedule": crontab(hour=3, minute=15),
    },
    "customers-data-exports": {
        "task": "customers.tasks.sweep_data_exports",
        "schedule": 10 * 60,
    },
    "release-abandoned-payments": {
        "task": "payments.tasks.release_abandoned_payments",
        "schedule": 5 * 60,
    },
    "capture-payments-before-lapse": {
        "task": "payments.tasks.capture_before_lapse",
        "schedule": 60 * 60,
    },
    "reconcile-payments": {
        "task": "payments.tasks.reconcile_payments",
        "schedule": crontab(hour=3, minute=45),
    },
    "requeue-stale-webhooks": {
        "task": "webhooks.tasks.requeue_stale_webhooks",
        "schedule": 5 * 60,
    },
    "lapse-stock-alerts": {
        "task": "inventory.tasks.lapse_stock_alerts",
        "schedule": crontab(hour=4, minute=10),
    },
    "compute-recommendations": {
        "task": "shop.recommendations.tasks.compute_recommendations",
        "schedule": crontab(hour=4, minute=0),
    },
    "insight-refresh-rollups": {
        "task": "insight.tasks.refresh_rollups",
        "schedule": 60 * 60,
    },
}

# Online payments (the `payments` app, docs/payments.md): Stripe PaymentIntents with manual
# capture. Without the two keys only paying at the counter is offered. STRIPE_API_BASE and
# STRIPE_JS_URL point elsewhere only in tests (a local stand-in of Stripe).
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_JS_URL = env("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
STRIPE_TIMEOUT = env.float("STRIPE_TIMEOUT", default=8.0)  # seconds; runs with the order locked
# Stores without their own payment options offer these Stripe method types.
PAYMENT_DEFAULT_METHODS = env.list("PAYMENT_DEFAULT_METHODS", default=["card", "paypal", "klarna"])
# An order awaiting payment for longer is cancelled and its stock released.
PAYMENT_PENDING_MINUTES = env.int("PAYMENT_PENDING_MINUTES", default=15)
# Card authorisations lapse after 7 days; an open order is captured this long before.
PAYMENT_AUTHORISATION_DAYS = 7
PAYMENT_CAPTURE_MARGIN_HOURS = 24
# The seller on invoices (name, address lines, VAT ID, tax number).
INVOICE_SELLER = {
    "name": env("INVOICE_SELLER_NAME", default="Omnishop GmbH"),
    "street": env("INVOICE_SELLER_STREET", default="Musterstraße 1"),
    "postcode": env("INVOICE_SELLER_POSTCODE", default="10115"),
    "city": env("INVOICE_SELLER_CITY", default="Berlin"),
    "country": "DE",
    "vat_id": env("INVOICE_SELLER_VAT_ID", default="DE123456789"),
}

# Notifications (the outbox in `notifications`): absolute links in e-mails start with SITE_URL.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# A failing mail server is retried after 30 s, 1, 2, 4 and 8 min; then the notification is failed
# (the admin can retry it). Pending and untried for longer than the longest wait: the sweep
# queues it again (a lost task, or the broker was down when it was written).
NOTIFICATIONS_MAX_RETRIES = 5
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30)
NOTIFICATIONS_STALE_AFTER_MINUTES = 10
NOTIFICATIONS_SWEEP_BATCH = 500
# A send started this long ago and never finished (the worker died between handing the message to
# the mail server and recording it) has an unknown fate: the sweep sends it again with the same
# Message-ID. Longer than a task may run (CELERY_TASK_TIME_LIMIT).
NOTIFICATIONS_UNKNOWN_FATE_AFTER_MINUTES = 10
# Queueing a notification happens on the request thread (on commit): one attempt, and at most
# this many seconds per connect and per broker reply, so a hung broker cannot slow checkout.
NOTIFICATIONS_PUBLISH_TIMEOUT = env.float("NOTIFICATIONS_PUBLISH_TIMEOUT", default=0.5)

# Logs go to standard error: readable lines by default (`make run`), one JSON object per line
# with LOG_FORMAT=json (production; python-json-logger). Every line carries the request id
# (core.request_id: X-Request-ID, also in the Celery tasks a request queued).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Load balancers and Prometheus probe the machines directly over HTTP: the production settings'
# HTTPS redirect leaves the health endpoints and /metrics alone.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
# /metrics (config.metrics): open to these addresses or networks, or to a bearer token.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_TOKEN_FAILURES_PER_5_MIN = 20

# Apple Wallet pass of the loyalty card. Paths to PEM files: the pass type certificate, its private
# key (optionally encrypted) and Apple's WWDR intermediate. Without all of them no pass is offered.
WALLET_PASS_CERT = env("WALLET_PASS_CERT", default="")
WALLET_PASS_KEY = env("WALLET_PASS_KEY", default="")
WALLET_PASS_KEY_PASSWORD = env("WALLET_PASS_KEY_PASSWORD", default="")
WALLET_WWDR_CERT = env("WALLET_WWDR_CERT", default="")
WALLET_PASS_TYPE_ID = env("WALLET_PASS_TYPE_ID", default="")
WALLET_TEAM_ID = env("WALLET_TEAM_ID", default="")
WALLET_ORGANIZATION_NAME = env("WALLET_ORGANIZATION_NAME", default="Omnishop")

# Pages of the staff's desks: their 404 page wears the back-office look (core.views).
STAFF_PATH_PREFIXES = ["/desk/", "/stock/", "/returns/desk/", "/loyalty/desk/"]

# Outgoing webhooks (the `webhooks` app, docs/webhooks.md): a failed attempt is tried again after
# 1, 2, 4, ... minutes (at most 4 hours apart) for a day, then the delivery is failed. So many
# failed attempts in a row pause the endpoint and its managers are told. Private and loopback
# hosts are refused unless allowed (development and tests).
WEBHOOKS_TIMEOUT = env.float("WEBHOOKS_TIMEOUT", default=10.0)
WEBHOOKS_RETRY_BASE_SECONDS = env.float("WEBHOOKS_RETRY_BASE_SECONDS", default=60.0)
WEBHOOKS_RETRY_MAX_DELAY_SECONDS = 4 * 60 * 60
WEBHOOKS_RETRY_FOR_HOURS = 24
WEBHOOKS_PAUSE_AFTER_FAILURES = env.int("WEBHOOKS_PAUSE_AFTER_FAILURES", default=20)
WEBHOOKS_STALE_AFTER_MINUTES = 5
WEBHOOKS_ALLOW_PRIVATE_HOSTS = env.bool("WEBHOOKS_ALLOW_PRIVATE_HOSTS", default=DEBUG)
# How long "which events do the endpoints want" stays in the cache (webhooks.selectors). An
# endpoint's change replaces the entry at once on a shared cache (Redis); on a local-memory
# cache other processes see it after at most this long.
WEBHOOKS_SUBSCRIPTIONS_CACHE_SECONDS = env.int("WEBHOOKS_SUBSCRIPTIONS_CACHE_SECONDS", default=60)
