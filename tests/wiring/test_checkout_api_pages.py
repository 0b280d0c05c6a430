"""Points and store credit at checkout (page and API), and on the shopper's order page."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from inventory.models import StockLevel
from loyalty.credit import store_credit_balance
from shop.orders.models import Order
from tests import factories
from tests.cart.conftest import choose_store

from .conftest import give_credit, give_points, points

pytestmark = pytest.mark.django_db
CHECKOUT = reverse("pickup:checkout")
ORDERS = "/api/v1/orders/"


@pytest.fixture
def client(shopper, store, jacket):
    client = Client(headers={"accept-language": "en"})
    client.force_login(shopper)
    choose_store(client, store)
    client.post(reverse("pickup:cart_add"), {"variant": jacket.pk, "quantity": 2})  # 80 €
    return client


def token(page) -> str:
    return re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)


def test_checkout_offers_points_up_to_half_and_the_store_credit(client, shopper, store):
    give_points(shopper, "5000.00")  # far more than half of the 80 € order
    give_credit(shopper, "12.50")
    html = client.get(CHECKOUT).content.decode()
    assert 'data-testid="settlement"' in html
    assert "Use up to 4000 points" in html  # half of 80 € = 40 € = 4000 points
    assert 'max="4000"' in html
    assert "Use my store credit (€12.50)" in html


def test_checkout_without_points_or_credit_offers_nothing(client):
    assert 'data-testid="settlement"' not in client.get(CHECKOUT).content.decode()


def test_checkout_places_the_order_with_points_and_credit(client, shopper, store):
    balance = give_points(shopper, "5000.00")
    give_credit(shopper, "12.50")
    page = client.get(CHECKOUT)
    response = client.post(
        CHECKOUT,
        {
            "store": store.pk,
            "phone": "+49 30 1234567",
            "token": token(page),
            "points": "1000",
            "use_store_credit": "on",
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert (order.points_redeemed, order.loyalty_discount, order.store_credit_used) == (
        1000,
        Decimal("10.00"),
        Decimal("12.50"),
    )
    assert order.amount_due == Decimal("57.50")
    assert points(shopper) == balance - 1000
    assert store_credit_balance(user=shopper) == 0

    html = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="loyalty-discount">−€10.00' in html
    assert 'data-testid="store-credit-used">−€12.50' in html
    assert 'data-testid="amount-due">€57.50' in html


def test_checkout_refuses_more_points_than_offered_and_places_nothing(client, shopper, store):
    balance = give_points(shopper, "5000.00")
    page = client.get(CHECKOUT)
    response = client.post(
        CHECKOUT,
        {"store": store.pk, "phone": "+49 30 1234567", "token": token(page), "points": "4001"},
    )
    assert response.status_code == 422
    assert "at most 4000 points" in response.content.decode()
    assert not Order.objects.exists() and points(shopper) == balance


# --- API -----------------------------------------------------------------------------------


@pytest.fixture
def api(shopper):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(shopper)
    return client


def body(store, variant, **extra):
    return {
        "store": store.code,
        "lines": [{"sku": variant.sku, "quantity": 1}],
        "phone": "+49 30 1234567",
        **extra,
    }


def test_api_places_with_points_and_credit(api, shopper, store, jacket):
    balance = give_points(shopper, "5000.00")
    give_credit(shopper, "5.00")
    response = api.post(
        ORDERS, body(store, jacket, points=500, use_store_credit=True), format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["points_redeemed"], data["loyalty_discount"], data["store_credit_used"]) == (
        500,
        "5.00",
        "5.00",
    )
    assert data["amount_due"] == "30.00"
    assert points(shopper) == balance - 500


@pytest.mark.parametrize(
    ("points_sent", "reason"),
    [(2001, "at most half"), (-1, "greater than or equal to 0"), ("lots", "valid integer")],
)
def test_api_refuses_points_with_a_reason_and_changes_nothing(
    api, shopper, store, jacket, points_sent, reason
):
    balance = give_points(shopper, "5000.00")
    response = api.post(ORDERS, body(store, jacket, points=points_sent), format="json")
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Order.objects.exists()
    assert points(shopper) == balance
    assert StockLevel.objects.get(store=store, variant=jacket).reserved == 0


# --- returns on the order page -------------------------------------------------------------


def test_order_page_shows_returns_and_the_start_button_in_the_window(shopper, store, jacket):
    client = Client(headers={"accept-language": "en"})
    client.force_login(shopper)
    placed = factories.pickup_order(store, [(jacket, 1)], customer=shopper)
    collected = factories.collected_order(store, [(jacket, 2)], customer=shopper)

    html = client.get(placed.get_absolute_url()).content.decode()
    assert 'data-testid="order-returns"' not in html  # nothing to return before collection

    html = client.get(collected.get_absolute_url()).content.decode()
    assert 'data-testid="start-return"' in html
    assert reverse("returns:start", args=[collected.public_id]) in html

    from returns.services import return_request_create

    line = collected.lines.get()
    ret = return_request_create(
        order=collected, lines=[(line.pk, 1)], reason="too_large", actor=shopper
    )
    html = client.get(collected.get_absolute_url()).content.decode()
    assert f"Return {ret.code_display}" in html
    assert ret.get_absolute_url() in html
    assert 'data-testid="start-return"' in html  # one more unit can still go back
