import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import MovementKind, StockMovement
from shop.orders.errors import HandoverRateLimited, OrderError, OrderNotFound, WrongPickupCode
from shop.orders.models import HandoverAttempt, OrderStatus
from shop.orders.services.orders import (
    order_cancel,
    order_collect,
    order_collect_by_code,
    order_expire,
    order_mark_line_short,
    order_mark_ready,
    order_start_picking,
)
from stores import calendar
from tests import factories
from tests.orders.helpers import drop_rescues, level, reservations, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(store, shopper, jacket, socks):
    return factories.pickup_order(store, [(jacket, 2), (socks, 3)], customer=shopper)


def _timeline(order):
    return list(order.events.values_list("from_status", "to_status"))


def test_happy_path_moves_stock_and_writes_the_timeline(order, associate, store, jacket, socks):
    order = order_start_picking(order=order, actor=associate)
    assert order.status == OrderStatus.PICKING and order.picking_started_at
    assert level(store, jacket) == (10, 2)
    order = order_mark_ready(order=order, actor=associate)
    assert order.status == OrderStatus.READY
    # The hold counts opening days after the day it became ready and ends at closing time.
    assert order.hold_until == calendar.hold_until(
        store=store, ready_at=order.ready_at, opening_days=store.pickup_hold_days
    )
    assert timezone.localtime(order.hold_until).time() == dt.time(20, 0)
    assert order.hold_until > order.ready_at + dt.timedelta(days=store.pickup_hold_days - 1)
    order = order_collect(order=order, code=order.pickup_code.lower(), actor=associate)
    assert order.status == OrderStatus.COLLECTED and order.collected_at
    assert level(store, jacket) == (8, 0)
    assert level(store, socks) == (7, 0)
    assert reservations(order) == {}
    assert _timeline(order) == [
        ("", "placed"),
        ("placed", "picking"),
        ("picking", "ready"),
        ("ready", "collected"),
    ]
    assert list(order.events.values_list("actor", flat=True)[1:]) == [associate.pk] * 3
    assert (
        StockMovement.objects.filter(
            reference=order.number, kind=MovementKind.PICKUP_COLLECTED
        ).count()
        == 2
    )


@pytest.mark.parametrize("status", ["placed", "picking"])
def test_shopper_or_associate_cancels_and_stock_is_released(
    store, shopper, associate, jacket, status
):
    order = factories.pickup_order(store, [(jacket, 4)], customer=shopper, status=status)
    order = order_cancel(order=order, actor=shopper, reason="changed my mind")
    assert order.status == OrderStatus.CANCELLED and order.cancelled_at
    assert level(store, jacket) == (10, 0)
    assert order.events.last().note == "changed my mind"
    again = factories.pickup_order(store, [(jacket, 1)], status=status)
    order_cancel(order=again, actor=associate)
    assert level(store, jacket) == (10, 0)


REFUSED = [
    ("placed", order_mark_ready, "only orders being picked"),
    ("picking", order_start_picking, "only placed orders"),
    ("ready", order_start_picking, "only placed orders"),
    ("ready", order_mark_ready, "only orders being picked"),
    ("ready", order_cancel, "only placed or picking orders can be cancelled"),
    ("collected", order_cancel, "only placed or picking orders can be cancelled"),
    ("collected", order_start_picking, "only placed orders"),
    ("cancelled", order_start_picking, "only placed orders"),
    ("cancelled", order_mark_ready, "only orders being picked"),
    ("cancelled", order_cancel, "only placed or picking"),
]


@pytest.mark.parametrize(("status", "step", "reason"), REFUSED)
def test_refused_transitions_change_nothing(store, associate, jacket, status, step, reason):
    order = factories.pickup_order(store, [(jacket, 2)], status=status)
    before = snapshot(order)
    with pytest.raises(OrderError, match=reason) as caught:
        step(order=order, actor=associate)
    assert order.number in str(caught.value)
    assert snapshot(order) == before


@pytest.mark.parametrize("status", ["placed", "picking", "collected", "cancelled"])
def test_collect_needs_a_ready_order(store, associate, jacket, status):
    order = factories.pickup_order(store, [(jacket, 2)], status=status)
    before = snapshot(order)
    with pytest.raises(OrderError, match="only ready orders can be handed over"):
        order_collect(order=order, code=order.pickup_code, actor=associate)
    assert snapshot(order) == before


@pytest.mark.parametrize("status", ["placed", "picking", "collected", "cancelled"])
def test_only_ready_orders_expire(store, jacket, status):
    order = factories.pickup_order(store, [(jacket, 2)], status=status)
    before = snapshot(order)
    with pytest.raises(OrderError, match="only ready orders can expire"):
        order_expire(order=order)
    assert snapshot(order) == before


def test_expire_waits_for_the_hold(store, jacket):
    order = factories.pickup_order(store, [(jacket, 2)], status="ready")
    before = snapshot(order)
    with pytest.raises(OrderError, match="held until"):
        order_expire(order=order)
    assert snapshot(order) == before
    order.hold_until = timezone.now() - dt.timedelta(minutes=1)
    order.save()
    order = order_expire(order=order)
    assert order.status == OrderStatus.EXPIRED
    assert level(store, jacket) == (10, 0)
    event = order.events.last()
    assert event.actor is None and "Not collected" in event.note_text


def test_staff_of_another_store_cannot_touch_the_order(order, jacket):
    outsider = factories.staff(factories.StoreFactory())
    customer_of_other = factories.UserFactory()
    before = snapshot(order)
    for step in (order_start_picking, order_mark_ready, order_cancel):
        with pytest.raises(OrderNotFound):
            step(order=order, actor=outsider)
    with pytest.raises(OrderNotFound):
        order_cancel(order=order, actor=customer_of_other)
    line = order.lines.first()
    with pytest.raises(OrderNotFound):
        order_mark_line_short(line=line, units=1, actor=outsider)
    assert snapshot(order) == before


# --- short picks -----------------------------------------------------------------------------


def test_partial_short_shrinks_reservation_corrects_stock_and_total(
    order, associate, store, jacket, socks
):
    order = order_start_picking(order=order, actor=associate)
    line = order.lines.get(variant=jacket)
    order = order_mark_line_short(line=line, units=1, actor=associate)
    assert order.status == OrderStatus.PICKING
    assert order.total == order.amount_due == Decimal("64.90")  # 1 × 49.90 + 3 × 5.00
    assert level(store, jacket) == (9, 1)
    assert reservations(order) == {jacket.pk: 1, socks.pk: 3}
    assert (
        StockMovement.objects.get(
            reference=order.number, kind=MovementKind.COUNT_ADJUSTMENT
        ).quantity
        == -1
    )
    assert "1 × " + jacket.sku in order.events.last().note_text
    drop_rescues(order)
    order = order_mark_ready(order=order, actor=associate)
    order = order_collect(order=order, code=order.pickup_code, actor=associate)
    assert level(store, jacket) == (8, 0)
    assert level(store, socks) == (7, 0)


def test_short_beyond_what_is_left_is_refused(order, associate):
    order = order_start_picking(order=order, actor=associate)
    line = order.lines.get(quantity=2)
    for units in (3, 0, -1, 1.5):
        before = snapshot(order)
        with pytest.raises(OrderError):
            order_mark_line_short(line=line, units=units, actor=associate)
        assert snapshot(order) == before


def test_short_outside_picking_is_refused(order, associate):
    before = snapshot(order)
    with pytest.raises(OrderError, match="only while picking"):
        order_mark_line_short(line=order.lines.first(), units=1, actor=associate)
    assert snapshot(order) == before


def test_all_lines_short_cancels_the_order(order, associate, store, jacket, socks):
    order = order_start_picking(order=order, actor=associate)
    order_mark_line_short(line=order.lines.get(variant=jacket), units=2, actor=associate)
    order = order_mark_line_short(line=order.lines.get(variant=socks), units=3, actor=associate)
    assert order.status == OrderStatus.CANCELLED
    assert order.total == order.amount_due == Decimal("0.00")
    assert level(store, jacket) == (8, 0)
    assert level(store, socks) == (7, 0)
    assert reservations(order) == {}
    assert "none of the items were found" in order.events.last().note_text


# --- handover --------------------------------------------------------------------------------


@pytest.fixture
def ready(order, associate):
    order = order_start_picking(order=order, actor=associate)
    return order_mark_ready(order=order, actor=associate)


def test_code_is_forgiving_about_case_spaces_and_dashes(ready, associate):
    code = ready.pickup_code
    typed = f" {code[:4].lower()}-{code[4:]} "
    order = order_collect(order=ready, code=typed, actor=associate)
    assert order.status == OrderStatus.COLLECTED
    assert HandoverAttempt.objects.get(order=order).success


def test_wrong_code_is_recorded_logged_and_changes_nothing(ready, associate, caplog):
    before = snapshot(ready)
    with caplog.at_level(logging.WARNING), pytest.raises(WrongPickupCode, match="1 of 5"):
        order_collect(order=ready, code="XXXXXXXX", actor=associate, ip="10.0.0.7")
    assert snapshot(ready) == before
    attempt = HandoverAttempt.objects.get(order=ready)
    assert (attempt.success, attempt.actor, attempt.ip) == (False, associate, "10.0.0.7")
    assert ready.number in caplog.text


def test_five_wrong_codes_lock_the_order_for_fifteen_minutes(ready, associate):
    for _ in range(5):
        with pytest.raises(WrongPickupCode):
            order_collect(order=ready, code="WRONG123", actor=associate)
    before = snapshot(ready)
    with pytest.raises(HandoverRateLimited, match="try again after") as caught:
        order_collect(order=ready, code=ready.pickup_code, actor=associate)
    assert snapshot(ready) == before
    assert caught.value.retry_at > timezone.now() + dt.timedelta(minutes=14)
    # The window passes: the right code works again.
    HandoverAttempt.objects.update(created_at=timezone.now() - dt.timedelta(minutes=16))
    assert order_collect(order=ready, code=ready.pickup_code, actor=associate).status == "collected"


def test_only_staff_of_the_store_can_hand_over(ready):
    outsider = factories.staff(factories.StoreFactory())
    before = snapshot(ready)
    with pytest.raises(OrderNotFound):
        order_collect(order=ready, code=ready.pickup_code, actor=outsider)
    with pytest.raises(OrderNotFound):
        order_collect(order=ready, code=ready.pickup_code, actor=ready.customer)
    assert snapshot(ready) == before


def test_superuser_can_hand_over_anywhere(ready):
    boss = factories.UserFactory(is_superuser=True, is_staff=True)
    assert order_collect(order=ready, code=ready.pickup_code, actor=boss).status == "collected"


def test_collect_by_code_finds_the_ready_order(ready, store, associate):
    factories.pickup_order(store, [(ready.lines.first().variant, 1)], status="ready")
    order = order_collect_by_code(store=store, code=ready.pickup_code.lower(), actor=associate)
    assert order.pk == ready.pk and order.status == OrderStatus.COLLECTED


def test_collect_by_code_at_another_store_finds_nothing(ready, associate):
    other = factories.StoreFactory()
    factories.staff(other, email="x@example.com")
    with pytest.raises(OrderNotFound):
        order_collect_by_code(store=other, code=ready.pickup_code, actor=associate)
    colleague_there = factories.staff(other)
    with pytest.raises(WrongPickupCode, match="No ready order"):
        order_collect_by_code(store=other, code=ready.pickup_code, actor=colleague_there)
    ready.refresh_from_db()
    assert ready.status == OrderStatus.READY


def test_collect_by_code_explains_an_order_that_is_not_ready(order, store, associate):
    with pytest.raises(OrderError, match="is placed; only ready orders"):
        order_collect_by_code(store=store, code=order.pickup_code, actor=associate)


def test_collect_by_code_is_rate_limited_per_associate(ready, store, associate):
    for _ in range(10):
        with pytest.raises(WrongPickupCode):
            order_collect_by_code(store=store, code="ZZZZZZZZ", actor=associate)
    with pytest.raises(HandoverRateLimited):
        order_collect_by_code(store=store, code=ready.pickup_code, actor=associate)
    ready.refresh_from_db()
    assert ready.status == OrderStatus.READY
    colleague = factories.staff(store)
    assert (
        order_collect_by_code(store=store, code=ready.pickup_code, actor=colleague).pk == ready.pk
    )
