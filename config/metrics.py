"""`/metrics` for Prometheus: django-prometheus' request, database and cache metrics plus the
shop's own figures, computed when Prometheus scrapes.

Own figures (`omnishop_*`):
- `omnishop_orders{status}`: pickup orders per state;
- `omnishop_outbox_backlog{outbox, status}`: notifications and webhook deliveries not yet
  done (pending, being sent), and `omnishop_outbox_oldest_pending_seconds{outbox}`;
- `omnishop_celery_tasks_total{task, outcome}`: task outcomes counted by the workers in the
  shared cache (`core.task_metrics`).

Who may read it: a client from `METRICS_ALLOWED_IPS` (addresses or networks, default loopback;
REMOTE_ADDR as the web server sees it) or one sending `Authorization: Bearer <METRICS_TOKEN>`.
Wrong tokens count against a limit per address (`METRICS_TOKEN_FAILURES_PER_5_MIN`); past it
the answer is 429. With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR (see
gunicorn.conf.py): the request metrics are then summed over the workers.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from core import task_metrics
from notifications.models import Notification, NotificationStatus
from shop.orders.models import Order, OrderStatus
from webhooks.models import DeliveryStatus, WebhookDelivery

logger = logging.getLogger(__name__)
FAILURE_WINDOW = 5 * 60


class ShopCollector(Collector):
    """Reads the figures from the database and the cache at scrape time."""

    def collect(self) -> Iterator[Metric]:
        failed = GaugeMetricFamily(
            "omnishop_metrics_database_error",
            "1 when the shop's figures could not be read from the database",
        )
        try:
            yield from self._from_database()
        except DatabaseError:
            logger.warning("Metrics: the database could not be read", exc_info=True)
            failed.add_metric([], 1)
        else:
            failed.add_metric([], 0)
        yield failed
        yield self._tasks()

    def _from_database(self) -> Iterator[Metric]:
        orders = GaugeMetricFamily("omnishop_orders", "Pickup orders per state", labels=["status"])
        by_status = dict(
            Order.objects.order_by()
            .values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        for status in OrderStatus.values:
            orders.add_metric([status], by_status.get(status, 0))
        yield orders

        backlog = GaugeMetricFamily(
            "omnishop_outbox_backlog",
            "Notifications and webhook deliveries not yet done",
            labels=["outbox", "status"],
        )
        oldest = GaugeMetricFamily(
            "omnishop_outbox_oldest_pending_seconds",
            "Age of the oldest pending entry (0 when none)",
            labels=["outbox"],
        )
        now = timezone.now()
        for outbox, model, states in (
            (
                "notifications",
                Notification,
                (NotificationStatus.PENDING, NotificationStatus.SENDING),
            ),
            ("webhooks", WebhookDelivery, (DeliveryStatus.PENDING, DeliveryStatus.SENDING)),
        ):
            counted = dict(
                model.objects.filter(status__in=states)
                .order_by()
                .values("status")
                .annotate(n=Count("id"))
                .values_list("status", "n")
            )
            for state in states:
                backlog.add_metric([outbox, str(state)], counted.get(state, 0))
            first = model.objects.filter(status=states[0]).aggregate(first=Min("created_at"))[
                "first"
            ]
            oldest.add_metric([outbox], (now - first).total_seconds() if first else 0)
        yield backlog
        yield oldest

    def _tasks(self) -> Metric:
        tasks = CounterMetricFamily(
            "omnishop_celery_tasks",
            "Celery task outcomes counted by the workers",
            labels=["task", "outcome"],
        )
        current_app.loader.import_default_modules()  # every app's tasks module (autodiscovery)
        names = sorted(name for name in current_app.tasks if not name.startswith("celery."))
        for (task, outcome), value in sorted(task_metrics.counts(tasks=names).items()):
            tasks.add_metric([task, outcome], value)
        return tasks


def _client_allowed(request: HttpRequest) -> bool:
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.METRICS_ALLOWED_IPS
    )


def _token_state(request: HttpRequest) -> str:
    """ "ok", "none" (no or empty token sent / none configured) or "wrong"."""
    header = request.headers.get("Authorization", "")
    if not settings.METRICS_TOKEN or not header.startswith("Bearer "):
        return "none"
    sent = header.removeprefix("Bearer ").strip()
    if hmac.compare_digest(sent.encode(), settings.METRICS_TOKEN.encode()):
        return "ok"
    return "wrong"


def _failures_key(request: HttpRequest) -> str:
    return f"metrics:token-failures:{request.META.get('REMOTE_ADDR', '')}"


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    key = _failures_key(request)
    if (cache.get(key) or 0) >= settings.METRICS_TOKEN_FAILURES_PER_5_MIN:
        return _plain("Too many attempts\n", 429)
    state = _token_state(request)
    if state == "wrong":
        cache.add(key, 0, FAILURE_WINDOW)
        cache.incr(key)
    if state != "ok" and not _client_allowed(request):
        return _plain("Forbidden\n", 403)

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        process_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(process_registry)
    else:
        process_registry = REGISTRY
    shop_registry = CollectorRegistry()
    shop_registry.register(ShopCollector())
    body = generate_latest(process_registry) + generate_latest(shop_registry)
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
