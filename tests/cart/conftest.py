from decimal import Decimal

import pytest
from django.test import Client

from stores.selectors import SESSION_KEY as MY_STORE_KEY
from tests import factories


def choose_store(client, store) -> None:
    """Make `store` the shopper's store in this client's session, as the store finder does."""
    session = client.session
    session[MY_STORE_KEY] = store.pk
    session.save()


def htmx(**extra):
    return {"HTTP_HX_REQUEST": "true", **extra}


@pytest.fixture
def berlin(db):
    return factories.StoreFactory(
        name="Berlin Mitte", latitude=Decimal("52.520008"), longitude=Decimal("13.404954")
    )


@pytest.fixture
def potsdam(db):
    return factories.StoreFactory(
        name="Potsdam",
        city="Potsdam",
        postcode="14467",
        latitude=Decimal("52.390569"),
        longitude=Decimal("13.064473"),
    )


@pytest.fixture
def hamburg(db):
    return factories.StoreFactory(
        name="Hamburg",
        city="Hamburg",
        postcode="20095",
        latitude=Decimal("53.551086"),
        longitude=Decimal("9.993682"),
    )


@pytest.fixture
def jacket(db):
    return factories.VariantFactory(
        product__name="Regenjacke", price=Decimal("89.90"), size="L", colour="Rot"
    )


@pytest.fixture
def boots(db):
    return factories.VariantFactory(
        product__name="Wanderschuh", price=Decimal("120.00"), size="42", colour=""
    )


def english_client() -> Client:
    """A browser that asks for English, so the assertions hold once German translations exist."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def client():
    return english_client()
