"""The same single-use coupon used online and at a till at the same moment is honoured once
(PostgreSQL: `offer_redeem` locks the promotion row; the second path waits, counts, refuses)."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from loyalty.errors import CouponUsedUp
from loyalty.models import PromotionRedemption, TillReceipt
from shop.orders.models import Order
from shop.orders.services.orders import order_place
from stores.tokens import store_token_create
from tests import factories
from tests.components import require_postgres, run_concurrently

from .conftest import PHONE, promotion

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("limit", ["total", "per_customer"])
def test_single_use_coupon_online_and_at_the_till_at_once(limit):
    require_postgres()
    store = factories.StoreFactory()
    jacket = factories.VariantFactory(price=Decimal("100.00"))
    factories.stock(store, jacket, 20)
    online = factories.loyalty_account()
    # total: two customers race for the last use; per customer: one customer on both channels.
    at_till = factories.loyalty_account() if limit == "total" else online
    promotion("EINMAL", total_limit=1 if limit == "total" else None, per_customer_limit=1)
    _token, key = store_token_create(store=store, name="Kasse 1")

    def checkout():
        return order_place(
            customer=online.user,
            store=store,
            lines=[(jacket, 1)],
            phone=PHONE,
            coupon_code="EINMAL",
        )

    number = iter(range(100))

    def till():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"StoreToken {key}")
        body = {
            "receipt_number": f"R-{next(number)}",
            "total": "90.00",
            "card_number": at_till.card_number,
            "coupon": "EINMAL",
            "lines": [{"sku": jacket.sku, "quantity": 1, "unit_price": "100.00"}],
        }
        return client.post("/api/v1/loyalty/receipts/", body, format="json")

    for _round in range(3):
        PromotionRedemption.objects.all().delete()
        TillReceipt.objects.all().delete()
        Order.objects.all().delete()
        order, response = run_concurrently([checkout, till])
        assert PromotionRedemption.objects.count() == 1
        if isinstance(order, Order):
            assert order.offer_discount == Decimal("10.00")
            assert response.status_code == 409, response.content
            assert response.json()["code"] == "coupon_used_up"
            assert not TillReceipt.objects.exists()
        else:
            assert isinstance(order, CouponUsedUp), order
            assert response.status_code == 201, response.content
            assert not Order.objects.exists()
