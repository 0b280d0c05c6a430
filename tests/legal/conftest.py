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
