"""The checkout page with online payment: the choice, the redirect to the pay page, bad input."""

from decimal import Decimal

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


def test_online_checkout_with_3d_secure_goes_to_the_pay_page_once(
    client, fake_stripe, shopper, store, ready_cart
):
    client.force_login(shopper)
    data = _form(
        client,
        store,
        payment_method="stripe",
        payment_method_id="pm_card_authenticationRequired",
        company="Muster GmbH",
        vat_id="DE987654321",
    )
    first = client.post("/checkout/", data)
    order = Order.objects.get()
    assert first.status_code == 302
    assert first["Location"] == f"/payments/pay/{order.public_id}/"
    assert order.status == OrderStatus.PAYMENT_PENDING
    assert Payment.objects.get(order=order).billing_vat_id == "DE987654321"
    intent = fake_stripe.intents[order.payment.intent_id]
    assert intent["status"] == "requires_action"
    assert intent["capture_method"] == "manual"
    # Stripe sends the shopper back to this site's return page after 3-D Secure.
    assert intent["next_action"]["redirect_to_url"]["return_url"] == (
        f"http://testserver/payments/pay/{order.public_id}/return/"
    )
    again = client.post("/checkout/", data)  # a double click
    assert again["Location"] == first["Location"]
    assert Order.objects.count() == Payment.objects.count() == 1
    page = client.get(first["Location"])
    assert page.status_code == 200
    assert page.context["next"].step == "action"  # Stripe.js handles the next action at once
    csp = page["Content-Security-Policy"]
    assert fake_stripe.url in csp  # Stripe.js and its API are allowed on this page


def test_online_checkout_authorised_at_once_places_the_order(
    client, fake_stripe, shopper, store, ready_cart, jacket
):
    from tests.orders.helpers import level

    client.force_login(shopper)
    data = _form(client, store, payment_method="stripe", payment_method_id="pm_card_visa")
    response = client.post("/checkout/", data)
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url()
    assert order.status == OrderStatus.PLACED
    assert order.payment.status == "authorised"
    assert level(store, jacket) == (10, 1)
    assert not CartLine.objects.filter(cart=ready_cart).exists()


def test_declined_card_reserves_nothing_and_keeps_the_cart(
    client, fake_stripe, shopper, store, ready_cart, jacket
):
    from tests.orders.helpers import level

    client.force_login(shopper)
    data = _form(client, store, payment_method="stripe", payment_method_id="pm_card_chargeDeclined")
    response = client.post("/checkout/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Your card was declined. Nothing was ordered." in page
    assert not Order.objects.exists()
    assert not Payment.objects.exists()
    assert level(store, jacket) == (10, 0)
    assert CartLine.objects.filter(cart=ready_cart, variant=jacket, quantity=1).exists()
    # The shopper tries another card at once, on the same form (same token)…
    data["payment_method_id"] = "pm_card_visa"
    response = client.post("/checkout/", data)
    order = Order.objects.get()
    assert order.status == OrderStatus.PLACED
    assert level(store, jacket) == (10, 1)


def test_declined_card_then_pay_at_the_counter(
    client, fake_stripe, shopper, store, ready_cart, jacket
):
    client.force_login(shopper)
    data = _form(client, store, payment_method="stripe", payment_method_id="pm_card_chargeDeclined")
    assert client.post("/checkout/", data).status_code == 422
    data.update(payment_method="counter", payment_method_id="")
    response = client.post("/checkout/", data)
    order = Order.objects.get()
    assert response.status_code == 302
    assert (order.status, order.payment_method) == (OrderStatus.PLACED, "counter")
    assert order.amount_due == Decimal(jacket.price)


def test_online_without_payment_details_is_a_form_error(
    client, fake_stripe, shopper, store, ready_cart
):
    client.force_login(shopper)
    response = client.post("/checkout/", _form(client, store, payment_method="stripe"))
    assert response.status_code == 422
    assert "Please enter your payment details" in response.content.decode()
    assert not Order.objects.exists()
    assert not fake_stripe.intents


def test_declines_are_rate_limited(client, fake_stripe, shopper, store, ready_cart):
    from payments.services import DECLINES_PER_CUSTOMER

    client.force_login(shopper)
    data = _form(client, store, payment_method="stripe", payment_method_id="pm_card_chargeDeclined")
    for _ in range(DECLINES_PER_CUSTOMER):
        assert client.post("/checkout/", data).status_code == 422
    calls = len(fake_stripe.requests)
    data["payment_method_id"] = "pm_card_visa"
    response = client.post("/checkout/", data)
    assert response.status_code == 429
    assert "Too many declined payments" in response.content.decode()
    assert len(fake_stripe.requests) == calls  # Stripe was not asked
    assert not Order.objects.exists()
    # Paying at the counter is still possible.
    data.update(payment_method="counter", payment_method_id="")
    assert client.post("/checkout/", data).status_code == 302


def test_wording_online_and_at_the_counter(client, fake_stripe, shopper, store, ready_cart):
    from django.conf import settings

    client.force_login(shopper)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    page = client.get("/checkout/").content.decode()
    # Both variants are on the page; the counter one shows until an online method is chosen.
    assert "Zahlungspflichtig bestellen" in page
    assert "Unverbindlich reservieren" in page
    data = _form(client, store, payment_method="stripe", payment_method_id="pm_card_chargeDeclined")
    page = client.post("/checkout/", data).content.decode()
    import re

    button = re.search(r'data-testid="place-order"[^>]*>(.*?)</button>', page, re.S).group(1)
    visible = re.findall(r"<span data-when=\"(\w+)\">([^<]*)</span>", button)
    assert visible == [("online", "Zahlungspflichtig bestellen")]
    assert "Jetzt autorisiert" in page
    assert "Ihre Karte wurde abgelehnt." in page


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
    client.post(
        "/checkout/",
        _form(
            client,
            store,
            payment_method="stripe",
            payment_method_id="pm_card_authenticationRequired",
        ),
    )
    order = Order.objects.get()
    client.force_login(factories.UserFactory())
    assert client.get(f"/payments/pay/{order.public_id}/").status_code == 404


def test_the_payment_form_offers_the_chosen_stores_methods(
    client, fake_stripe, shopper, store, ready_cart
):
    """The Payment Element offers what the pickup store accepts online, and the page knows each
    listed store's methods to switch them when the shopper picks another store."""
    import html
    import json
    import re

    from payments.models import StorePaymentOptions

    StorePaymentOptions.objects.create(store=store, methods=["card"])
    client.force_login(shopper)

    def element(page):
        body = page.content.decode()
        methods = re.search(r'data-methods="([^"]*)"', body).group(1)
        by_store = re.search(r'data-methods-by-store="([^"]*)"', body).group(1)
        return methods, json.loads(html.unescape(by_store))

    _methods, by_store = element(client.get("/checkout/"))
    assert by_store == {str(store.pk): ["card"]}
    data = _form(client, store, payment_method="stripe")  # no payment details: a form error
    methods, _by_store = element(client.post("/checkout/", data))
    assert methods == "card"
