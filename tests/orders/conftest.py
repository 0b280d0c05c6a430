import pytest

from tests import factories


@pytest.fixture
def associate(store):
    return factories.staff(store)


@pytest.fixture
def jacket(store):
    variant = factories.VariantFactory(price="49.90")
    factories.stock(store, variant, 10)
    return variant


@pytest.fixture
def socks(store):
    variant = factories.VariantFactory(price="5.00")
    factories.stock(store, variant, 10)
    return variant
