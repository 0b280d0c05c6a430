"""The pickup queue in the admin and on the desk: open orders by promised time, overdue marked,
counted."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
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
    """Placed `minutes` earlier than it was: its promise moves back with it."""
    delta = dt.timedelta(minutes=minutes)
    Order.objects.filter(pk=order.pk).update(
        created_at=F("created_at") - delta, promised_ready_at=F("promised_ready_at") - delta
    )
    order.refresh_from_db()
    return order


def _promised(order, moment):
    Order.objects.filter(pk=order.pk).update(promised_ready_at=moment)
    order.refresh_from_db()
    return order


def test_admin_queue_shows_open_orders_earliest_promise_first_by_default(
    staff_client, store, variant
):
    # Placed in this order, so the older one is also promised first.
    older = _aged(factories.pickup_order(store, [(variant, 1)], status="picking"), 10)
    newer = _aged(factories.pickup_order(store, [(variant, 1)]), 5)
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


def test_desk_queue_earliest_promise_first_with_facts(client, store, variant):
    client.force_login(factories.staff(store))
    older = _aged(factories.pickup_order(store, [(variant, 1)]), 8)
    newer = _aged(factories.pickup_order(store, [(variant, 2)]), 5)
    html = client.get(reverse("pickup:desk")).content.decode()
    assert html.index(older.number) < html.index(newer.number)
    assert "€20.00" in html and "€40.00" in html  # English amounts (core money format)


def _later_placed_earlier_promised(store, variant):
    """Placed first but promised for tomorrow; placed later, promised within the hour; and one
    from before promises existed (no promise: after both)."""
    now = timezone.now()
    first = _promised(
        _aged(factories.pickup_order(store, [(variant, 1)]), 30), now + dt.timedelta(days=1)
    )
    unpromised = _promised(_aged(factories.pickup_order(store, [(variant, 1)]), 60), None)
    later = _promised(factories.pickup_order(store, [(variant, 1)]), now + dt.timedelta(hours=1))
    assert unpromised.created_at < first.created_at < later.created_at
    return [later, first, unpromised]


def test_a_later_order_with_an_earlier_promise_comes_first_in_admin_and_on_the_desk(
    staff_client, store, variant
):
    expected = _later_placed_earlier_promised(store, variant)
    from shop.orders.selectors.orders import desk_queue

    assert [o.number for o in desk_queue(store)["placed"]] == [o.number for o in expected]
    for url in (reverse(CHANGELIST), reverse("pickup:desk")):
        html = staff_client.get(url).content.decode()
        positions = [html.index(order.number) for order in expected]
        assert positions == sorted(positions), url


def test_the_desk_and_the_admin_show_by_when_an_order_was_promised(
    staff_client, store, variant, monkeypatch
):
    from tests.clock import berlin, freeze

    freeze(monkeypatch, berlin(2026, 12, 7, 13, 0))  # Monday
    order = _promised(factories.pickup_order(store, [(variant, 1)]), berlin(2026, 12, 7, 16, 0))
    tomorrow = _promised(
        factories.pickup_order(store, [(variant, 1)], status="picking"),
        berlin(2026, 12, 8, 10, 30),
    )
    ready = factories.pickup_order(store, [(variant, 1)], status="ready")
    de = {"accept-language": "de"}
    desk = staff_client.get(reverse("pickup:desk"), headers=de).content.decode()
    card = desk[desk.index(f'data-testid="order-{order.number}"') :][:1500]
    assert "bis 16:00 Uhr" in card
    card = desk[desk.index(f'data-testid="order-{tomorrow.number}"') :][:1500]
    assert "bis morgen 10:30 Uhr" in card
    card = desk[desk.index(f'data-testid="order-{ready.number}"') :][:1500]
    assert 'data-testid="promised-ready"' not in card.split("</article>")[0]
    admin = staff_client.get(reverse(CHANGELIST), headers=de).content.decode()
    row = admin[admin.index(order.number) :].split("</tr>")[0]
    assert "bis 16:00 Uhr" in row
    english = staff_client.get(reverse(CHANGELIST), headers={"accept-language": "en"})
    row = english.content.decode()[english.content.decode().index(tomorrow.number) :]
    assert "by tomorrow 10:30 am" in row.split("</tr>")[0]


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
