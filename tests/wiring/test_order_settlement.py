"""Loyalty points and store credit along the life of a pickup order (issues 5 and 6).

Redeemed and spent when the order is placed (one transaction with the reservation), earned when
it is collected, given back when it is cancelled or expires, shrunk after a short pick.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import StockLevel
from loyalty.credit import store_credit_balance
from loyalty.models import EntryKind, PointsEntry, StoreCreditEntry
from shop.orders.errors import OrderError
from shop.orders.models import Order, OrderStatus
from shop.orders.services.orders import (
    order_cancel,
    order_collect,
    order_expire,
    order_mark_line_short,
    order_mark_ready,
    order_place,
    order_start_picking,
)
from tests import factories

from .conftest import give_credit, give_points, points

pytestmark = pytest.mark.django_db
PHONE = "+49 30 1234567"


def place(customer, store, lines, **kwargs) -> Order:
    return order_place(customer=customer, store=store, lines=lines, phone=PHONE, **kwargs)


def test_points_are_earned_on_collect_on_what_was_paid_not_when_placed(
    store, shopper, associate, jacket
):
    balance = give_points(shopper, "3000.00")
    order = place(shopper, store, [(jacket, 2)], points_to_redeem=1000)  # 80 € − 10 €
    assert not PointsEntry.objects.filter(kind=EntryKind.EARN, source=f"order:{order.number}")

    order_start_picking(order=order, actor=associate)
    order_mark_ready(order=order, actor=associate)
    order = order_collect(order=order, code=order.pickup_code, actor=associate)

    earned = PointsEntry.objects.get(kind=EntryKind.EARN, source=f"order:{order.number}")
    assert (earned.amount, earned.store, earned.channel) == (Decimal("70.00"), store, "online")
    tier = earned.account.tier
    assert earned.points == int(70 * (tier.multiplier if tier else 1))
    assert points(shopper) == balance - 1000 + earned.points


def test_redeeming_points_lowers_the_amount_due_and_takes_them_once(store, shopper, jacket):
    balance = give_points(shopper, "3000.00")
    order = place(shopper, store, [(jacket, 1)], points_to_redeem=1500, idempotency_key="k1")
    again = place(shopper, store, [(jacket, 1)], points_to_redeem=1500, idempotency_key="k1")

    assert again.pk == order.pk
    assert (order.points_redeemed, order.loyalty_discount, order.amount_due) == (
        1500,
        Decimal("15.00"),
        Decimal("25.00"),
    )
    assert points(shopper) == balance - 1500
    order.refresh_from_db()
    assert order.amount_due == Decimal("25.00")


@pytest.mark.parametrize(
    ("wanted", "message"),
    [
        (2001, "at most half of the order"),  # 40 € order: 20 € = 2000 points
        (True, "whole numbers"),
        (-5, "cannot be negative"),
    ],
)
def test_refused_redemption_places_nothing(store, shopper, jacket, wanted, message):
    balance = give_points(shopper, "3000.00")
    with pytest.raises(OrderError, match=message):
        place(shopper, store, [(jacket, 1)], points_to_redeem=wanted)
    assert not Order.objects.exists()
    assert points(shopper) == balance
    assert StockLevel.objects.get(store=store, variant=jacket).reserved == 0


def test_more_points_than_the_balance_places_nothing(store, shopper, jacket):
    balance = give_points(shopper, "5.00")
    with pytest.raises(OrderError, match=f"You have {balance} points"):
        place(shopper, store, [(jacket, 1)], points_to_redeem=balance + 1)
    assert not Order.objects.exists()
    assert points(shopper) == balance


def test_store_credit_pays_part_of_the_order_and_never_more_than_is_due(store, shopper, jacket):
    give_points(shopper, "3000.00")
    give_credit(shopper, "50.00")
    order = place(shopper, store, [(jacket, 1)], points_to_redeem=1000, use_store_credit=True)
    # 40 € − 10 € points = 30 € left; the credit pays all of it and keeps 20 €.
    assert (order.store_credit_used, order.amount_due) == (Decimal("30.00"), Decimal("0.00"))
    assert store_credit_balance(user=shopper) == Decimal("20.00")
    spent = StoreCreditEntry.objects.get(source=f"order:{order.number}")
    assert spent.amount == Decimal("-30.00")


def test_without_the_choice_store_credit_stays_untouched(store, shopper, jacket):
    give_credit(shopper, "50.00")
    order = place(shopper, store, [(jacket, 1)])
    assert (order.store_credit_used, order.amount_due) == (Decimal("0"), Decimal("40.00"))
    assert store_credit_balance(user=shopper) == Decimal("50.00")


@pytest.mark.parametrize("how", ["shopper", "associate", "expiry"])
def test_cancel_and_expiry_give_points_and_credit_back_once(store, shopper, associate, jacket, how):
    balance = give_points(shopper, "3000.00")
    give_credit(shopper, "10.00")
    order = place(shopper, store, [(jacket, 1)], points_to_redeem=2000, use_store_credit=True)
    assert points(shopper) == balance - 2000 and store_credit_balance(user=shopper) == 0

    if how == "expiry":
        order_start_picking(order=order, actor=associate)
        order_mark_ready(order=order, actor=associate)
        Order.objects.filter(pk=order.pk).update(hold_until=timezone.now() - dt.timedelta(1))
        order_expire(order=order)
        with pytest.raises(OrderError):
            order_expire(order=order)
    else:
        actor = shopper if how == "shopper" else associate
        order_cancel(order=order, actor=actor)
        with pytest.raises(OrderError):
            order_cancel(order=order, actor=actor)

    assert points(shopper) == balance
    assert store_credit_balance(user=shopper) == Decimal("10.00")
    assert StoreCreditEntry.objects.filter(source=f"order:{order.number}:back").count() == 1


def test_short_pick_keeps_points_within_half_and_gives_the_rest_back(
    store, shopper, associate, jacket, socks
):
    balance = give_points(shopper, "3000.00")
    give_credit(shopper, "30.00")
    # 40 + 10 = 50 €: 2500 points (25 €) and 25 € credit, nothing left to pay.
    order = place(
        shopper,
        store,
        [(jacket, 1), (socks, 1)],
        points_to_redeem=2500,
        use_store_credit=True,
    )
    assert (order.loyalty_discount, order.store_credit_used, order.amount_due) == (
        Decimal("25.00"),
        Decimal("25.00"),
        Decimal("0.00"),
    )
    order_start_picking(order=order, actor=associate)
    jacket_line = order.lines.get(variant=jacket)
    order = order_mark_line_short(line=jacket_line, units=1, actor=associate)

    # 10 € left: points may pay 5 € (500 points), 2000 points go back; credit pays the other 5 €.
    assert order.status == OrderStatus.PICKING
    assert (order.total, order.points_redeemed, order.loyalty_discount) == (
        Decimal("10.00"),
        500,
        Decimal("5.00"),
    )
    assert (order.store_credit_used, order.amount_due) == (Decimal("5.00"), Decimal("0.00"))
    assert points(shopper) == balance - 500
    assert store_credit_balance(user=shopper) == Decimal("25.00")
    order.refresh_from_db()
    assert (order.points_redeemed, order.store_credit_used) == (500, Decimal("5.00"))

    # Cancelling now gives back exactly what is still used.
    order_cancel(order=order, actor=associate)
    assert points(shopper) == balance
    assert store_credit_balance(user=shopper) == Decimal("30.00")


def test_everything_short_cancels_and_gives_everything_back(store, shopper, associate, jacket):
    balance = give_points(shopper, "3000.00")
    give_credit(shopper, "30.00")
    order = place(shopper, store, [(jacket, 1)], points_to_redeem=2000, use_store_credit=True)
    order_start_picking(order=order, actor=associate)
    order = order_mark_line_short(line=order.lines.get(), units=1, actor=associate)
    assert order.status == OrderStatus.CANCELLED
    assert points(shopper) == balance
    assert store_credit_balance(user=shopper) == Decimal("30.00")


def test_collect_without_points_earns_on_the_total(store, associate, jacket):
    order = factories.pickup_order(store, [(jacket, 1)], status="collected")
    earned = PointsEntry.objects.get(kind=EntryKind.EARN, source=f"order:{order.number}")
    assert (earned.amount, earned.points) == (Decimal("40.00"), 40)


def test_handover_goes_ahead_when_the_points_are_refused(store, associate, caplog):
    """Above the loyalty ledger's purchase limit (a typo guard for tills) no points are booked,
    but the goods are handed over all the same."""
    piano = factories.VariantFactory(price="2000.00")
    factories.stock(store, piano, 99)
    order = factories.pickup_order(store, [(piano, 99)], status="ready")  # 198,000 €
    order = order_collect(order=order, code=order.pickup_code, actor=associate)
    assert order.status == OrderStatus.COLLECTED
    assert not PointsEntry.objects.filter(source=f"order:{order.number}").exists()
    assert f"No loyalty points for order {order.number}" in caplog.text
