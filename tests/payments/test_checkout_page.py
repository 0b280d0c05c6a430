"""The checkout page with online payment: the choice, the redirect to the pay page, bad input."""

import pytest

from payments.models import Payment
from shop.orders.models import Cart, CartLine, Order, OrderStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_cart(shopper, jacket):
    cart = Cart.objects.create(user=shopper)
    CartLine.objects.create(cart=cart, variant=jacket, quantity=1)
    return cart


def _form(client, store, **extra):
    page = client.get("/checkout/")
    token = page.context["form"]["token"].value()
    return {"store": store.pk, "phone": "+49 30 1234567", "token": token, **extra}


def test_no_keys_no_online_choice(client, shopper, store, ready_cart):
    client.force_login(shopper)
    page = client.get("/checkout/").content.decode()
    assert 'data-testid="payment-methods"' not in page


def test_online_checkout_goes_to_the_pay_page_once(client, fake_stripe, shopper, store, ready_cart):
    client.force_login(shopper)
    data = _form(
        client, store, payment_method="stripe", company="Muster GmbH", vat_id="DE987654321"
    )
    first = client.post("/checkout/", data)
    order = Order.objects.get()
    assert first.status_code == 302
    assert first["Location"] == f"/payments/pay/{order.public_id}/"
    assert order.status == OrderStatus.PAYMENT_PENDING
    assert Payment.objects.get(order=order).billing_vat_id == "DE987654321"
    again = client.post("/checkout/", data)  # a double click
    assert again["Location"] == first["Location"]
    assert Order.objects.count() == Payment.objects.count() == 1
    page = client.get(first["Location"])
    assert page.status_code == 200
    csp = page["Content-Security-Policy"]
    assert fake_stripe.url in csp  # Stripe.js and its API are allowed on this page only


def test_vat_id_needs_a_company_and_a_shape(client, fake_stripe, shopper, store, ready_cart):
    client.force_login(shopper)
    response = client.post(
        "/checkout/", _form(client, store, payment_method="stripe", vat_id="DE1")
    )
    assert response.status_code == 422
    assert not Order.objects.exists()


def test_someone_elses_pay_page_is_not_found(client, fake_stripe, shopper, store, ready_cart):
    from tests import factories

    client.force_login(shopper)
    client.post("/checkout/", _form(client, store, payment_method="stripe"))
    order = Order.objects.get()
    client.force_login(factories.UserFactory())
    assert client.get(f"/payments/pay/{order.public_id}/").status_code == 404
