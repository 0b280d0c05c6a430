"""The shopper's order pages: only their own, the code and QR once ready, cancel while allowed."""

import pytest
from django.urls import reverse

from inventory.models import StockLevel
from shop.orders.models import OrderStatus
from tests import factories


@pytest.fixture
def stocked(berlin, jacket, boots):
    factories.stock(berlin, jacket, 5)
    factories.stock(berlin, boots, 5)


def place(shopper, store, items, status=OrderStatus.PLACED):
    return factories.pickup_order(store, items, customer=shopper, status=status)


@pytest.mark.django_db
def test_order_list_shows_own_orders_newest_first(
    client, shopper, berlin, jacket, boots, stocked, django_assert_max_num_queries
):
    older = place(shopper, berlin, [(jacket, 1)])
    newer = place(shopper, berlin, [(boots, 2), (jacket, 1)])
    strangers = place(factories.UserFactory(), berlin, [(jacket, 1)])
    client.force_login(shopper)

    with django_assert_max_num_queries(6):
        html = client.get(reverse("pickup:order_list")).content.decode()

    assert html.index(newer.number) < html.index(older.number)
    assert strangers.number not in html
    assert "3 items" in html


@pytest.mark.django_db
def test_another_shoppers_order_is_a_404(client, shopper, berlin, jacket, stocked):
    order = place(factories.UserFactory(), berlin, [(jacket, 1)], status=OrderStatus.READY)
    client.force_login(shopper)

    assert client.get(order.get_absolute_url()).status_code == 404
    cancel = client.post(reverse("pickup:order_cancel", args=[order.public_id]))
    assert cancel.status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.READY


@pytest.mark.django_db
def test_orders_need_a_login(client, shopper, berlin, jacket, stocked):
    order = place(shopper, berlin, [(jacket, 1)])

    response = client.get(order.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_placed_order_shows_timeline_store_and_no_code_yet(
    client, shopper, berlin, jacket, stocked
):
    order = place(shopper, berlin, [(jacket, 2)])
    client.force_login(shopper)

    html = client.get(order.get_absolute_url()).content.decode()

    assert order.number in html
    assert berlin.street in html
    assert "Today:" in html
    assert 'data-testid="timeline"' in html
    assert "179.80" in html
    assert order.pickup_code[:4] not in html.split('data-testid="order-status"')[1]
    assert 'class="segno"' not in html
    assert 'data-testid="cancel"' in html


@pytest.mark.django_db
def test_ready_order_shows_the_code_and_qr(client, shopper, berlin, jacket, stocked):
    order = place(shopper, berlin, [(jacket, 1)], status=OrderStatus.READY)
    client.force_login(shopper)

    html = client.get(order.get_absolute_url()).content.decode()

    code = f"{order.pickup_code[:4]} {order.pickup_code[4:]}"
    assert f'data-testid="pickup-code">{code}<' in html
    assert "<svg" in html and 'class="segno"' in html
    assert 'data-testid="cancel"' not in html  # too late to cancel


@pytest.mark.django_db
def test_cancel_from_the_order_page_releases_the_stock(client, shopper, berlin, jacket, stocked):
    order = place(shopper, berlin, [(jacket, 2)])
    client.force_login(shopper)

    response = client.post(reverse("pickup:order_cancel", args=[order.public_id]), follow=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert StockLevel.objects.get(store=berlin, variant=jacket).reserved == 0
    assert "has been cancelled" in response.content.decode()


@pytest.mark.django_db
def test_a_refused_cancel_says_why_and_changes_nothing(client, shopper, berlin, jacket, stocked):
    order = place(shopper, berlin, [(jacket, 2)], status=OrderStatus.READY)
    client.force_login(shopper)

    response = client.post(reverse("pickup:order_cancel", args=[order.public_id]), follow=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.READY
    assert StockLevel.objects.get(store=berlin, variant=jacket).reserved == 2
    assert 'class="message error"' in response.content.decode()
    assert order.number in response.content.decode()
