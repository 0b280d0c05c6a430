"""Health endpoints for load balancers and orchestrators (django-health-check runs the checks).

`/health/live/` answers 200 as long as the process serves requests; it touches nothing else, so
a database outage never gets a web process restarted. `/health/ready/` runs the checks below at
the same time (each with its own time budget) and answers 200 when all pass, else 503, with a
short JSON body naming each check. Both are open (no login, no CSRF, GET only), never cached,
and not rate-limited: they are cheap and say nothing secret (error messages name no hosts).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import uuid

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from kombu import Connection


@dataclasses.dataclass
class Database(HealthCheck):
    """`SELECT 1` on the connection of the request's thread (no extra connection per check)."""

    alias: str = DEFAULT_DB_ALIAS
    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=3), repr=False
    )

    def _probe(self) -> None:
        try:
            with connections[self.alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                row = cursor.fetchone()
        except Exception as error:
            raise ServiceUnavailable("Database unreachable") from error
        if row is None or row[0] != 1:
            raise ServiceUnavailable("Database answered wrongly")

    async def run(self) -> None:
        await sync_to_async(self._probe)()


@dataclasses.dataclass
class Migrations(HealthCheck):
    """No migration of the code is missing from the database (a release half rolled out)."""

    alias: str = DEFAULT_DB_ALIAS
    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=3), repr=False
    )

    def _probe(self) -> None:
        try:
            executor = MigrationExecutor(connections[self.alias])
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except Exception as error:
            raise ServiceUnavailable("Migration state unreadable") from error
        if plan:
            raise ServiceUnavailable(f"{len(plan)} unapplied migration(s)")

    async def run(self) -> None:
        await sync_to_async(self._probe)()


@dataclasses.dataclass
class Cache(HealthCheck):
    """The cache answers. Redis is pinged directly: `core.cache.FailoverRedisCache` would quietly
    answer from its local fallback while Redis is away."""

    alias: str = "default"
    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=2), repr=False
    )

    def run(self) -> None:
        cache = caches[self.alias]
        client = getattr(cache, "_cache", None)
        try:
            if client is not None and hasattr(client, "get_client"):
                client.get_client(write=True).ping()
                return
            key = f"health-check:{uuid.uuid4().hex}"
            cache.set(key, "ok", 10)
            answered = cache.get(key)
            cache.delete(key)
        except Exception as error:
            raise ServiceUnavailable("Cache unreachable") from error
        if answered != "ok":
            raise ServiceUnavailable("Cache answered wrongly")


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (CELERY_BROKER_URL; workers need not be up)."""

    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=2), repr=False
    )

    def run(self) -> None:
        options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}))
        options.update({"max_retries": 0, "socket_connect_timeout": 1, "socket_timeout": 1})
        try:
            with Connection(
                settings.CELERY_BROKER_URL, connect_timeout=1, transport_options=options
            ) as connection:
                connection.ensure_connection(max_retries=1, interval_start=0, timeout=1)
        except Exception as error:
            raise ServiceUnavailable("Broker unreachable") from error


class ReadyView(HealthCheckView):
    """Readiness: 200 `{"status": "ok", ...}` or 503 `{"status": "unavailable", ...}`."""

    checks = (Database, Migrations, Cache, Broker)
    http_method_names = ["get", "head"]

    async def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        with self.get_executor() as executor:
            self.results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        failed = any(result.error for result in self.results)
        body = {
            "status": "unavailable" if failed else "ok",
            "checks": {
                type(result.check).__name__.lower(): (str(result.error) if result.error else "ok")
                for result in self.results
            },
        }
        return JsonResponse(body, status=503 if failed else 200)


ready = csrf_exempt(ReadyView.as_view())


@csrf_exempt
@require_GET
def live(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No database, cache or broker."""
    response = JsonResponse({"status": "ok"})
    add_never_cache_headers(response)
    return response
