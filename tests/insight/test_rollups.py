"""The daily roll-ups give the same figures as the ledgers, and recomputing a day is idempotent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils import timezone

from insight import selectors
from insight.models import (
    CartAddition,
    DailyConversion,
    DailyCustomerSpend,
    DailyInterest,
    DailyStock,
    DailyStoreSales,
    RollupDay,
)
from insight.rollups import SALES_FIELDS, rollups_recompute, rollups_refresh
from inventory.models import MovementKind, StockMovement
from inventory.services import Delta, stock_deltas_apply
from loyalty.models import TillReceipt
from shop.orders.services.cart import cart_add, cart_get_or_create
from tests import factories

from .test_kpis import PERIOD, TODAY, at, order, till

pytestmark = pytest.mark.django_db

SALES = ("day", "store", *SALES_FIELDS)

WITH_TODAY = selectors.Period(first=TODAY - dt.timedelta(days=6), last=TODAY)


def _figures(period, store_ids, use_rollups):
    return {
        "customers": selectors.customers(
            period=period, store_ids=store_ids, use_rollups=use_rollups
        ),
        "conversion": selectors.conversion(
            period=period, store_ids=store_ids, use_rollups=use_rollups
        ),
        "stock": selectors.stock(period=period, store_ids=store_ids, use_rollups=use_rollups),
        "click_and_collect": selectors.click_and_collect(
            period=period, store_ids=store_ids, use_rollups=use_rollups
        ),
        "returns": selectors.returns(period=period, store_ids=store_ids, use_rollups=use_rollups),
        "daily": selectors.daily_revenue(
            period=period, store_ids=store_ids, use_rollups=use_rollups
        ),
        **(
            {
                "by_store": selectors.click_and_collect_by_store(
                    period=period, store_ids=store_ids, use_rollups=use_rollups
                ),
                "till": selectors.till_revenue_by_store(
                    period=period, store_ids=store_ids, use_rollups=use_rollups
                ),
                "return_rate": selectors.return_rate_by_store(
                    period=period, store_ids=store_ids, use_rollups=use_rollups
                ),
            }
            if store_ids is not None
            else {}
        ),
    }


def _rows():
    return {
        "spend": sorted(
            DailyCustomerSpend.objects.values_list(
                "day",
                "store",
                "user",
                "online_count",
                "online_cents",
                "store_count",
                "store_cents",
            )
        ),
        "interest": sorted(
            DailyInterest.objects.values_list("day", "user", "product", "category", "first_at")
        ),
        "conversion": sorted(
            DailyConversion.objects.values_list(
                "interest__day", "interest__user", "interest__product", "store", "first_at"
            )
        ),
        "stock": sorted(
            DailyStock.objects.values_list("day", "store", "category", "moved", "sold")
        ),
        "sales": sorted(
            DailyStoreSales.objects.values_list(*SALES),
        ),
    }


@pytest.fixture
def shop_data(store, tiers):
    """Two stores; pickup orders, till receipts with and without a card, cart additions and
    stock movements in the period, before it (for the 12 months) and today."""
    other = factories.StoreFactory()
    jacket = factories.stocked_variant(store, "100.00", units=30)
    shoes = factories.stocked_variant(store, "80.00", units=30)
    there = factories.stocked_variant(other, "50.00", units=30)
    StockMovement.objects.update(created_at=at(-40))
    u1, u2, u3 = factories.UserFactory(), factories.UserFactory(), factories.UserFactory()
    a1, a2, a3 = (factories.loyalty_account(u) for u in (u1, u2, u3))
    order(store, jacket, customer=u1, created_at=at(0), ready_at=at(0, 12), collected_at=at(1))
    order(store, shoes, customer=u2, created_at=at(2), ready_at=at(2, 12), collected_at=at(3))
    order(store, shoes, customer=u3, status="cancelled", created_at=at(5))
    order(
        other, there, customer=u1, created_at=at(-200), ready_at=at(-200, 12), collected_at=at(-199)
    )
    till(store, jacket, "100.00", 3, "R-1", account=a1)  # u1 bought the jacket after the order
    till(store, shoes, "80.00", 9, "R-2", account=a3)  # u3 reserved shoes on day 5: converted
    till(other, there, "50.00", 10, "R-3", account=a3)
    till(store, shoes, "80.00", 12, "R-4")  # no card
    old = till(other, there, "50.00", 0, "R-5", account=a2)
    TillReceipt.objects.filter(pk=old.pk).update(occurred_at=at(-100))
    cart_add(
        cart=cart_get_or_create(user=u2, session=SessionStore()), variant_id=jacket.pk, quantity=1
    )
    CartAddition.objects.filter(user=u2).update(added_at=at(4))
    till(store, jacket, "100.00", 15, "R-6", account=a2)  # 11 days after carting: converted
    stock_deltas_apply(
        store_id=store.pk, deltas=[Delta(jacket.pk, -2, MovementKind.PICKUP_COLLECTED)]
    )
    StockMovement.objects.filter(kind=MovementKind.PICKUP_COLLECTED).update(created_at=at(6))
    # Today: an order collected, a till sale with a card, a cart addition (read from the ledgers).
    now = timezone.now()
    order(store, shoes, customer=u2, created_at=now, ready_at=now, collected_at=now)
    today = till(store, jacket, "100.00", 19, "R-7", account=a1)
    TillReceipt.objects.filter(pk=today.pk).update(occurred_at=now)
    cart_add(
        cart=cart_get_or_create(user=u3, session=SessionStore()), variant_id=jacket.pk, quantity=1
    )
    return store, other


@pytest.mark.parametrize("period", [PERIOD, WITH_TODAY], ids=["past", "with-today"])
def test_rollups_equal_the_ledgers(shop_data, period):
    store, other = shop_data
    assert not selectors.rollups_cover(period.first - dt.timedelta(days=365), period.last)
    rollups_recompute(first=TODAY - dt.timedelta(days=400), last=TODAY)
    assert selectors.rollups_cover(period.first - dt.timedelta(days=365), period.last)
    for store_ids in ([store.pk], [other.pk], [store.pk, other.pk], None):
        raw = _figures(period, store_ids, use_rollups=False)
        assert _figures(period, store_ids, use_rollups=True) == raw
    everywhere = _figures(period, None, use_rollups=True)
    assert everywhere["customers"]["buyers"] >= 2  # the data set is not empty
    if period == PERIOD:
        assert everywhere["conversion"]["converted"] == 3  # u1 jacket, u3 shoes, u2 jacket
        assert everywhere["customers"]["clv_12m"]["both"] is not None


def test_recomputing_is_idempotent_and_picks_up_late_data(shop_data):
    store, _other = shop_data
    rollups_recompute(first=TODAY - dt.timedelta(days=400), last=TODAY)
    first = _rows()
    assert first["spend"] and first["interest"] and first["conversion"] and first["stock"]
    assert first["sales"]
    rollups_recompute(first=PERIOD.first, last=PERIOD.last)
    call_command("insight_rollups", "--from", PERIOD.first.isoformat(), "--to", TODAY.isoformat())
    assert _rows() == first
    assert RollupDay.objects.filter(day__range=(PERIOD.first, TODAY)).count() == PERIOD.days + 1

    # A receipt of a day long past booked only now: the job finds that day and recomputes it.
    jacket = factories.stocked_variant(store, "30.00", units=5)
    late = factories.loyalty_account()
    booked = till(store, jacket, "30.00", 0, "R-LATE", account=late)
    TillReceipt.objects.filter(pk=booked.pk).update(occurred_at=at(-30))
    before = selectors.customers(period=PERIOD.previous(), store_ids=[store.pk])
    assert before != selectors.customers(
        period=PERIOD.previous(), store_ids=[store.pk], use_rollups=False
    )
    rollups_refresh()
    assert selectors.customers(period=PERIOD.previous(), store_ids=[store.pk]) == (
        selectors.customers(period=PERIOD.previous(), store_ids=[store.pk], use_rollups=False)
    )
    assert 3000 in {row[6] for row in _rows()["spend"] if row[2] == late.user_id}


def test_click_and_collect_in_the_database_equals_python(shop_data, store):
    """On PostgreSQL the counts and p50/p90 are one grouped query; they equal the figures worked
    out in Python from the orders' rows (the path SQLite takes)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("percentile_disc is PostgreSQL's")
    from insight.selectors import _cc_figures, _cc_in_database, _cc_rows

    variant = factories.stocked_variant(store, "10.00", units=20)
    for hours in (1, 3, 7, 2):  # more durations for the percentiles
        order(
            store,
            variant,
            created_at=at(7),
            ready_at=at(7, 10 + hours),
            collected_at=at(8, 10 + 2 * hours),
            promised_ready_at=at(7, 13),
        )
    for period in (PERIOD, WITH_TODAY):
        found = _cc_in_database(period=period, store_ids=None)
        rows = _cc_rows(period=period, store_ids=None)
        keys = set(found[None])
        assert {k: _cc_figures(rows, Decimal(0), 0)[k] for k in keys} == found[None]
        for store_id in {row[0] for row in rows}:
            mine = _cc_figures([r for r in rows if r[0] == store_id], Decimal(0), 0)
            assert {k: mine[k] for k in keys} == found[store_id]


def test_one_reading_gives_the_same_figures(shop_data):
    """Inside `reading()` today's ledger rows and the click & collect query are read once per
    page; the figures are those of separate reads."""
    store, other = shop_data
    rollups_recompute(first=TODAY - dt.timedelta(days=400), last=TODAY)
    apart = _figures(WITH_TODAY, [store.pk, other.pk], use_rollups=True)
    with selectors.reading():
        together = _figures(WITH_TODAY, [store.pk, other.pk], use_rollups=True)
        again = _figures(WITH_TODAY, [other.pk, store.pk], use_rollups=True)
    assert together == apart
    assert again["customers"] == apart["customers"]
