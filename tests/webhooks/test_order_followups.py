"""Placing an order hands the broker one message after commit, whatever it announces (the
shopper's confirmation, the store's new-order message, the order.placed webhook): the worker
queues each from there, and each is still sent once."""

import json

import pytest
from django.core import mail

from notifications.models import Notification, NotificationStatus
from notifications.services import enqueue as notify_enqueue
from shop.orders.services.orders import order_place
from shop.orders.tasks import order_placed_followups_queue
from tests import factories
from tests.notifications.broker import closed_port, eager_tasks, use_broker
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.services import enqueue as hook_enqueue

pytestmark = pytest.mark.django_db


def _place(store, jacket):
    return order_place(
        customer=factories.UserFactory(), store=store, lines=[(jacket, 1)], phone="+49 30 1234567"
    )


def test_one_message_per_order_sends_every_notification_and_webhook(
    store, jacket, endpoint, receiver, django_capture_on_commit_callbacks
):
    factories.staff(store)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = _place(store, jacket)
    # On commit, one hand-over to the broker (the other callbacks move cache versions).
    [handover] = [c for c in callbacks if getattr(c, "func", None) is order_placed_followups_queue]
    assert not [c for c in callbacks if getattr(c, "func", None) in (notify_enqueue, hook_enqueue)]
    assert Notification.objects.count() == 3  # shopper: e-mail and in-app; associate: in-app
    assert WebhookDelivery.objects.count() == 1

    with eager_tasks():
        handover()
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}
    assert [m.to for m in mail.outbox] == [[order.email]]
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    [request] = receiver.received
    assert json.loads(request["body"])["data"]["number"] == order.number


def test_a_lost_message_leaves_everything_pending_for_the_sweeps(
    store, jacket, endpoint, django_capture_on_commit_callbacks, caplog
):
    with (
        use_broker(f"redis://127.0.0.1:{closed_port()}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _place(store, jacket)
    assert set(Notification.objects.values_list("status", flat=True)) == {
        NotificationStatus.PENDING
    }
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING
    assert "2 notification(s) and 1 webhook delivery(ies) stay pending" in caplog.text
