"""Two workers delivering the same notification at once: the row lock lets one send."""

import threading

import pytest
from django.db import connection

from notifications.models import Notification, NotificationStatus
from notifications.services import notification_deliver
from tests.components import require_postgres

from .conftest import place

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_deliveries_send_once(store, jacket, smtp_settings):
    require_postgres()
    smtp_settings.handler.delay = 0.5  # every sender is mid-delivery when the others start
    place(store, [(jacket, 1)])
    row = Notification.objects.get(kind="order_placed", channel="email")
    barrier = threading.Barrier(4)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(notification_deliver(notification_id=row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results, key=str) == [None, None, None, NotificationStatus.SENT]
    assert len(smtp_settings.messages) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 1)
