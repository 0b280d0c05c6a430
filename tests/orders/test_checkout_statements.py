"""What `POST /api/v1/orders/` costs the database (issue 20): at most ten statements for a
two-line order paid at the counter by a shopper with a token and a loyalty card, at a store with
staff (whose new-order message is written in the same INSERT as the shopper's confirmation)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inventory.models import Reservation, StockMovement
from notifications.models import Notification
from shop.orders.models import Order
from tests import factories
from tests.components import require_postgres

pytestmark = pytest.mark.django_db

# token and user, store with its queue, variants, the loyalty account (locked, for the offers),
# the stock (one statement: reservation and ledger), order, lines, event, the store's staff,
# the notifications
CHECKOUT_STATEMENTS = 10


def _client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _body(store, *lines):
    return {
        "store": store.code,
        "lines": [{"sku": v.sku, "quantity": q} for v, q in lines],
        "phone": "+49 30 1234567",
    }


def test_api_checkout_in_ten_statements(store, jacket, socks, associate):
    require_postgres()
    shopper = factories.loyalty_account().user
    client = _client(shopper)
    # The first order of a process fills the caches of what rarely changes (the store's
    # calendar, the legal texts, the webhook subscriptions, content types).
    assert (
        client.post("/api/v1/orders/", _body(store, (jacket, 1)), format="json").status_code == 201
    )

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/orders/", _body(store, (jacket, 2), (socks, 1)), format="json"
        )
    assert response.status_code == 201, response.json()
    statements = [q["sql"] for q in queries.captured_queries]
    # The view's own transaction is a savepoint inside the test's; in production it is the
    # transaction itself (BEGIN and COMMIT, which are not captured). No other savepoint.
    savepoints = [s for s in statements if s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(savepoints) == 2, statements
    assert len(statements) - len(savepoints) <= CHECKOUT_STATEMENTS, "\n".join(statements)

    order = Order.objects.get(number=response.json()["number"])
    assert [(ln["sku"], ln["quantity"]) for ln in response.json()["lines"]] == [
        (jacket.sku, 2),
        (socks.sku, 1),
    ]
    assert Reservation.objects.filter(reference=order.number).count() == 2
    assert StockMovement.objects.filter(reference=order.number).count() == 2
    kinds = Notification.objects.filter(subject_id=str(order.pk)).values_list("kind", flat=True)
    assert {"order_placed", "order_received"} <= set(kinds)
