import datetime as dt

import pytest
from django.utils import timezone

from legal.models import LegalText
from legal.services import contract_model_set


def legal_text(page: str, valid_from: dt.datetime, marker: str = "") -> LegalText:
    return LegalText.objects.create(
        page=page,
        valid_from=valid_from,
        title_de=f"{page} DE {marker}".strip(),
        title_en=f"{page} EN {marker}".strip(),
        body_de=f"## Abschnitt\nDeutscher Text {marker}",
        body_en=f"## Section\nEnglish text {marker}",
    )


@pytest.fixture
def legal_texts(db):
    """A first version of every page, in force since last year."""
    since = timezone.now() - dt.timedelta(days=365)
    return {
        page: legal_text(page, since, "v1")
        for page in ("imprint", "terms", "privacy", "withdrawal", "payment-pickup", "accessibility")
    }


@pytest.fixture
def purchase(db):
    contract_model_set(model="purchase")


@pytest.fixture(autouse=True)
def no_withdrawal_failures():
    """Step 1 counts wrong attempts per client in the cache (shared across tests, and on Redis
    across runs): every test starts with none for the test client's address."""
    from django.core.cache import cache

    from shop.orders.services.withdrawal import _failures_key

    cache.delete(_failures_key("127.0.0.1"))
    yield
    cache.delete(_failures_key("127.0.0.1"))
