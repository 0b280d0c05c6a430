from decimal import Decimal

import pytest

from loyalty.credit import store_credit_add
from loyalty.services import loyalty_account_open, store_purchase_record
from tests import factories
from tests.loyalty.conftest import tiers  # noqa: F401  (the seeded tiers, re-created if flushed)

NAME = ("Zyxwella", "Quorbattin")
EMAIL = "zyx.quorbattin@example.org"
PHONE = "+49 171 9988776"


@pytest.fixture
def person(tiers):  # noqa: F811
    """A shopper with a distinctive name, e-mail and phone, and a loyalty card."""
    user = factories.UserFactory(
        first_name=NAME[0], last_name=NAME[1], email=EMAIL, phone=PHONE, language="de"
    )
    loyalty_account_open(user=user)
    return user


@pytest.fixture
def history(person, store):
    """Online orders (one collected, one open with points and credit used) and a till purchase."""
    variant = factories.stocked_variant(store, "40.00", units=20)
    collected = factories.collected_order(store, [(variant, 2)], customer=person)
    store_credit_add(user=person, amount=Decimal("10.00"), source="test:gift", note="goodwill")
    store_purchase_record(
        account=person.loyalty_account, store=store, amount="55.00", receipt_number="R-1001"
    )
    open_order = factories.pickup_order(
        store, [(variant, 3)], customer=person, points_to_redeem=50, use_store_credit=True
    )
    return {"variant": variant, "collected": collected, "open": open_order}
