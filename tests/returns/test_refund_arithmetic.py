from decimal import Decimal

import pytest

from returns.models import Refund, RefundMethod
from returns.refunds import allocate, units_value_cents
from returns.services import return_receive, return_refund, return_request_create
from shop.orders.models import Order
from tests import factories

from .helpers import inspect_all, line_of


def test_allocate_adds_up_and_gives_left_over_cents_to_largest_remainders():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(333, [4990, 1500]) == [256, 77]  # 256.03… and 76.96… → the .96 gets the cent
    assert sum(allocate(1, [1] * 7)) == 1
    assert allocate(0, [5, 5]) == [0, 0]


@pytest.mark.parametrize("splits", [[1, 1, 1], [2, 1], [1, 2], [3]])
def test_units_of_a_line_add_up_to_what_was_paid_however_they_come_back(splits):
    net = 1333  # 13.33 € for 3 units
    already, refunded = 0, 0
    for units in splits:
        refunded += units_value_cents(net, units, already, 3)
        already += units
    assert refunded == net


@pytest.fixture
def discounted_order(store, shopper):
    """3 × 19.99 + 1 × 5.00 = 64.97 €, 3.33 € loyalty discount: 61.64 € paid."""
    shirt = factories.VariantFactory(price="19.99")
    cap = factories.VariantFactory(price="5.00")
    factories.stock(store, shirt, 5)
    factories.stock(store, cap, 5)
    order = factories.collected_order(store, [(shirt, 3), (cap, 1)], customer=shopper)
    Order.objects.filter(pk=order.pk).update(loyalty_discount=Decimal("3.33"), points_redeemed=333)
    order.refresh_from_db()
    return order, shirt, cap


def _return(order, items, associate, other_store):
    ret = return_request_create(order=order, lines=items, reason="too_small", actor=order.customer)
    return_receive(ret=ret, store=other_store, actor=associate, inspections=inspect_all(ret))
    return return_refund(
        ret=ret, store=other_store, method=RefundMethod.ORIGINAL_PAYMENT, actor=associate
    )


def test_refunds_with_a_loyalty_discount_add_up_to_the_cent(
    discounted_order, associate, other_store
):
    order, shirt, cap = discounted_order
    shirts, caps = line_of(order, shirt), line_of(order, cap)
    # Discount shares: shirts 3.33 × 59.97/64.97 = 3.0737… → 3.07, cap 0.2562… → 0.25; the
    # cent left over goes to the cap (remainder .62 > .37). Shirts paid 56.90 €, the cap 4.74 €.
    first = _return(order, [(shirts, 1)], associate, other_store)
    assert first.amount == Decimal("18.96")  # ⌊5690 × 1/3⌋ cents
    second = _return(order, [(shirts, 2), (caps, 1)], associate, other_store)
    assert second.amount == Decimal("37.94") + Decimal("4.74")
    refunded = sum(Refund.objects.values_list("amount", flat=True))
    assert refunded == order.total - order.loyalty_discount == Decimal("61.64")
