"""POST /api/v1/orders/ paying online: the same service as the web checkout (deferred intent)."""

import pytest
from rest_framework.test import APIClient

from payments.models import Payment
from shop.orders.models import Order, OrderStatus
from tests.orders.helpers import level

from .helpers import CARD_3DS, CARD_DECLINED, CARD_OK, pay

pytestmark = pytest.mark.django_db
ORDERS = "/api/v1/orders/"


@pytest.fixture
def api(shopper):
    client = APIClient()
    client.force_authenticate(shopper)
    return client


def _body(store, variant, **extra):
    return {
        "store": store.code,
        "lines": [{"sku": variant.sku, "quantity": 1}],
        "phone": "+49 30 1234567",
        **extra,
    }


def test_default_stays_at_the_counter(api, fake_stripe, store, jacket):
    response = api.post(ORDERS, _body(store, jacket), format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["status"], data["payment_method"], data["payment"]) == (
        "placed",
        "counter",
        None,
    )
    assert data["amount_due"] == "49.90"
    assert not fake_stripe.intents


def test_authorised_at_once(api, fake_stripe, store, jacket):
    body = _body(store, jacket, payment_method="stripe", payment_method_id=CARD_OK)
    response = api.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="app-1")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "placed"
    assert data["amount_due"] == "0.00"
    assert data["payment"]["status"] == "authorised"
    assert data["payment"]["requires_action"] is False
    assert data["payment"]["client_secret"] is None
    assert data["payment"]["amount_cents"] == 4990
    # A retry with the same key: the same order, no second PaymentIntent.
    again = api.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="app-1")
    assert again.status_code == 200
    assert again.json()["number"] == data["number"]
    assert len(fake_stripe.intents) == 1


def test_3d_secure_returns_what_the_app_needs(api, fake_stripe, store, jacket):
    body = _body(store, jacket, payment_method="stripe", payment_method_id=CARD_3DS)
    response = api.post(ORDERS, body, format="json")
    assert response.status_code == 201
    data = response.json()
    order = Order.objects.get(number=data["number"])
    assert data["status"] == "payment_pending"
    payment = data["payment"]
    assert payment["requires_action"] is True
    assert payment["client_secret"] == fake_stripe.intents[order.payment.intent_id]["client_secret"]
    assert payment["publishable_key"] == "pk_test_omnishop"
    assert level(store, jacket) == (10, 1)
    # The app finishes 3-D Secure; the webhook (or the app's next read) places the order.
    pay(fake_stripe, order)
    from payments.services import payment_refresh

    payment_refresh(payment=order.payment, source="test")
    detail = api.get(f"{ORDERS}{order.number}/").json()
    assert detail["status"] == "placed"
    assert "client_secret" not in str(detail)  # only the answer to placing carries it


def test_declined_is_402_and_reserves_nothing(api, fake_stripe, store, jacket):
    body = _body(store, jacket, payment_method="stripe", payment_method_id=CARD_DECLINED)
    response = api.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="app-2")
    assert response.status_code == 402
    assert response.json()["code"] == "card_declined"
    assert not Order.objects.exists() and not Payment.objects.exists()
    assert level(store, jacket) == (10, 0)
    # The same key with another card: placed now.
    body["payment_method_id"] = CARD_OK
    retried = api.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="app-2")
    assert retried.status_code == 201
    assert retried.json()["status"] == OrderStatus.PLACED


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"payment_method": "stripe"}, "payment_details_missing"),
        ({"payment_method": "bitcoin"}, None),
        ({"payment_method": "stripe", "payment_method_id": "pm_unknown"}, "payment_failed"),
    ],
)
def test_bad_payment_input_places_nothing(api, fake_stripe, store, jacket, extra, code):
    response = api.post(ORDERS, _body(store, jacket, **extra), format="json")
    assert 400 <= response.status_code < 500
    if code:
        assert response.json()["code"] == code
    else:
        assert "payment_method" in response.json()
    assert not Order.objects.exists()
    assert level(store, jacket) == (10, 0)


def test_declines_are_rate_limited(api, fake_stripe, store, jacket):
    from payments.services import DECLINES_PER_CUSTOMER

    body = _body(store, jacket, payment_method="stripe", payment_method_id=CARD_DECLINED)
    for _ in range(DECLINES_PER_CUSTOMER):
        assert api.post(ORDERS, body, format="json").status_code == 402
    limited = api.post(ORDERS, body, format="json")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0


def test_schema_documents_the_payment(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "payment_method_id" in text
    assert "PaymentClient" in text
    assert "card_declined" in text
