"""Picking on the desk: the order's lines, missing units after confirmation, the pick slip."""

import pytest
from django.urls import reverse

from shop.orders.models import OrderStatus
from tests import factories
from tests.orders.helpers import level, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def jacket(store):
    variant = factories.stocked_variant(store, "89.00", units=10)
    variant.ean, variant.size, variant.colour = "4006381333931", "L", "Himmelblau"
    variant.save()
    return variant


@pytest.fixture
def socks(store):
    return factories.stocked_variant(store, "7.50", units=10)


@pytest.fixture
def desk_client(client, store):
    client.force_login(factories.staff(store))
    return client


def _page(order):
    return reverse("pickup:desk_order", args=[order.public_id])


def test_pick_page_lists_lines_with_codes(desk_client, store, jacket, socks):
    order = factories.pickup_order(store, [(jacket, 2), (socks, 1)], status="picking")
    html = desk_client.get(_page(order)).content.decode()
    line = html[html.index(f'data-testid="line-{jacket.sku}"') :]
    assert 'data-ean="4006381333931"' in line and 'data-need="2"' in line
    assert "Himmelblau" in line and ">L<" in line and jacket.sku in line
    assert jacket.product.name in line
    assert f'data-testid="short-submit-{jacket.sku}"' in html
    assert 'data-testid="pick-ean"' in html and "autofocus" in html
    assert reverse("pickup:desk_slip", args=[order.public_id]) in html


def test_placed_order_offers_start_picking_and_comes_back(desk_client, store, jacket):
    order = factories.pickup_order(store, [(jacket, 1)])
    html = desk_client.get(_page(order)).content.decode()
    assert 'data-testid="start-picking"' in html and 'data-testid="pick-ean"' not in html
    url = reverse("pickup:desk_step", args=[order.public_id, "start-picking"])
    response = desk_client.post(url, {"store": store.code, "next": "order"})
    assert response.status_code == 302 and response["Location"] == _page(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKING


def test_mark_short_needs_confirmation_then_calls_the_service(desk_client, store, jacket, socks):
    order = factories.pickup_order(store, [(jacket, 2), (socks, 1)], status="picking")
    line = order.lines.get(variant=jacket)
    url = reverse("pickup:desk_mark_short", args=[order.public_id, line.pk])
    before = snapshot(order)
    response = desk_client.post(url, {"units": "1"}, follow=True)
    assert "Please confirm the missing units." in response.content.decode()
    assert snapshot(order) == before
    response = desk_client.post(url, {"units": "x", "confirmed": "yes"}, follow=True)
    assert "Enter the number of missing units." in response.content.decode()
    response = desk_client.post(url, {"units": "5", "confirmed": "yes"}, follow=True)
    assert response.status_code == 200 and snapshot(order) == before  # more than ordered
    response = desk_client.post(url, {"units": "1", "confirmed": "yes"}, follow=True)
    assert "marked short. The customer is told." in response.content.decode()
    line.refresh_from_db()
    order.refresh_from_db()
    assert line.quantity_short == 1
    assert order.amount_due == 89 + 7.5
    assert level(store, jacket) == (9, 1)


def test_mark_ready_from_the_pick_page_goes_back_to_the_queue(desk_client, store, jacket):
    order = factories.pickup_order(store, [(jacket, 1)], status="picking")
    url = reverse("pickup:desk_step", args=[order.public_id, "mark-ready"])
    response = desk_client.post(url, {"store": store.code, "next": "order"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("pickup:desk"))
    order.refresh_from_db()
    assert order.status == OrderStatus.READY


def test_pick_slip_a4_and_80mm(desk_client, store, jacket):
    order = factories.pickup_order(store, [(jacket, 3)], status="picking")
    url = reverse("pickup:desk_slip", args=[order.public_id])
    html = desk_client.get(url).content.decode()
    assert "slip--a4" in html and order.number in html and "4006381333931" in html
    assert "css/pick-slip.css" in html and 'class="site-header' not in html
    assert "slip--80mm" in desk_client.get(url, {"format": "80mm"}).content.decode()


def test_another_stores_order_is_a_404(desk_client, jacket):
    other = factories.StoreFactory(name="Filiale B")
    variant = factories.stocked_variant(other, "10.00")
    theirs = factories.pickup_order(other, [(variant, 1)], status="picking")
    line = theirs.lines.get()
    before = snapshot(theirs)
    assert desk_client.get(_page(theirs)).status_code == 404
    assert desk_client.get(reverse("pickup:desk_slip", args=[theirs.public_id])).status_code == 404
    url = reverse("pickup:desk_mark_short", args=[theirs.public_id, line.pk])
    assert desk_client.post(url, {"units": "1", "confirmed": "yes"}).status_code == 404
    assert snapshot(theirs) == before


def test_pick_page_queries_do_not_grow_with_lines(
    desk_client, store, django_assert_max_num_queries
):
    variants = [factories.stocked_variant(store, "5.00") for _ in range(8)]
    few = factories.pickup_order(store, [(v, 1) for v in variants[:2]], status="picking")
    many = factories.pickup_order(store, [(v, 1) for v in variants], status="picking")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        desk_client.get(_page(few))
    with CaptureQueriesContext(connection) as other:
        desk_client.get(_page(many))
    assert len(one.captured_queries) == len(other.captured_queries) <= 10
