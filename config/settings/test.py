"""Tests: the same settings, with a fast password hasher and mail kept in memory."""

from .base import *  # noqa: F403
from .base import BASE_DIR, cache_config, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".data" / "test-media"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
# One process: local memory (fast, and cleared per test) unless CACHE_URL names Redis.
CACHES = {"default": cache_config(env("CACHE_URL", default="locmemcache://omnishop"))}
# Tests serve static files through the finders; there is no collectstatic folder to scan.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The tests' receivers listen on 127.0.0.1.
WEBHOOKS_ALLOW_PRIVATE_HOSTS = True
