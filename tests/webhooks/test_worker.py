"""A real Celery worker on Redis and PostgreSQL sends the deliveries to a real local receiver:
once per event, in order per order number, through a receiver that answers 500 three times,
signed so that a wrong secret or a changed body is caught.

The worker runs as a separate process against pytest's test database (hence PostgreSQL: a
second process cannot see SQLite's in-memory test database), with the backoff shortened through
its settings (`WEBHOOKS_RETRY_BASE_SECONDS`). The test process publishes to the same Redis
database. Skipped without PostgreSQL or Redis only when CI is unset (tests.components).
"""

import json
import os
import time
import uuid

import pytest
import redis

from tests import factories
from tests.components import require_postgres, require_redis
from tests.notifications.broker import use_broker
from tests.notifications.test_worker import Worker, _database_url, _wait_for
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from webhooks.services import webhooks_requeue_stale
from webhooks.tasks import send_webhook

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

BROKER = os.environ.get("WEBHOOKS_TEST_BROKER_URL", "redis://127.0.0.1:6379/9")
DELIVERY_TIMEOUT = 30
EVENTS = ["order.placed", "order.ready", "order.collected"]


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        require_postgres()
    require_redis()
    redis.Redis.from_url(BROKER).flushdb()  # no leftovers from an earlier run
    log = tmp_path_factory.mktemp("webhook-worker") / "worker.log"
    log.touch()
    with use_broker(BROKER):
        process = Worker(
            {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings.base",
                "DATABASE_URL": _database_url(),
                "CONN_MAX_AGE": "0",
                "CELERY_BROKER_URL": BROKER,
                "CACHE_URL": "locmemcache://webhook-worker",
                "WEBHOOKS_ALLOW_PRIVATE_HOSTS": "true",  # the receiver is on 127.0.0.1
                "WEBHOOKS_RETRY_BASE_SECONDS": "0.2",  # 0.2, 0.4, 0.8 s instead of 1, 2, 4 min
                "WEBHOOKS_TIMEOUT": "5",
            },
            log,
        )
        try:
            process.start()
            yield process
        finally:
            process.stop()
            print(log.read_text()[-3000:])  # shown by pytest when a test failed


def _all_delivered() -> bool:
    statuses = set(WebhookDelivery.objects.values_list("status", flat=True))
    return statuses == {DeliveryStatus.DELIVERED}


def test_the_worker_delivers_once_per_event_in_order_through_three_500s(
    worker, store, jacket, receiver
):
    endpoint = WebhookEndpoint.objects.create(name="ERP", url=receiver.url, events=EVENTS)
    receiver.statuses = [500, 500, 500]  # the first three requests fail, whatever they are
    associate = factories.UserFactory(is_superuser=True, is_staff=True)
    from shop.orders.services import orders as services

    # Two orders whose events interleave; each commit queues its delivery to the worker.
    first = factories.pickup_order(store, [(jacket, 1)])
    second = factories.pickup_order(store, [(jacket, 2)])
    for order in (first, second):
        order = services.order_start_picking(order=order, actor=associate)
        services.order_mark_ready(order=order, actor=associate)
    for order in (second, first):
        order.refresh_from_db()
        services.order_collect(order=order, code=order.pickup_code, actor=associate)

    _wait_for(
        lambda: WebhookDelivery.objects.count() == 6 and _all_delivered(),
        DELIVERY_TIMEOUT,
        "six deliveries",
    )
    time.sleep(1)  # nothing more arrives
    statuses = [request["status"] for request in receiver.received]
    assert statuses.count(500) == 3 and statuses.count(200) == 6, statuses
    bodies = receiver.accepted()
    # Once per event: six events, six different ids, each accepted once.
    assert len(bodies) == 6 and len({body["id"] for body in bodies}) == 6
    assert set(WebhookDelivery.objects.values_list("event_id", flat=True)) == {
        uuid.UUID(body["id"]) for body in bodies
    }
    # In order per order number, whichever delivery had to wait for the retries.
    for order in (first, second):
        assert [b["event"] for b in bodies if b["data"]["number"] == order.number] == EVENTS
    # The three 500s were retried (after 0.2, 0.4, ... s) until each delivery was accepted.
    attempts = list(WebhookDelivery.objects.values_list("attempts", "response_status"))
    assert sum(n for n, _status in attempts) == 6 + 3, attempts
    assert {status for _n, status in attempts} == {200}
    retried = WebhookDelivery.objects.filter(attempts__gt=1).first()
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0

    # Signed: the right secret verifies every request; a wrong one, or a changed body, does not.
    for request in receiver.received:
        assert receiver.verified(request, endpoint.secret)
        assert not receiver.verified(request, "whsec_" + "x" * 43)
        tampered = json.loads(request["body"])
        tampered["data"]["total"] = "0.01"
        assert not receiver.verified(
            {**request, "body": json.dumps(tampered).encode()}, endpoint.secret
        )

    # A sweep and a duplicate task (a redelivered message) send nothing again.
    assert webhooks_requeue_stale() == 0
    send_webhook.delay(retried.pk)
    time.sleep(1.5)
    assert len(receiver.accepted()) == 6


def test_a_rolled_back_change_reaches_nobody_and_the_next_one_does(worker, store, jacket, receiver):
    from django.db import transaction

    WebhookEndpoint.objects.create(name="ERP", url=receiver.url, events=EVENTS)
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.pickup_order(store, [(jacket, 1)])
        raise RuntimeError("the checkout fails after the order was written")
    order = factories.pickup_order(store, [(jacket, 1)])
    _wait_for(
        lambda: WebhookDelivery.objects.count() == 1 and _all_delivered(),
        DELIVERY_TIMEOUT,
        "the delivery",
    )
    time.sleep(0.5)
    assert [body["data"]["number"] for body in receiver.accepted()] == [order.number]
