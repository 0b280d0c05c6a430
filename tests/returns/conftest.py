import pytest

from tests import factories


@pytest.fixture
def other_store(db):
    """A second store of the chain, 20 km away: returns may be brought here too."""
    return factories.StoreFactory(
        city="Potsdam", postcode="14467", latitude="52.390569", longitude="13.064473"
    )


@pytest.fixture
def associate(other_store):
    return factories.staff(other_store)


@pytest.fixture
def manager(other_store):
    return factories.staff(other_store, role="manager")


@pytest.fixture
def jacket(store):
    return factories.stocked_variant(store, "49.90")


@pytest.fixture
def socks(store):
    return factories.stocked_variant(store, "5.00")


@pytest.fixture
def order(store, shopper, jacket, socks):
    """Collected: 1 jacket (49.90) and 3 pairs of socks (5.00); 64 points earned."""
    return factories.collected_order(store, [(jacket, 1), (socks, 3)], customer=shopper)
