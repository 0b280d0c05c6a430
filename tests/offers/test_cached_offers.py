"""The automatic offers come from the cache at checkout; every change head office makes is
seen by the next order."""

from decimal import Decimal

import pytest

from shop.orders.services.orders import order_place
from tests import factories
from tests.offers.conftest import PHONE, promotion

pytestmark = pytest.mark.django_db


def discount(store, jacket, tier):
    """The offer discount of a 100 € order by a new member of `tier` (each offer is used once
    per customer)."""
    account = factories.loyalty_account()
    account.tier = tier
    account.save(update_fields=["tier"])
    order = order_place(customer=account.user, store=store, lines=[(jacket, 1)], phone=PHONE)
    return order.offer_discount


def test_a_new_changed_or_ended_automatic_offer_is_seen_by_the_next_order(store, jacket, tiers):
    gold = tiers["Gold"]
    assert discount(store, jacket, gold) == 0  # cached: no offers

    offer = promotion("", name="Gold 5 %", percent=5, tiers=[gold])
    assert discount(store, jacket, gold) == Decimal("5.00")

    offer.percent = 10
    offer.save()
    assert discount(store, jacket, gold) == Decimal("10.00")

    offer.tiers.set([tiers["Silver"]])
    assert discount(store, jacket, gold) == 0

    offer.tiers.set([gold])
    assert discount(store, jacket, gold) == Decimal("10.00")
    offer.active = False
    offer.save()
    assert discount(store, jacket, gold) == 0
