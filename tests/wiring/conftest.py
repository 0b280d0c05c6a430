from decimal import Decimal

import pytest

from loyalty.credit import store_credit_balance
from loyalty.models import Channel, StoreCreditEntry
from loyalty.selectors import account_balance
from loyalty.services import loyalty_account_open, points_earn
from tests import factories


@pytest.fixture
def associate(store):
    return factories.staff(store)


@pytest.fixture
def jacket(store):
    return factories.stocked_variant(store, "40.00")


@pytest.fixture
def socks(store):
    return factories.stocked_variant(store, "10.00")


def give_points(user, euros: str) -> int:
    """Points from an in-store purchase of `euros`; returns the new balance."""
    points_earn(
        user=user, amount=Decimal(euros), source=f"receipt:test:{euros}", channel=Channel.STORE
    )
    return points(user)


def points(user) -> int:
    return account_balance(loyalty_account_open(user=user))


def give_credit(user, euros: str) -> Decimal:
    """Store credit as a refund to store credit books it (the ledger entry)."""
    StoreCreditEntry.objects.create(user=user, amount=Decimal(euros), source=f"refund:T{euros}")
    return store_credit_balance(user=user)
