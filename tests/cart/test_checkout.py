"""Checkout: login, store choice, one order per form, shortages, cart emptied with the order."""

import re

import pytest
from django.urls import reverse

from inventory.models import Reservation, StockLevel
from shop.orders.models import Cart, CartLine, Order, OrderStatus
from tests import factories

from .conftest import choose_store, english_client

CHECKOUT = reverse("pickup:checkout")


@pytest.fixture
def ready_cart(client, shopper, berlin, potsdam, jacket, boots):
    """A logged-in shopper in Berlin with a jacket and two pairs of boots in the cart."""
    for store in (berlin, potsdam):
        factories.stock(store, jacket, 5)
        factories.stock(store, boots, 5)
    client.force_login(shopper)
    choose_store(client, berlin)
    for variant, quantity in ((jacket, 1), (boots, 2)):
        client.post(reverse("pickup:cart_add"), {"variant": variant.pk, "quantity": quantity})
    return shopper.cart


def form_token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def reserved(store, variant) -> int:
    return StockLevel.objects.get(store=store, variant=variant).reserved


@pytest.mark.django_db
def test_checkout_needs_a_login_and_comes_back_afterwards(client, jacket):
    response = client.get(CHECKOUT)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/checkout/" in response["Location"]


@pytest.mark.django_db
def test_empty_cart_goes_back_to_the_cart(client, shopper):
    client.force_login(shopper)

    response = client.get(CHECKOUT)

    assert response["Location"] == reverse("pickup:cart")


@pytest.mark.django_db
def test_happy_path_reserves_empties_the_cart_and_shows_the_order(
    client, ready_cart, shopper, berlin, jacket, boots
):
    page = client.get(CHECKOUT)
    html = page.content.decode()
    assert re.search(rf'value="{berlin.pk}" required checked', html)  # my store is preselected
    assert "Payment at the counter on pickup" in html
    assert "329.90" in html  # 89.90 + 2 × 120.00

    response = client.post(
        CHECKOUT, {"store": berlin.pk, "phone": "+49 30 555 0101", "token": form_token(page)}
    )

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url()
    assert (order.customer, order.store, order.status) == (shopper, berlin, OrderStatus.PLACED)
    assert sorted(order.lines.values_list("sku", "quantity")) == sorted(
        [(jacket.sku, 1), (boots.sku, 2)]
    )
    assert str(order.amount_due) == "329.90"
    assert (reserved(berlin, jacket), reserved(berlin, boots)) == (1, 2)
    assert not CartLine.objects.filter(cart=ready_cart).exists()
    shopper.refresh_from_db()
    assert shopper.phone == "+49 30 555 0101"
    assert client.get(CHECKOUT)["Location"] == reverse("pickup:cart")


@pytest.mark.django_db
def test_phone_is_prefilled_from_the_account(client, ready_cart, shopper):
    shopper.phone = "+49 170 1234567"
    shopper.save()

    assert 'value="+49 170 1234567"' in client.get(CHECKOUT).content.decode()


@pytest.mark.django_db
def test_double_submit_creates_one_order(client, ready_cart, berlin, jacket):
    token = form_token(client.get(CHECKOUT))
    data = {"store": berlin.pk, "phone": "+49 30 555 0101", "token": token}

    first = client.post(CHECKOUT, data)
    second = client.post(CHECKOUT, data)

    order = Order.objects.get()
    assert first["Location"] == second["Location"] == order.get_absolute_url()
    assert reserved(berlin, jacket) == 1


@pytest.mark.django_db
def test_a_stale_form_token_places_nothing(client, ready_cart, berlin, jacket):
    client.get(CHECKOUT)

    response = client.post(
        CHECKOUT, {"store": berlin.pk, "phone": "+49 30 555 0101", "token": "forged"}
    )

    assert response.status_code == 422
    assert "had expired" in response.content.decode()
    assert form_token(response) != "forged"
    assert not Order.objects.exists()
    assert reserved(berlin, jacket) == 0


@pytest.mark.django_db
def test_my_store_without_everything_is_not_offered(
    client, ready_cart, berlin, potsdam, hamburg, boots
):
    StockLevel.objects.filter(store=berlin, variant=boots).update(on_hand=1)

    page = client.get(CHECKOUT)
    html = page.content.decode()

    assert "does not have everything" in html
    assert html.count('data-testid="store-option"') == 1  # Potsdam; Hamburg has nothing
    assert "checked" not in html
    response = client.post(
        CHECKOUT, {"store": berlin.pk, "phone": "+49 30 555 0101", "token": form_token(page)}
    )
    assert response.status_code == 409
    assert 'data-testid="shortages"' in response.content.decode()
    assert not Order.objects.exists()
    closed = factories.StoreFactory(pickup_enabled=False)
    response = client.post(
        CHECKOUT, {"store": closed.pk, "phone": "+49 30 555 0101", "token": form_token(page)}
    )
    assert "choose one of the listed stores" in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_shortage_reserves_nothing_and_says_where_else(
    client, ready_cart, berlin, potsdam, jacket, boots
):
    page = client.get(CHECKOUT)
    # While the shopper types the phone number, the till sells four pairs of boots in Berlin.
    StockLevel.objects.filter(store=berlin, variant=boots).update(on_hand=1)

    response = client.post(
        CHECKOUT, {"store": berlin.pk, "phone": "+49 30 555 0101", "token": form_token(page)}
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert re.search(rf'data-testid="short-line" data-sku="{boots.sku}"', html)
    shortages = html.split('data-testid="shortages"')[1].split("</section>")[0]
    assert f'data-sku="{jacket.sku}"' not in shortages
    assert "You want 2, Berlin Mitte has 1." in html
    assert "Potsdam (5)" in html
    assert not Order.objects.exists()
    assert not Reservation.objects.exists()
    assert (reserved(berlin, jacket), reserved(berlin, boots)) == (0, 0)
    assert CartLine.objects.filter(cart=ready_cart).count() == 2


@pytest.mark.django_db
def test_a_bad_phone_number_is_refused(client, ready_cart, berlin, jacket):
    page = client.get(CHECKOUT)

    response = client.post(
        CHECKOUT, {"store": berlin.pk, "phone": "call me", "token": form_token(page)}
    )

    assert response.status_code == 422
    assert "phone number" in response.content.decode()
    assert not Order.objects.exists()
    assert reserved(berlin, jacket) == 0
    assert Cart.objects.get().lines.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_of_one_form_place_one_order(berlin, jacket, boots):
    """A double click sends the same form twice at once: one order, one reservation, same page."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from tests.components import require_postgres

    require_postgres()
    factories.stock(berlin, jacket, 5)
    shopper = factories.UserFactory()
    first = english_client()
    first.force_login(shopper)
    choose_store(first, berlin)
    first.post(reverse("pickup:cart_add"), {"variant": jacket.pk, "quantity": 2})
    data = {
        "store": berlin.pk,
        "phone": "+49 30 555 0101",
        "token": form_token(first.get(CHECKOUT)),
    }
    second = english_client()
    second.cookies = first.cookies  # the same browser session, two requests in flight

    def submit(client):
        try:
            return client.post(CHECKOUT, data)["Location"]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        locations = list(pool.map(submit, [first, second]))

    order = Order.objects.get()
    assert locations == [order.get_absolute_url()] * 2
    assert reserved(berlin, jacket) == 2
    assert not CartLine.objects.exists()


@pytest.mark.django_db
def test_checkout_names_someone_else_who_collects(client, ready_cart, berlin, jacket):
    from notifications.models import Notification

    token = form_token(client.get(CHECKOUT))
    data = {"store": berlin.pk, "phone": "+49 30 555 0101", "token": token}
    refused = client.post(CHECKOUT, {**data, "collector_email": "anna@example.com"})
    assert refused.status_code == 422 and not Order.objects.exists()
    assert "name of the person who collects" in refused.content.decode()

    client.post(
        CHECKOUT, {**data, "collector_name": "Anna Berger", "collector_email": "anna@example.com"}
    )
    order = Order.objects.get()
    assert order.collector_name == "Anna Berger" and len(order.collector_code) == 8
    assert Notification.objects.filter(
        kind="order_collector", recipient_email="anna@example.com"
    ).exists()
