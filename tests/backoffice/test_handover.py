"""Handover at the desk: a plain "handed over" with the amount to pay, or the tries left."""

import pytest
from django.urls import reverse

from shop.orders.models import OrderStatus
from shop.orders.services.orders import WRONG_CODES_PER_STAFF
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desk_client(client, store):
    client.force_login(factories.staff(store))
    return client


def test_right_code_says_handed_over_with_the_amount(desk_client, store):
    variant = factories.stocked_variant(store, "104.00")
    order = factories.pickup_order(store, [(variant, 1)], status="ready")
    response = desk_client.post(
        reverse("pickup:desk_collect"), {"code": order.pickup_code.lower()}, **HTMX
    )
    html = response.content.decode()
    assert "Handed over" in html and "Amount to pay at the counter" in html
    assert 'data-testid="amount-due">€104.00' in html  # English amount (core money format)
    order.refresh_from_db()
    assert order.status == OrderStatus.COLLECTED


def test_german_result_says_ausgehaendigt(desk_client, store):
    variant = factories.stocked_variant(store, "10.00")
    order = factories.pickup_order(store, [(variant, 1)], status="ready")
    html = desk_client.post(
        reverse("pickup:desk_collect"),
        {"code": order.pickup_code},
        HTTP_ACCEPT_LANGUAGE="de",
        **HTMX,
    ).content.decode()
    assert "Ausgehändigt" in html and "An der Kasse zu zahlen" in html


def test_wrong_code_says_how_many_tries_are_left(desk_client, store):
    url = reverse("pickup:desk_collect")
    html = desk_client.post(url, {"code": "ZZZZ9999"}, **HTMX).content.decode()
    assert "Not handed over" in html
    left = WRONG_CODES_PER_STAFF - 1
    assert f"{left} more tries, then codes are refused" in html
    html = desk_client.post(url, {"code": "ZZZZ9998"}, **HTMX).content.decode()
    assert f"{left - 1} more tries" in html


def test_camera_button_is_there_but_hidden_until_the_browser_can_read_qr(desk_client):
    html = desk_client.get(reverse("pickup:desk")).content.decode()
    assert 'id="desk-camera" hidden' in html and "js/desk-scan.js" in html
