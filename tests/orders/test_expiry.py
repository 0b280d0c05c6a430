import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from inventory.models import Reservation
from shop.orders.models import Order, OrderStatus
from shop.orders.tasks import expire_overdue_orders
from tests import factories
from tests.orders.helpers import level

pytestmark = pytest.mark.django_db


def _age(order, **delta):
    Order.objects.filter(pk=order.pk).update(hold_until=timezone.now() - dt.timedelta(**delta))


def test_task_expires_only_ready_orders_past_their_hold(store, jacket):
    overdue = factories.pickup_order(store, [(jacket, 2)], status="ready")
    waiting = factories.pickup_order(store, [(jacket, 1)], status="ready")
    placed = factories.pickup_order(store, [(jacket, 1)])
    collected = factories.pickup_order(store, [(jacket, 1)], status="collected")
    _age(overdue, minutes=1)
    Order.objects.filter(pk=collected.pk).update(hold_until=timezone.now() - dt.timedelta(days=1))

    assert expire_overdue_orders() == 1

    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {
        overdue.pk: OrderStatus.EXPIRED,
        waiting.pk: OrderStatus.READY,
        placed.pk: OrderStatus.PLACED,
        collected.pk: OrderStatus.COLLECTED,
    }
    assert not Reservation.objects.filter(reference=overdue.number).exists()
    assert level(store, jacket) == (9, 2)  # waiting + placed still reserved; collected left
    assert overdue.events.last().actor is None


def test_task_is_safe_to_run_twice(store, jacket):
    order = factories.pickup_order(store, [(jacket, 2)], status="ready")
    _age(order, hours=1)
    assert expire_overdue_orders() == 1
    assert expire_overdue_orders() == 0
    assert order.events.filter(to_status=OrderStatus.EXPIRED).count() == 1
    assert level(store, jacket) == (10, 0)


def test_task_takes_ids(store, jacket):
    one = factories.pickup_order(store, [(jacket, 1)], status="ready")
    two = factories.pickup_order(store, [(jacket, 1)], status="ready")
    _age(one, hours=1)
    _age(two, hours=1)
    assert expire_overdue_orders([two.pk]) == 1
    assert Order.objects.get(pk=one.pk).status == OrderStatus.READY
    assert Order.objects.get(pk=two.pk).status == OrderStatus.EXPIRED


def test_beat_runs_the_task_every_fifteen_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["expire-overdue-pickup-orders"]
    assert entry["task"] == expire_overdue_orders.name
    assert entry["schedule"] == 15 * 60
