"""The request id: from X-Request-ID or made, echoed, on every log line, into queued tasks."""

import json
import logging

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from config.celery import app
from core import request_id
from notifications.models import Notification, NotificationStatus
from notifications.tasks import requeue_stale_notifications
from tests import factories
from tests.notifications.broker import use_broker

pytestmark = pytest.mark.django_db


def test_sane_header_is_kept_and_echoed():
    response = Client().get("/health/live/", HTTP_X_REQUEST_ID="lb-4f2a:17.3")
    assert response["X-Request-ID"] == "lb-4f2a:17.3"


@pytest.mark.parametrize("header", ["", "has space", "x" * 129, "semi;colon", "ünï"])
def test_insane_header_is_replaced(header):
    response = Client().get("/health/live/", HTTP_X_REQUEST_ID=header)
    made = response["X-Request-ID"]
    assert made != header
    assert len(made) == 32 and made.isalnum()


def test_each_request_gets_its_own_id():
    client = Client()
    first, second = (client.get("/health/live/")["X-Request-ID"] for _ in range(2))
    assert first != second
    assert request_id.current() == "-"  # nothing left behind after the request


@pytest.mark.django_db(transaction=True)
def test_queued_task_carries_the_request_id(store, shopper, caplog):
    """Checkout queues the order's one follow-up message on commit, inside the request; it
    carries the request's id, the follow-up task passes it on to each notification's task, and
    that task (run as the worker runs it) logs with the same id. (A transactional test: the commit happens within the request.)"""
    variant = factories.stocked_variant(store, "12.00")
    api = APIClient()
    api.force_authenticate(shopper)
    body = {
        "store": store.code,
        "lines": [{"sku": variant.sku, "quantity": 1}],
        "phone": "+4930123",
    }
    with use_broker("memory://"):
        response = api.post("/api/v1/orders/", body, format="json", HTTP_X_REQUEST_ID="checkout-77")
        assert response.status_code == 201, response.content
        assert response["X-Request-ID"] == "checkout-77"
        followups = _next_message()
        assert followups.headers["task"] == "shop.orders.tasks.order_placed_followups"
        assert followups.headers[request_id.TASK_HEADER] == "checkout-77"
        # the worker runs it: it queues each notification as its own task, still with the id
        _run(followups, caplog)
        message = _next_message()
    headers = message.headers
    assert headers["task"] == "notifications.tasks.send_notification"
    assert headers[request_id.TASK_HEADER] == "checkout-77"

    args = _run(message, caplog)
    task_records = [r for r in caplog.records if headers["id"] in r.getMessage()]
    assert task_records, [r.getMessage() for r in caplog.records]
    assert {r.request_id for r in task_records} == {"checkout-77"}
    assert Notification.objects.filter(pk=args[0], status=NotificationStatus.SENT).exists()
    assert request_id.current() == "-"


def _next_message():
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue(app.conf.task_default_queue)
        message = queue.get(block=False)
        message.ack()
        queue.close()
    return message


def _run(message, caplog) -> list:
    """Run the task of `message` as the worker would; its positional arguments."""
    args, kwargs, _embed = message.decode()
    headers = message.headers
    with caplog.at_level(logging.INFO):
        app.tasks[headers["task"]].apply(
            args=args, kwargs=kwargs, task_id=headers["id"], headers=headers
        )
    return args


def test_task_without_request_gets_its_own_id(caplog):
    with caplog.at_level(logging.INFO):
        requeue_stale_notifications.apply(task_id="t-1")
    started = [r for r in caplog.records if "[t-1] started" in r.getMessage()]
    assert [r.request_id for r in started] == ["task-t-1"]


def test_json_log_lines_carry_the_request_id():
    from pythonjsonlogger.json import JsonFormatter

    config = dict(settings.LOGGING["formatters"]["json"])
    config.pop("()")
    formatter = JsonFormatter(**config)
    record = logging.LogRecord("shop", logging.WARNING, __file__, 1, "Stock low: %s", ("X1",), None)
    token = request_id._current.set("req-9")
    try:
        request_id.RequestIdFilter().filter(record)
    finally:
        request_id._current.reset(token)
    line = json.loads(formatter.format(record))
    assert line["request_id"] == "req-9"
    assert line["message"] == "Stock low: X1"
    assert line["level"] == "WARNING" and line["logger"] == "shop"
    assert "time" in line
