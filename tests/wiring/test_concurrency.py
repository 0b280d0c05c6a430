"""One shopper's orders settling at the same time on PostgreSQL: the points and the store credit
are never spent twice, and placing, collecting and cancelling never deadlock."""

from decimal import Decimal

import pytest

from loyalty.credit import store_credit_balance
from loyalty.models import EntryKind, PointsEntry
from shop.orders.errors import OrderError
from shop.orders.models import Order, OrderStatus
from shop.orders.services.orders import order_cancel, order_collect, order_place
from tests import factories
from tests.components import require_postgres
from tests.loyalty.test_concurrency import run_concurrently

from .conftest import give_credit, give_points, points

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PHONE = "+49 30 1234567"


def test_concurrent_checkouts_never_spend_points_or_credit_twice():
    require_postgres()
    store = factories.StoreFactory()
    shopper = factories.UserFactory()
    variant = factories.VariantFactory(price="40.00")
    factories.stock(store, variant, 20)
    balance = give_points(shopper, "2500.00")  # enough for one order using 2000 points
    give_credit(shopper, "25.00")  # enough for one order's remaining 20 €

    outcomes = run_concurrently(
        [
            lambda: order_place(
                customer=shopper,
                store=store,
                lines=[(variant, 1)],
                phone=PHONE,
                points_to_redeem=2000,
                use_store_credit=True,
            )
            for _ in range(4)
        ]
    )
    placed = [o for o in outcomes if isinstance(o, Order)]
    refused = [o for o in outcomes if isinstance(o, OrderError)]
    assert len(placed) + len(refused) == 4, outcomes
    assert len(placed) == balance // 2000  # the points run out first
    assert points(shopper) == balance - 2000 * len(placed) >= 0
    credit_used = sum((o.store_credit_used for o in placed), Decimal("0"))
    assert store_credit_balance(user=shopper) == Decimal("25.00") - credit_used >= 0


def test_placing_while_the_previous_order_is_collected_and_another_cancelled():
    """Place (account, then stock rows) next to collect and cancel of the same shopper's orders
    on the same stock row: one lock order everywhere, so all three finish."""
    require_postgres()
    store = factories.StoreFactory()
    associate = factories.staff(store)
    shopper = factories.UserFactory()
    variant = factories.VariantFactory(price="40.00")
    factories.stock(store, variant, 20)
    give_points(shopper, "3000.00")
    ready = factories.pickup_order(
        store, [(variant, 2)], customer=shopper, status="ready", points_to_redeem=1000
    )
    placed = factories.pickup_order(store, [(variant, 1)], customer=shopper, points_to_redeem=500)
    before = points(shopper)

    for _round in range(3):
        outcomes = run_concurrently(
            [
                lambda: order_place(
                    customer=shopper,
                    store=store,
                    lines=[(variant, 1)],
                    phone=PHONE,
                    points_to_redeem=100,
                ),
                lambda: order_collect(order=ready, code=ready.pickup_code, actor=associate),
                lambda: order_cancel(order=placed, actor=shopper),
            ]
        )
        assert not any(
            isinstance(o, Exception) and not isinstance(o, OrderError) for o in outcomes
        ), outcomes
    ready.refresh_from_db()
    placed.refresh_from_db()
    assert (ready.status, placed.status) == (OrderStatus.COLLECTED, OrderStatus.CANCELLED)
    new_orders = Order.objects.filter(customer=shopper, status=OrderStatus.PLACED).count()
    assert new_orders == 3
    # 500 back from the cancel, 3 × 100 used, and what the collect earned on 80 − 10 = 70 €.
    earned = PointsEntry.objects.get(kind=EntryKind.EARN, source=f"order:{ready.number}")
    assert earned.amount == Decimal("70.00")
    assert points(shopper) == before + 500 - 300 + earned.points
