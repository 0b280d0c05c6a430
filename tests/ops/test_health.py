"""/health/live/ and /health/ready/: open, never cached, 503 when a dependency is away."""

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from tests.notifications.broker import closed_port

pytestmark = pytest.mark.django_db

LIVE, READY = "/health/live/", "/health/ready/"


@pytest.fixture
def client():
    return Client(enforce_csrf_checks=True)


def test_live_answers_without_dependencies(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get(LIVE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert client.post(LIVE).status_code == 405


def test_ready_is_200_on_a_healthy_setup(client):
    response = client.get(READY)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok", "broker": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]
    # The CSP header stays as on every page; no login, no CSRF token needed.
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_ready_is_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get(READY)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"] == "Unavailable: Broker unreachable"
    assert body["checks"]["database"] == "ok"


def test_ready_is_503_when_the_cache_is_unreachable(client, settings):
    port = closed_port()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "core.cache.FailoverRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    response = client.get(READY)
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "Unavailable: Cache unreachable"


def test_ready_is_503_while_a_migration_is_unapplied(client):
    # Forget that the newest migration of one app ran (rolled back with the test's transaction).
    recorder = MigrationRecorder.Migration.objects
    latest = recorder.filter(app="webhooks").order_by("-name").first()
    assert latest is not None
    latest.delete()
    response = client.get(READY)
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "Unavailable: 1 unapplied migration(s)"


def test_health_urls_are_not_rate_limited(client):
    assert all(client.get(READY).status_code == 200 for _ in range(30))


def test_probes_over_http_are_not_redirected(settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production
    client = Client()
    assert client.get(LIVE).status_code == 200
    assert client.get(READY).status_code == 200
    assert client.get("/metrics").status_code == 200
    assert client.get("/legal/").status_code == 301
