"""The card's history shows what was bought online too (insight fills loyalty's hook)."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_card_page_shows_the_lines_of_a_collected_order(client, store, shopper, tiers):
    variant = factories.stocked_variant(store, "30.00", units=5)
    order = factories.collected_order(store, [(variant, 2)], customer=shopper)
    client.force_login(shopper)
    html = client.get("/loyalty/card/").content.decode()
    line = order.lines.get()
    assert 'data-testid="receipt-lines"' in html
    assert line.product_name in html and "60,00" in html.replace("60.00", "60,00")
