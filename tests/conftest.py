import pytest

from tests import factories


@pytest.fixture
def store(db):
    return factories.StoreFactory()


@pytest.fixture
def shopper(db):
    return factories.UserFactory()


@pytest.fixture
def variant(db):
    return factories.VariantFactory()
