import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from loyalty.models import OfferKind, Promotion
from stores.tokens import store_token_create
from tests import factories
from tests.loyalty.conftest import account, tiers  # noqa: F401  (fixtures)

PHONE = "+49 30 1234567"


def promotion(code: str = "SOMMER10", *, tiers=(), stores=(), **fields) -> Promotion:  # noqa: F811
    """A promotion as head office sets it up: 10 % off, online and at the till, open-ended."""
    values = {
        "name": "Sommer 10 %",
        "kind": OfferKind.PERCENT,
        "percent": 10,
        "valid_from": timezone.now() - dt.timedelta(days=1),
    }
    values.update(fields)
    if values["kind"] == OfferKind.AMOUNT:
        values.pop("percent", None)
    promo = Promotion.objects.create(code=code, **values)
    promo.tiers.set(tiers)
    promo.stores.set(stores)
    return promo


@pytest.fixture
def jacket(store):
    """A jacket at 100 € (19 %) with ten on the shelf of `store`."""
    variant = factories.VariantFactory(price=Decimal("100.00"), product__name="Regenjacke")
    factories.stock(store, variant, 10)
    return variant


@pytest.fixture
def book(store):
    """A book at 20 € (7 %) with ten on the shelf of `store`."""
    variant = factories.VariantFactory(
        price=Decimal("20.00"), product__name="Wanderkarte", product__tax_class="reduced"
    )
    factories.stock(store, variant, 10)
    return variant


@pytest.fixture
def till(store):
    _token, key = store_token_create(store=store, name="Kasse 1")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"StoreToken {key}")
    return client
