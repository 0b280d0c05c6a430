import pytest

from tests import factories


@pytest.fixture
def associate(store):
    return factories.staff(store)


@pytest.fixture
def jacket(store):
    return factories.stocked_variant(store, "49.90")


@pytest.fixture
def socks(store):
    return factories.stocked_variant(store, "5.00")
