import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shop.orders.models import Order, OrderStatus
from tests import factories
from tests.orders.helpers import level, snapshot

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desk_client(client, associate):
    client.force_login(associate)
    return client


def _column(html, key):
    start = html.index(f'data-testid="column-{key}"')
    end = html.find('data-testid="column-', start + 10)
    return html[start : end if end > 0 else None]


def test_queue_in_columns(desk_client, store, jacket):
    placed = factories.pickup_order(store, [(jacket, 2)])
    picking = factories.pickup_order(store, [(jacket, 1)], status="picking")
    ready = factories.pickup_order(store, [(jacket, 1)], status="ready")
    late = factories.pickup_order(store, [(jacket, 1)])
    Order.objects.filter(pk=late.pk).update(created_at=timezone.now() - dt.timedelta(hours=5))
    done = factories.pickup_order(store, [(jacket, 1)], status="collected")
    html = desk_client.get(reverse("pickup:desk")).content.decode()
    assert placed.number in _column(html, "placed")
    assert picking.number in _column(html, "picking")
    assert ready.number in _column(html, "ready")
    assert late.number in _column(html, "overdue") and late.number not in _column(html, "placed")
    assert done.number not in html
    assert "5 h 0 min" in html
    assert 'hx-trigger="every 15s' in html
    assert "autofocus" in html


def test_queue_partial_query_count(desk_client, store, jacket, django_assert_max_num_queries):
    for _ in range(10):
        factories.pickup_order(store, [(jacket, 1)])
    with django_assert_max_num_queries(8):
        response = desk_client.get(reverse("pickup:desk_queue"), **HTMX)
    assert response.content.decode().count('data-testid="order-') == 10


def test_only_staff_with_a_store(client, store):
    assert client.get(reverse("pickup:desk")).status_code == 302  # to the login page
    client.force_login(factories.UserFactory())
    assert client.get(reverse("pickup:desk")).status_code == 403
    client.force_login(factories.UserFactory(is_staff=True))  # staff, but of no store
    assert client.get(reverse("pickup:desk")).status_code == 403


def test_store_switcher_only_offers_own_stores(desk_client, associate, store):
    second = factories.StoreFactory(name="Zweite Filiale")
    from stores.models import StaffMembership

    StaffMembership.objects.create(user=associate, store=second)
    foreign = factories.StoreFactory(name="Fremde Filiale")
    html = desk_client.get(reverse("pickup:desk")).content.decode()
    assert "Zweite Filiale" in html and "Fremde Filiale" not in html
    html = desk_client.get(reverse("pickup:desk"), {"store": second.code}).content.decode()
    assert "selected>Zweite Filiale" in html
    assert desk_client.get(reverse("pickup:desk"), {"store": foreign.code}).status_code == 404


def test_buttons_move_the_order(desk_client, store, jacket):
    order = factories.pickup_order(store, [(jacket, 1)])
    url = reverse("pickup:desk_step", args=[order.public_id, "start-picking"])
    response = desk_client.post(url, {"store": store.code}, **HTMX)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKING
    assert order.number in _column(response.content.decode(), "picking")
    # again: refused, with the reason, nothing changed
    before = snapshot(order)
    response = desk_client.post(url, {"store": store.code}, **HTMX)
    assert "only placed orders can be picked" in response.content.decode()
    assert snapshot(order) == before


def test_buttons_cannot_reach_another_store(desk_client, store):
    other = factories.StoreFactory()
    variant = factories.VariantFactory()
    factories.stock(other, variant, 3)
    theirs = factories.pickup_order(other, [(variant, 1)])
    before = snapshot(theirs)
    url = reverse("pickup:desk_step", args=[theirs.public_id, "start-picking"])
    assert desk_client.post(url, {"store": store.code}, **HTMX).status_code == 404
    assert desk_client.post(url, {"store": other.code}, **HTMX).status_code == 404
    assert snapshot(theirs) == before


def test_scan_hands_over(desk_client, store, jacket):
    order = factories.pickup_order(store, [(jacket, 2)], status="ready")
    code = order.pickup_code
    response = desk_client.post(
        reverse("pickup:desk_collect"),
        {"store": store.code, "code": code.lower()},
        **HTMX,
        headers={"accept-language": "de"},
    )
    html = response.content.decode()
    assert 'data-testid="desk-success"' in html
    assert order.number in html and "2 ×" in html
    assert "99,80\u00a0€" in html  # amount due, German format
    assert response["HX-Trigger"] == "desk-refresh"
    order.refresh_from_db()
    assert order.status == OrderStatus.COLLECTED
    assert level(store, jacket) == (8, 0)


def test_wrong_scan_shows_an_error(desk_client, store, jacket):
    order = factories.pickup_order(store, [(jacket, 2)], status="ready")
    before = snapshot(order)
    response = desk_client.post(
        reverse("pickup:desk_collect"), {"store": store.code, "code": "NOPE-NOPE"}, **HTMX
    )
    assert 'data-testid="desk-error"' in response.content.decode()
    assert snapshot(order) == before


def test_csrf_is_enforced(associate, store, jacket):
    order = factories.pickup_order(store, [(jacket, 1)], status="ready")
    client = Client(enforce_csrf_checks=True)
    client.force_login(associate)
    response = client.post(reverse("pickup:desk_collect"), {"code": order.pickup_code})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.READY


def test_without_javascript_the_forms_still_work(desk_client, store, jacket):
    order = factories.pickup_order(store, [(jacket, 1)])
    url = reverse("pickup:desk_step", args=[order.public_id, "start-picking"])
    response = desk_client.post(url, {"store": store.code})
    assert response.status_code == 302 and response["Location"].endswith(f"?store={store.code}")
    order = order.__class__.objects.get(pk=order.pk)
    assert order.status == OrderStatus.PICKING
    order = factories.pickup_order(store, [(jacket, 1)], status="ready")
    response = desk_client.post(
        reverse("pickup:desk_collect"), {"store": store.code, "code": order.pickup_code}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="desk-success"' in html and 'data-testid="column-placed"' in html


def test_scan_of_the_collectors_code_says_who_collects(desk_client, store, jacket):
    from shop.orders.services.collector import order_collector_set

    order = factories.pickup_order(store, [(jacket, 1)], status="ready")
    order = order_collector_set(order=order, actor=order.customer, name="Anna Berger")
    response = desk_client.post(
        reverse("pickup:desk_collect"),
        {"store": store.code, "code": order.collector_code},
        **HTMX,
        headers={"accept-language": "de"},
    )
    html = response.content.decode()
    assert 'data-testid="desk-collector"' in html and "Abholung durch Anna Berger" in html
    order.refresh_from_db()
    assert order.status == OrderStatus.COLLECTED and order.collected_by == "collector"
