"""/metrics: django-prometheus' request and database metrics plus the shop's own figures, open
only to the configured addresses or a bearer token."""

import re

import pytest
from django.db import connection
from django.test import Client

from core import task_metrics
from notifications.tasks import send_notification
from tests import factories
from tests.notifications.broker import eager_tasks

pytestmark = pytest.mark.django_db

METRICS = "/metrics"


def vendor() -> str:
    return connection.vendor


def value(body: str, name: str, **labels: str) -> float:
    """The sample `name{labels}` of an exposition, exactly those labels in any order."""
    for line in body.splitlines():
        match = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(3) or ""))
        if found == labels:
            return float(match.group(4))
    raise AssertionError(f"no sample {name}{labels}")


def test_loopback_reads_request_db_and_shop_metrics(store):
    variant = factories.stocked_variant(store, "10.00")
    factories.pickup_order(store, [(variant, 1)])
    client = Client()  # REMOTE_ADDR 127.0.0.1
    client.get("/health/live/")
    response = client.get(METRICS)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    body = response.content.decode()
    assert value(body, "omnishop_orders", status="placed") == 1
    assert value(body, "omnishop_orders", status="collected") == 0
    # Placing the order wrote its notifications to the outbox (not sent in this test).
    assert value(body, "omnishop_outbox_backlog", outbox="notifications", status="pending") >= 1
    assert value(body, "omnishop_outbox_backlog", outbox="webhooks", status="pending") == 0
    assert value(body, "omnishop_outbox_oldest_pending_seconds", outbox="webhooks") == 0
    # django-prometheus: latency by view, database query durations.
    assert (
        value(
            body,
            "django_http_requests_latency_seconds_by_view_method_count",
            view="health-live",
            method="GET",
        )
        >= 1
    )
    assert value(body, "omnishop_db_query_seconds_count", alias="default", vendor=vendor()) > 0


def test_task_outcomes_are_counted(store, settings):
    variant = factories.stocked_variant(store, "10.00")
    order = factories.pickup_order(store, [(variant, 1)])
    from notifications.models import Notification

    pending = Notification.objects.filter(subject_id=str(order.pk)).first() or (
        Notification.objects.first()
    )
    with eager_tasks():
        send_notification.apply_async((pending.pk,))
    task_metrics.count(task="inventory.tasks.reconcile_stock", outcome="failure")
    body = Client().get(METRICS).content.decode()
    name = send_notification.name
    assert value(body, "omnishop_celery_tasks_total", task=name, outcome="success") == 1
    assert (
        value(
            body,
            "omnishop_celery_tasks_total",
            task="inventory.tasks.reconcile_stock",
            outcome="failure",
        )
        == 1
    )


def test_other_addresses_need_the_token(settings):
    settings.METRICS_TOKEN = "s3cret-token"
    outside = Client(REMOTE_ADDR="203.0.113.7")
    assert outside.get(METRICS).status_code == 403
    assert outside.get(METRICS, HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert outside.get(METRICS, HTTP_AUTHORIZATION="s3cret-token").status_code == 403
    response = outside.get(METRICS, HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200
    assert "omnishop_orders" in response.content.decode()


def test_allowed_networks(settings):
    settings.METRICS_ALLOWED_IPS = ["10.1.0.0/16"]
    assert Client(REMOTE_ADDR="10.1.200.3").get(METRICS).status_code == 200
    assert Client(REMOTE_ADDR="10.2.0.1").get(METRICS).status_code == 403
    assert Client(REMOTE_ADDR="127.0.0.1").get(METRICS).status_code == 403
    # Without a configured token no bearer value opens it.
    settings.METRICS_TOKEN = ""
    assert (
        Client(REMOTE_ADDR="10.2.0.1").get(METRICS, HTTP_AUTHORIZATION="Bearer ").status_code == 403
    )


def test_wrong_tokens_are_rate_limited(settings):
    settings.METRICS_TOKEN = "s3cret-token"
    settings.METRICS_TOKEN_FAILURES_PER_5_MIN = 3
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert client.get(METRICS, HTTP_AUTHORIZATION="Bearer guess").status_code == 403
    # Past the limit even the right token waits; another address is not affected.
    assert client.get(METRICS, HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 429
    other = Client(REMOTE_ADDR="203.0.113.10")
    assert other.get(METRICS, HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200


def test_metrics_refuse_post():
    assert Client().post(METRICS).status_code == 405


def test_cache_timings_on_redis(settings):
    """The Redis cache (core.cache.FailoverRedisCache) times its calls for /metrics."""
    from django.core.cache import caches

    from tests.components import require_redis

    require_redis()
    settings.CACHES = {
        **settings.CACHES,
        "metrics-test": {
            "BACKEND": "core.cache.FailoverRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/2",
            "KEY_PREFIX": "metrics-test",
        },
    }
    body = Client().get(METRICS).content.decode()
    try:
        before = value(body, "omnishop_cache_seconds_count", operation="has_key", backend="redis")
    except AssertionError:
        before = 0
    caches["metrics-test"].has_key("anything")  # an operation /metrics itself does not use
    body = Client().get(METRICS).content.decode()
    assert value(body, "omnishop_cache_seconds_count", operation="has_key", backend="redis") == (
        before + 1
    )


def test_retries_are_counted(store, settings):
    """A mail server that refuses: the notification task retries (eagerly here) until its last
    attempt gives up; every retry is counted."""
    from notifications.models import Notification, NotificationStatus
    from tests.notifications.broker import closed_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    variant = factories.stocked_variant(store, "10.00")
    factories.pickup_order(store, [(variant, 1)])
    pending = Notification.objects.filter(channel="email").first()
    assert pending is not None
    with eager_tasks():
        send_notification.apply_async((pending.pk,))
    pending.refresh_from_db()
    assert pending.status == NotificationStatus.FAILED
    body = Client().get(METRICS).content.decode()
    name = send_notification.name
    retries = send_notification.max_retries
    assert value(body, "omnishop_celery_tasks_total", task=name, outcome="retry") == retries
