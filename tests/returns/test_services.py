import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import MovementKind, StockMovement
from loyalty.credit import store_credit_balance, store_credit_spend
from loyalty.errors import StoreCreditError
from loyalty.models import EntryKind, PointsEntry, StoreCreditEntry
from loyalty.services import points_redeem
from returns.errors import ReturnError, ReturnNotFound, ReturnRefused
from returns.models import (
    LineCondition,
    Refund,
    RefundMethod,
    ReturnRequest,
    ReturnStatus,
)
from returns.services import (
    LineInspection,
    return_cancel,
    return_receive,
    return_refund,
    return_request_create,
)
from shop.orders.models import Order
from tests import factories

from .helpers import inspect_all, line_of, on_hand, points_balance, snapshot


def _request(order, items, **kwargs):
    kwargs.setdefault("actor", order.customer)
    return return_request_create(order=order, lines=items, reason="too_small", **kwargs)


def _collected_days_ago(order, days):
    Order.objects.filter(pk=order.pk).update(collected_at=timezone.now() - dt.timedelta(days=days))
    order.refresh_from_db()


# --- starting ---------------------------------------------------------------------------------


def test_shopper_starts_a_return_with_a_readable_code(order, jacket):
    ret = _request(order, [(line_of(order, jacket), 1)])
    assert ret.status == ReturnStatus.REQUESTED
    assert len(ret.code) == 8 and not set(ret.code) & set("0O1IL5S2Z8B")
    assert list(ret.lines.values_list("quantity", flat=True)) == [1]
    assert list(ret.events.values_list("to_status", flat=True)) == [ReturnStatus.REQUESTED]


def test_other_needs_a_comment_and_nothing_is_written(order, jacket):
    before = snapshot(order)
    with pytest.raises(ReturnError, match="comment"):
        return_request_create(
            order=order, lines=[(line_of(order, jacket), 1)], reason="other", actor=order.customer
        )
    assert snapshot(order) == before


def test_another_shopper_cannot_return_my_order(order, jacket):
    with pytest.raises(ReturnNotFound):
        _request(order, [(line_of(order, jacket), 1)], actor=factories.UserFactory())
    assert not ReturnRequest.objects.exists()


def test_an_order_not_yet_collected_cannot_be_returned(store, shopper, jacket):
    ready = factories.pickup_order(store, [(jacket, 1)], customer=shopper, status="ready")
    with pytest.raises(ReturnError, match="collected"):
        _request(ready, [(ready.lines.get(), 1)])


@pytest.mark.parametrize(("days", "allowed"), [(30, True), (31, False)])
def test_return_window_last_day_is_day_30(order, jacket, days, allowed):
    _collected_days_ago(order, days)
    if allowed:
        assert _request(order, [(line_of(order, jacket), 1)]).pk
    else:
        with pytest.raises(ReturnRefused, match="return window") as exc:
            _request(order, [(line_of(order, jacket), 1)])
        assert not exc.value.overridable
        assert not ReturnRequest.objects.exists()


def test_window_is_configurable(order, jacket, settings):
    settings.RETURN_WINDOW_DAYS = 14
    _collected_days_ago(order, 15)
    with pytest.raises(ReturnRefused):
        _request(order, [(line_of(order, jacket), 1)])


def test_never_more_than_collected_minus_already_returned(order, socks):
    socks_line = line_of(order, socks)
    _request(order, [(socks_line, 2)])
    with pytest.raises(ReturnRefused, match="1 of 3 can still be returned, not 2") as exc:
        _request(order, [(socks_line, 2)])
    assert not exc.value.overridable
    assert _request(order, [(socks_line, 1)]).pk
    assert ReturnRequest.objects.count() == 2


def test_rejected_and_cancelled_units_can_be_returned_again(order, socks, associate, other_store):
    socks_line = line_of(order, socks)
    rejected = _request(order, [(socks_line, 3)])
    return_receive(
        ret=rejected,
        store=other_store,
        actor=associate,
        inspections=inspect_all(rejected, LineCondition.REJECTED, "worn"),
    )
    rejected.refresh_from_db()
    assert rejected.status == ReturnStatus.REJECTED
    cancelled = _request(order, [(socks_line, 3)])
    return_cancel(ret=cancelled, actor=order.customer)
    assert _request(order, [(socks_line, 3)]).pk


def test_manager_overrides_the_window_with_a_written_reason(
    order, jacket, associate, manager, other_store
):
    _collected_days_ago(order, 45)
    line = line_of(order, jacket)
    with pytest.raises(ReturnRefused) as by_associate:
        _request(order, [(line, 1)], actor=associate, store=other_store, override_reason="Kulanz")
    assert not by_associate.value.overridable
    with pytest.raises(ReturnRefused) as without_reason:
        _request(order, [(line, 1)], actor=manager, store=other_store)
    assert without_reason.value.overridable
    assert not ReturnRequest.objects.exists()

    ret = _request(
        order, [(line, 1)], actor=manager, store=other_store, override_reason="Zip broke on day 40"
    )
    assert ret.override_by == manager and ret.override_reason == "Zip broke on day 40"
    assert "Zip broke on day 40" in ret.events.get().note_text


def test_manager_cannot_override_the_quantity(order, socks, manager, other_store):
    with pytest.raises(ReturnRefused) as exc:
        _request(
            order,
            [(line_of(order, socks), 4)],
            actor=manager,
            store=other_store,
            override_reason="x",
        )
    assert not exc.value.overridable


def test_same_form_token_creates_one_return(order, jacket):
    first = _request(order, [(line_of(order, jacket), 1)], idempotency_key="tok-1")
    again = _request(order, [(line_of(order, jacket), 1)], idempotency_key="tok-1")
    assert again.pk == first.pk and ReturnRequest.objects.count() == 1


# --- receiving --------------------------------------------------------------------------------


def test_sellable_goes_onto_the_receiving_stores_shelf(
    order, store, jacket, associate, other_store
):
    ret = _request(order, [(line_of(order, jacket), 1)])
    pickup_before = on_hand(store, jacket)
    return_receive(ret=ret, store=other_store, actor=associate, inspections=inspect_all(ret))
    assert on_hand(other_store, jacket) == 1
    assert on_hand(store, jacket) == pickup_before
    movement = StockMovement.objects.get(store=other_store, variant=jacket)
    assert (movement.kind, movement.quantity, movement.reference) == (
        MovementKind.RETURN_RESTOCK,
        1,
        ret.code,
    )
    ret.refresh_from_db()
    assert (ret.status, ret.received_store, ret.received_by) == (
        ReturnStatus.RECEIVED,
        other_store,
        associate,
    )
    assert ret.lines.get().refund_amount == Decimal("49.90")


def test_damaged_is_received_and_written_off(order, socks, associate, other_store):
    ret = _request(order, [(line_of(order, socks), 2)])
    return_receive(
        ret=ret,
        store=other_store,
        actor=associate,
        inspections=inspect_all(ret, LineCondition.DAMAGED),
    )
    assert on_hand(other_store, socks) == 0
    movements = list(
        StockMovement.objects.filter(store=other_store, variant=socks)
        .order_by("id")
        .values_list("kind", "quantity", "reference")
    )
    assert movements == [
        (MovementKind.RETURN_RESTOCK, 2, ret.code),
        (MovementKind.WRITE_OFF, -2, ret.code),
    ]
    assert ret.lines.get().refund_amount == Decimal("10.00")


def test_rejected_line_needs_a_reason_and_nothing_changes(order, jacket, associate, other_store):
    ret = _request(order, [(line_of(order, jacket), 1)])
    before = snapshot(order)
    with pytest.raises(ReturnError, match="why it is rejected"):
        return_receive(
            ret=ret,
            store=other_store,
            actor=associate,
            inspections=inspect_all(ret, LineCondition.REJECTED),
        )
    assert snapshot(order) == before


def test_receiving_twice_changes_nothing(order, jacket, associate, other_store):
    ret = _request(order, [(line_of(order, jacket), 1)])
    return_receive(ret=ret, store=other_store, actor=associate, inspections=inspect_all(ret))
    before = snapshot(order)
    with pytest.raises(ReturnError, match="already processed"):
        return_receive(ret=ret, store=other_store, actor=associate, inspections=inspect_all(ret))
    assert snapshot(order) == before


def test_only_staff_of_the_receiving_store_can_receive(order, jacket, other_store):
    ret = _request(order, [(line_of(order, jacket), 1)])
    stranger = factories.staff(factories.StoreFactory())
    with pytest.raises(ReturnNotFound):
        return_receive(ret=ret, store=other_store, actor=stranger, inspections=inspect_all(ret))
    with pytest.raises(ReturnNotFound):
        return_receive(ret=ret, store=other_store, actor=order.customer, inspections={})


# --- refund and points ------------------------------------------------------------------------


def _received(order, items, associate, store, condition=LineCondition.SELLABLE):
    ret = _request(order, items)
    return_receive(ret=ret, store=store, actor=associate, inspections=inspect_all(ret, condition))
    ret.refresh_from_db()
    return ret


def test_refund_takes_the_points_back(order, jacket, associate, other_store):
    earned = points_balance(order.customer)
    assert earned == 64  # 64.90 € at 1 point per full euro
    ret = _received(order, [(line_of(order, jacket), 1)], associate, other_store)
    refund = return_refund(
        ret=ret, store=other_store, method=RefundMethod.ORIGINAL_PAYMENT, actor=associate
    )
    # The jacket is 49.90 of 64.90 €: ⌊64 × 4990 / 6490⌋ = 49 points.
    assert (refund.amount, refund.points_taken_back, refund.points_deducted_value) == (
        Decimal("49.90"),
        49,
        Decimal("0"),
    )
    assert points_balance(order.customer) == earned - 49
    entry = PointsEntry.objects.get(kind=EntryKind.RETURN_TAKEBACK)
    assert entry.source == f"return:{ret.code}:{ret.lines.get().pk}"
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.REFUNDED


def test_points_already_spent_are_deducted_from_the_refund(order, jacket, associate, other_store):
    points_redeem(
        user=order.customer, points=50, source="order:OTHER", order_total=Decimal("100.00")
    )
    assert points_balance(order.customer) == 14
    ret = _received(order, [(line_of(order, jacket), 1)], associate, other_store)
    refund = return_refund(
        ret=ret, store=other_store, method=RefundMethod.STORE_CREDIT, actor=associate
    )
    # 49 points to take back, 14 left on the account: 35 points (0.35 €) are deducted.
    assert refund.points_taken_back == 14
    assert refund.points_deducted_value == Decimal("0.35")
    assert refund.amount == Decimal("49.55")
    assert refund.gross_amount == Decimal("49.90")
    assert points_balance(order.customer) == 0
    assert store_credit_balance(user=order.customer) == Decimal("49.55")


def test_refund_twice_is_recorded_once(order, jacket, associate, other_store):
    ret = _received(order, [(line_of(order, jacket), 1)], associate, other_store)
    first = return_refund(
        ret=ret, store=other_store, method=RefundMethod.STORE_CREDIT, actor=associate
    )
    before = snapshot(order)
    again = return_refund(
        ret=ret, store=other_store, method=RefundMethod.STORE_CREDIT, actor=associate
    )
    assert again.pk == first.pk
    assert snapshot(order) == before
    assert StoreCreditEntry.objects.count() == 1
    assert PointsEntry.objects.filter(kind=EntryKind.RETURN_TAKEBACK).count() == 1


def test_refund_only_at_the_receiving_store(order, jacket, associate, store, other_store):
    ret = _received(order, [(line_of(order, jacket), 1)], associate, other_store)
    pickup_associate = factories.staff(store)
    with pytest.raises(ReturnNotFound):
        return_refund(
            ret=ret, store=store, method=RefundMethod.STORE_CREDIT, actor=pickup_associate
        )
    assert not Refund.objects.exists()


def test_all_returned_takes_back_all_points(order, jacket, socks, associate, other_store):
    for items in (
        [(line_of(order, socks), 1)],
        [(line_of(order, jacket), 1), (line_of(order, socks), 2)],
    ):
        ret = _received(order, items, associate, other_store)
        return_refund(
            ret=ret, store=other_store, method=RefundMethod.ORIGINAL_PAYMENT, actor=associate
        )
    assert points_balance(order.customer) == 0
    assert sum(Refund.objects.values_list("amount", flat=True)) == Decimal("64.90")


def test_rejected_return_cannot_be_refunded(order, jacket, associate, other_store):
    ret = _request(order, [(line_of(order, jacket), 1)])
    return_receive(
        ret=ret,
        store=other_store,
        actor=associate,
        inspections={ret.lines.get().pk: LineInspection("rejected", "used")},
    )
    with pytest.raises(ReturnError):
        return_refund(ret=ret, store=other_store, method=RefundMethod.STORE_CREDIT, actor=associate)
    assert not Refund.objects.exists()


# --- store credit -----------------------------------------------------------------------------


def test_store_credit_is_spent_once_and_never_below_zero(shopper):
    StoreCreditEntry.objects.create(user=shopper, amount=Decimal("20.00"), source="refund:TEST")
    store_credit_spend(user=shopper, amount=Decimal("15.00"), source="order:A")
    store_credit_spend(user=shopper, amount=Decimal("15.00"), source="order:A")
    assert store_credit_balance(user=shopper) == Decimal("5.00")
    with pytest.raises(StoreCreditError, match=r"5,00\xa0€|€5\.00"):
        store_credit_spend(user=shopper, amount=Decimal("5.01"), source="order:B")
    assert store_credit_balance(user=shopper) == Decimal("5.00")


def test_shopper_is_notified_when_received_and_refunded(
    order, jacket, associate, other_store, mailoutbox
):
    from notifications.models import Channel, Notification
    from notifications.services import notification_deliver

    ret = _received(order, [(line_of(order, jacket), 1)], associate, other_store)
    return_refund(ret=ret, store=other_store, method=RefundMethod.STORE_CREDIT, actor=associate)
    return_refund(ret=ret, store=other_store, method=RefundMethod.STORE_CREDIT, actor=associate)
    rows = Notification.objects.filter(
        channel=Channel.EMAIL, kind__in=["return_received", "refund_issued"]
    ).order_by("id")
    assert [n.kind for n in rows] == ["return_received", "refund_issued"]
    for row in rows:
        notification_deliver(notification_id=row.pk)
    assert ret.code in mailoutbox[0].subject
    assert "49,90\u00a0€" in mailoutbox[1].body or "€49.90" in mailoutbox[1].body
