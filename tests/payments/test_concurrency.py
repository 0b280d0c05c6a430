"""Races of the online checkout on PostgreSQL: a double submit, and the last units."""

import pytest

from payments.models import Payment
from shop.orders.errors import OrderShortage
from shop.orders.models import Cart, CartLine, Order, OrderStatus
from shop.orders.services.checkout import checkout_place
from tests import factories
from tests.components import require_postgres, run_concurrently
from tests.orders.helpers import level

from .helpers import CARD_OK


def _checkout(shopper, store, token):
    return lambda: checkout_place(
        cart=Cart.objects.get(user=shopper),
        customer=shopper,
        store=store,
        phone="+49 30 1234567",
        token=token,
        payment_method="stripe",
        payment_details={"payment_method_id": CARD_OK},
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_makes_one_order_and_one_payment_intent(fake_stripe):
    require_postgres()
    store = factories.StoreFactory()
    variant = factories.stocked_variant(store, "49.90", units=5)
    shopper = factories.UserFactory()
    cart = Cart.objects.create(user=shopper)
    CartLine.objects.create(cart=cart, variant=variant, quantity=1)
    results = run_concurrently([_checkout(shopper, store, "same-token")] * 4)
    assert all(isinstance(r, Order) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Order.objects.get().status == OrderStatus.PLACED
    assert Payment.objects.count() == 1
    creates = [r for r in fake_stripe.requests if r[1] == "/v1/payment_intents"]
    assert len(creates) == 1
    assert level(store, variant) == (5, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_last_unit_goes_to_one_shopper_and_the_other_card_is_never_asked(fake_stripe):
    require_postgres()
    store = factories.StoreFactory()
    variant = factories.stocked_variant(store, "49.90", units=1)
    shoppers = [factories.UserFactory(), factories.UserFactory()]
    for shopper in shoppers:
        CartLine.objects.create(cart=Cart.objects.create(user=shopper), variant=variant, quantity=1)
    results = run_concurrently([_checkout(s, store, f"t-{s.pk}") for s in shoppers])
    assert sorted(type(r).__name__ for r in results) == ["Order", "OrderShortage"], results
    assert any(isinstance(r, OrderShortage) for r in results)
    assert Order.objects.count() == Payment.objects.count() == 1
    creates = [r for r in fake_stripe.requests if r[1] == "/v1/payment_intents"]
    assert len(creates) == 1  # the shopper who got nothing was never authorised
    assert level(store, variant) == (1, 1)
