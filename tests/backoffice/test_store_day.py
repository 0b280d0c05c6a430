"""The admin index opens on the associate's store day."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inventory.counts import stock_count_take
from inventory.models import StockShortfall
from shop.orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


def _tile(html, key):
    start = html.index(f'data-testid="day-{key}"')
    return html[start : html.index("</a>", start)]


def test_index_shows_the_store_day_in_german(client, store):
    associate = factories.staff(store)
    variant = factories.stocked_variant(store, "10.00", units=40)
    factories.pickup_order(store, [(variant, 1)])
    factories.pickup_order(store, [(variant, 1)], status="picking")
    ready = factories.pickup_order(store, [(variant, 1)], status="ready")
    Order.objects.filter(pk=ready.pk).update(hold_until=timezone.now() - dt.timedelta(hours=1))
    factories.pickup_order(store, [(variant, 1)], status="collected")
    StockShortfall.objects.create(store=store, variant=variant, reference="X", units_missing=1)
    stock_count_take(store=store, user=associate, counted={variant.pk: 0})
    other = factories.StoreFactory()
    theirs = factories.stocked_variant(other, "10.00")
    factories.pickup_order(other, [(theirs, 1)])  # another store's order is not counted

    client.force_login(associate)
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Heute in Ihrer Filiale" in html
    assert "<strong>2</strong><span>Zu kommissionieren" in _tile(html, "to-pick")
    assert "<strong>1</strong>" in _tile(html, "ready")
    assert "<strong>1</strong>" in _tile(html, "overdue")
    assert "<strong>1</strong>" in _tile(html, "counts")
    assert "<strong>1</strong>" in _tile(html, "shortfalls")
    assert "<strong>0</strong>" in _tile(html, "returns")


def test_index_queries_do_not_grow_with_orders(client, store):
    associate = factories.staff(store)
    client.force_login(associate)
    variant = factories.stocked_variant(store, "10.00", units=40)
    factories.pickup_order(store, [(variant, 1)])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("admin:index"))
    for _ in range(10):
        factories.pickup_order(store, [(variant, 1)])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("admin:index"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_index_without_stores_is_the_plain_admin(client):
    client.force_login(factories.UserFactory(is_staff=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="store-day"' not in html
