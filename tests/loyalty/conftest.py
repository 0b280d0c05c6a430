import pytest

from tests import factories


@pytest.fixture
def account(db):
    return factories.loyalty_account()


@pytest.fixture
def tiers(db):
    """The seeded tiers: Basic 0 € ×1, Silver 500 € ×1.25, Gold 1500 € ×1.5."""
    from loyalty.models import Tier

    return {t.name: t for t in Tier.objects.all()}
