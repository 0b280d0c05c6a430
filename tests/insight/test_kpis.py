"""Every KPI on a small data set whose figures are worked out by hand in the comments."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from insight.models import CartAddition
from insight.selectors import (
    Period,
    click_and_collect,
    conversion,
    customers,
    percentile,
    returns,
    stock,
)
from inventory.models import MovementKind, ReconciliationFinding, ReconciliationRun, StockMovement
from inventory.services import Delta, stock_deltas_apply
from loyalty.credit import store_credit_add
from loyalty.models import PointsEntry
from loyalty.till.services import ReceiptLineIn, till_receipt_book
from returns.models import Refund, RefundMethod, ReturnLine
from returns.services import return_request_create
from shop.orders.models import Order, OrderLine, OrderStatus
from shop.orders.services.cart import cart_add, cart_get_or_create
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PERIOD = Period(first=TODAY - dt.timedelta(days=20), last=TODAY - dt.timedelta(days=1))


def at(day: int, hour: int = 10) -> dt.datetime:
    """Day `day` of the period (0 = its first day) at `hour` o'clock, local time."""
    return PERIOD.start + dt.timedelta(days=day, hours=hour)


def order(store, variant, *, customer=None, status="collected", **times):
    placed = factories.pickup_order(store, [(variant, 1)], customer=customer, status=status)
    Order.objects.filter(pk=placed.pk).update(**times)
    number = placed.number
    if "collected_at" in times:
        PointsEntry.objects.filter(source__startswith=f"order:{number}").update(
            occurred_at=times["collected_at"]
        )
    placed.refresh_from_db()
    return placed


def till(store, variant, total, day, number, account=None, quantity=1):
    receipt, _created = till_receipt_book(
        store=store,
        number=number,
        total=Decimal(total),
        lines=[
            ReceiptLineIn(sku=variant.sku, quantity=quantity, unit_price=Decimal(total) / quantity)
        ],
        account=account,
        occurred_at=at(day),
    )
    return receipt


def test_period_and_percentiles():
    period = Period(first=dt.date(2026, 3, 1), last=dt.date(2026, 3, 31))
    assert period.days == 31
    assert period.previous() == Period(first=dt.date(2026, 1, 29), last=dt.date(2026, 2, 28))
    assert percentile([2, 4, 6], 0.5) == 4 and percentile([2, 4, 6], 0.9) == 6
    assert percentile([22, 2], 0.5) == 2 and percentile([22, 2], 0.9) == 22
    assert percentile([], 0.5) is None


@pytest.fixture
def variant(store):
    return factories.stocked_variant(store, "100.00", units=50)


def test_click_and_collect(store, variant):
    other = factories.StoreFactory()
    other_variant = factories.stocked_variant(other, "100.00", units=5)
    # o1: ready after 2 h, collected 22 h later, promised by 3 h: kept; a 10 € coupon (revenue
    # is the goods less the offer, as a till receipt's total is).
    o1 = order(
        store,
        variant,
        created_at=at(1),
        ready_at=at(1, 12),
        collected_at=at(2, 10),
        promised_ready_at=at(1, 13),
    )
    Order.objects.filter(pk=o1.pk).update(offer_discount=Decimal("10.00"))
    # o2: ready after 4 h (promised 2 h: missed), collected 2 h later; one unit short.
    o2 = order(
        store,
        variant,
        created_at=at(4),
        ready_at=at(4, 14),
        collected_at=at(4, 16),
        promised_ready_at=at(4, 12),
    )
    OrderLine.objects.filter(order=o2).update(quantity_short=1)
    # o3: ready after 6 h (promised 8 h: kept), then expired.
    order(
        store,
        variant,
        status="ready",
        created_at=at(5),
        ready_at=at(5, 16),
        promised_ready_at=at(5, 18),
    )
    Order.objects.filter(created_at=at(5)).update(status=OrderStatus.EXPIRED, expired_at=at(8))
    # o4: cancelled.
    order(store, variant, status="cancelled", created_at=at(6))
    # o5: placed before the period, collected on its first day: revenue, not an order.
    order(store, variant, created_at=at(-2), ready_at=at(-1), collected_at=at(0, 11))
    # Another store's order is not counted.
    order(other, other_variant, created_at=at(3), ready_at=at(3, 11), collected_at=at(3, 12))

    figures = click_and_collect(period=PERIOD, store_ids=[store.pk])

    assert figures["orders"] == 4
    assert figures["collected"] == 3 and figures["revenue"] == Decimal("290.00")
    assert figures["placed_to_ready_h"] == {"p50": 4.0, "p90": 6.0}  # of 2, 4, 6 h
    assert figures["ready_to_collected_h"] == {"p50": 2.0, "p90": 22.0}  # of 22, 2 h
    assert figures["promises_kept"] == pytest.approx(2 / 3)
    assert figures["expiry_rate"] == pytest.approx(1 / 3)  # 1 expired of 2 collected + 1
    assert figures["short_pick_rate"] == pytest.approx(1 / 3)  # o2 of o1, o2, o3
    assert figures["cancelled"] == 1
    everywhere = click_and_collect(period=PERIOD)
    assert everywhere["orders"] == 5 and everywhere["revenue"] == Decimal("390.00")


def test_customers(store, tiers):
    big = factories.stocked_variant(store, "100.00", units=10)
    small = factories.stocked_variant(store, "50.00", units=10)
    u1, u2, u3 = factories.UserFactory(), factories.UserFactory(), factories.UserFactory()
    a1, a3 = factories.loyalty_account(u1), factories.loyalty_account(u3)
    order(store, big, customer=u1, created_at=at(0), ready_at=at(0, 12), collected_at=at(1))
    order(store, small, customer=u2, created_at=at(2), ready_at=at(2, 12), collected_at=at(3))
    till(store, small, "40.00", 2, "R-1", account=a1)
    till(store, small, "30.00", 4, "R-2", account=a3)
    till(store, small, "30.00", 5, "R-3", account=a3)
    till(store, small, "20.00", 6, "R-4")  # no card
    store_credit_add(user=u2, amount=Decimal("15.00"), source="refund:TEST")

    figures = customers(period=PERIOD, store_ids=[store.pk])

    assert figures["active_members"] == 3
    assert figures["revenue"] == Decimal("270.00")  # 100 + 50 online, 40 + 30 + 30 + 20 till
    assert figures["card_revenue_share"] == pytest.approx(250 / 270)
    assert figures["buyers"] == 3
    assert figures["cross_channel_share"] == pytest.approx(1 / 3)  # u1 only
    assert figures["repeat_rate"] == pytest.approx(2 / 3)  # u1 (online + till), u3 (twice)
    assert figures["clv_12m"] == {
        "online": Decimal("50.00"),
        "store": Decimal("60.00"),
        "both": Decimal("140.00"),
    }
    assert {"tier": "Basic", "members": 3} in figures["tiers"]
    assert figures["points_liability"] == Decimal("2.50")  # 140 + 50 + 60 points
    assert figures["store_credit_liability"] == Decimal("15.00")


def test_conversion(store, tiers):
    jacket = factories.stocked_variant(store, "100.00", units=10)
    shoes = factories.stocked_variant(store, "80.00", units=10)
    scarf = factories.stocked_variant(store, "20.00", units=10)
    u1, u2, u3 = factories.UserFactory(), factories.UserFactory(), factories.UserFactory()
    a1, a2 = factories.loyalty_account(u1), factories.loyalty_account(u2)
    cart_add(
        cart=cart_get_or_create(user=u1, session=SessionStore()), variant_id=jacket.pk, quantity=1
    )
    CartAddition.objects.filter(user=u1).update(added_at=at(1))
    cart_add(
        cart=cart_get_or_create(user=u3, session=SessionStore()), variant_id=scarf.pk, quantity=1
    )
    CartAddition.objects.filter(user=u3).update(added_at=at(1))
    order(store, shoes, customer=u2, status="cancelled", created_at=at(1))  # reserved online
    till(store, jacket, "100.00", 3, "R-1", account=a1)  # 2 days later: converted
    till(store, shoes, "80.00", 17, "R-2", account=a2)  # 16 days later: too late

    figures = conversion(period=PERIOD, store_ids=[store.pk])

    assert figures["interests"] == 3 and figures["converted"] == 1
    assert figures["rate"] == pytest.approx(1 / 3)
    assert figures["by_store"] == {store.pk: 1}
    category = jacket.product.category_id
    assert figures["by_category"][category] == {"interests": 1, "converted": 1, "rate": 1.0}
    assert figures["by_category"][shoes.product.category_id]["converted"] == 0


def test_stock(store):
    variant = factories.stocked_variant(store, "10.00", units=10)  # received before the period
    StockMovement.objects.update(created_at=at(-5))
    till(store, variant, "40.00", 3, "R-1", quantity=4)
    StockMovement.objects.filter(kind=MovementKind.SALE).update(created_at=at(3))
    stock_deltas_apply(
        store_id=store.pk, deltas=[Delta(variant.pk, -2, MovementKind.PICKUP_COLLECTED)]
    )
    StockMovement.objects.filter(kind=MovementKind.PICKUP_COLLECTED).update(created_at=at(5))
    run = ReconciliationRun.objects.create()
    ReconciliationFinding.objects.create(
        run=run, store=store, variant=variant, kind="on_hand", expected=5, actual=3
    )
    ReconciliationFinding.objects.update(created_at=at(6))

    figures = stock(period=PERIOD, store_ids=[store.pk])

    (row,) = figures["table"]
    assert (row["opening"], row["closing"], row["sold"]) == (10, 4, 6)
    assert row["category_id"] == variant.product.category_id
    assert row["turnover"] == pytest.approx(6 / 7)  # 6 sold ÷ average of 10 and 4
    assert row["days_of_cover"] == pytest.approx(4 / (6 / 20))  # 4 left at 0.3 a day
    assert (figures["drift_findings"], figures["drift_units"]) == (1, 2)


def test_returns(store, tiers):
    variant = factories.stocked_variant(store, "25.00", units=20)
    customer = factories.UserFactory()
    first = factories.pickup_order(store, [(variant, 4)], customer=customer, status="collected")
    second = factories.pickup_order(store, [(variant, 4)], customer=customer, status="collected")
    Order.objects.update(collected_at=at(2))
    ret1 = return_request_create(
        order=first, lines=[(first.lines.get(), 1)], reason="too_small", actor=customer
    )
    ret2 = return_request_create(
        order=second, lines=[(second.lines.get(), 2)], reason="damaged", actor=customer
    )
    ReturnLine.objects.filter(return_request=ret1).update(condition="sellable")
    ReturnLine.objects.filter(return_request=ret2).update(condition="damaged")
    Refund.objects.create(
        return_request=ret1, amount=Decimal("25.00"), method=RefundMethod.STORE_CREDIT
    )
    Refund.objects.create(
        return_request=ret2, amount=Decimal("50.00"), method=RefundMethod.ORIGINAL_PAYMENT
    )
    from returns.models import ReturnRequest

    ReturnRequest.objects.update(created_at=at(4))
    Refund.objects.update(created_at=at(5))

    figures = returns(period=PERIOD, store_ids=[store.pk])

    assert figures["requests"] == 2 and figures["units"] == 3
    assert figures["rate"] == pytest.approx(3 / 8)  # 3 of 8 collected units
    assert figures["by_reason"] == {"too_small": 1, "damaged": 1}
    assert figures["by_condition"] == {"sellable": 1, "damaged": 2}
    assert figures["by_method"] == {
        "original_payment_at_counter": {"count": 1, "amount": Decimal("50.00")},
        "store_credit": {"count": 1, "amount": Decimal("25.00")},
    }
