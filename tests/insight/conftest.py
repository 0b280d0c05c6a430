import importlib

import pytest

from tests import factories

SEED = importlib.import_module("loyalty.migrations.0002_seed_tiers").TIERS


@pytest.fixture
def tiers(db):
    """Basic 0 € ×1, Silver 500 € ×1.25, Gold 1500 € ×1.5, as the data migration seeds them.

    Re-created when missing: a transactional test elsewhere may have flushed the seed.
    """
    from loyalty.models import Tier

    for name, min_spend, multiplier in SEED:
        Tier.objects.get_or_create(
            min_spend_12m=min_spend, defaults={"name": name, "multiplier": multiplier}
        )
    return {t.name: t for t in Tier.objects.all()}


@pytest.fixture
def account(tiers):
    return factories.loyalty_account()
