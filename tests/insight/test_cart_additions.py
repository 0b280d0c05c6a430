"""Members' cart additions, the input of cross-channel conversion: a line added while signed in
and the lines an anonymous cart brings into the account's cart at login."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from insight.models import CartAddition
from shop.orders.models import Cart, CartLine
from shop.orders.services.cart import cart_add, cart_get_or_create
from tests import factories

pytestmark = pytest.mark.django_db


def additions(user) -> list[int]:
    return sorted(CartAddition.objects.filter(user=user).values_list("variant_id", flat=True))


def test_signed_in_addition_is_recorded(store, shopper):
    variant = factories.stocked_variant(store, "20.00", units=5)
    cart_add(
        cart=cart_get_or_create(user=shopper, session=SessionStore()),
        variant_id=variant.pk,
        quantity=1,
    )
    assert additions(shopper) == [variant.pk]


def test_login_merge_records_the_lines_new_in_the_account_cart(client, store, shopper):
    jacket = factories.stocked_variant(store, "100.00", units=5)
    boots = factories.stocked_variant(store, "80.00", units=5)
    scarf = factories.stocked_variant(store, "20.00", units=5)
    account_cart = Cart.objects.create(user=shopper)
    CartLine.objects.create(cart=account_cart, variant=jacket, quantity=1)
    assert additions(shopper) == [jacket.pk]
    for variant in (jacket, boots, scarf):  # anonymous: nobody to record
        client.post(reverse("pickup:cart_add"), {"variant": variant.pk, "quantity": 1})
    assert CartAddition.objects.count() == 1

    response = client.post(
        reverse("account_login"), {"login": shopper.email, "password": factories.PASSWORD}
    )

    assert response.status_code == 302
    # boots and scarf are new in the member's cart; the jacket was carted before (quantity grew)
    assert additions(shopper) == sorted([jacket.pk, boots.pk, scarf.pk])
    assert dict(
        CartLine.objects.filter(cart=account_cart).values_list("variant_id", "quantity")
    ) == {
        jacket.pk: 2,
        boots.pk: 1,
        scarf.pk: 1,
    }
