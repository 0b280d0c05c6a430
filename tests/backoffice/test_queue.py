"""The pickup queue in the admin and on the desk: open orders, oldest first, overdue marked, counted."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shop.orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:orders_order_changelist"


@pytest.fixture
def variant(store):
    return factories.stocked_variant(store, "20.00", units=100)


@pytest.fixture
def staff_client(client, store):
    from django.contrib.auth.models import Permission

    associate = factories.staff(store)
    associate.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    client.force_login(associate)
    return client


def _aged(order, minutes):
    Order.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes)
    )
    return order


def test_admin_queue_shows_open_orders_oldest_first_by_default(staff_client, store, variant):
    newer = _aged(factories.pickup_order(store, [(variant, 1)]), 5)
    older = _aged(factories.pickup_order(store, [(variant, 1)], status="picking"), 10)
    collected = factories.pickup_order(store, [(variant, 1)], status="collected")
    cancelled = factories.pickup_order(store, [(variant, 1)], status="cancelled")
    html = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert older.number in html and newer.number in html
    assert collected.number not in html and cancelled.number not in html
    assert html.index(older.number) < html.index(newer.number)
    html = staff_client.get(reverse(CHANGELIST), {"status__exact": "collected"}).content.decode()
    assert collected.number in html and older.number not in html
    html = staff_client.get(reverse(CHANGELIST), {"status__exact": "all"}).content.decode()
    assert all(o.number in html for o in (newer, older, collected, cancelled))


def test_admin_queue_header_counts_states_and_marks_overdue(staff_client, store, variant):
    for _ in range(2):
        factories.pickup_order(store, [(variant, 1)])
    late = _aged(factories.pickup_order(store, [(variant, 1)]), store.pickup_target_minutes + 5)
    factories.pickup_order(store, [(variant, 1)], status="ready")
    factories.pickup_order(store, [(variant, 1)], status="collected")
    html = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert 'data-testid="state-placed"' in html
    states = html[html.index('data-testid="queue-states"') :]
    assert "<strong>3</strong> Placed" in states
    assert "<strong>0</strong> Picking" in states
    assert "<strong>1</strong> Ready" in states
    assert "<strong>1</strong> Overdue" in states
    row = html[html.index(late.number) :][:400]
    assert 'data-testid="overdue"' in row
    for header in ("customer", "items", "status", "waiting", "reserved until", "to pay"):
        assert f">{header.capitalize()}<" in html or f">{header}<" in html.lower(), header


def test_admin_queue_store_column_only_for_several_stores(staff_client, store, variant):
    factories.pickup_order(store, [(variant, 1)])
    assert "column-store" not in staff_client.get(reverse(CHANGELIST)).content.decode()
    staff_client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    assert "column-store" in staff_client.get(reverse(CHANGELIST)).content.decode()


def test_desk_queue_oldest_first_with_facts(client, store, variant):
    client.force_login(factories.staff(store))
    newer = _aged(factories.pickup_order(store, [(variant, 2)]), 5)
    older = _aged(factories.pickup_order(store, [(variant, 1)]), 8)
    html = client.get(reverse("pickup:desk")).content.decode()
    assert html.index(older.number) < html.index(newer.number)
    assert "€20.00" in html and "€40.00" in html  # English amounts (core money format)


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


def test_queue_and_desk_queries_do_not_grow_with_orders(staff_client, store, variant):
    shortfall_order = factories.pickup_order(store, [(variant, 1)])
    late = factories.pickup_order(store, [(variant, 1)], status="ready")
    Order.objects.filter(pk=late.pk).update(hold_until=timezone.now() - dt.timedelta(hours=1))
    from inventory.models import StockShortfall

    StockShortfall.objects.create(
        store=store, variant=variant, reference=shortfall_order.number, units_missing=1
    )
    urls = [reverse(CHANGELIST), reverse("pickup:desk")]
    few = [_queries(staff_client, url)[0] for url in urls]
    for index in range(25):
        factories.pickup_order(
            store, [(variant, 1)], status=["placed", "picking", "ready"][index % 3]
        )
    many = [_queries(staff_client, url) for url in urls]
    assert [count for count, _html in many] == few
    assert many[0][1].count('name="_selected_action"') == 27
    assert few[0] <= 14 and few[1] <= 10
