"""The price facet's ranges are written as each language writes amounts."""

from django.utils import translation

from shop.storefront.forms import price_labels


def test_price_ranges_in_german_and_english():
    with translation.override("de"):
        german = price_labels()
    with translation.override("en"):
        english = price_labels()
    assert german["0-50"] == "unter 50 €" and german["200-"] == "ab 200 €"
    assert english["0-50"] == "under €50" and english["200-"] == "€200 and more"
    assert english["50-100"] == "€50–100"
