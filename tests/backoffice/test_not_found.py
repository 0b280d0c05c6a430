"""Another store's order, return or count by URL: a plain 404 in the staff look, not the debug page."""

import pytest
from django.test import override_settings
from django.urls import reverse

from inventory.counts import stock_count_take
from tests import factories

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_another_stores_pages_are_a_plain_staff_404(client, store):
    client.force_login(factories.staff(store))
    other = factories.StoreFactory(name="Filiale B")
    variant = factories.stocked_variant(other, "10.00", units=20)
    order = factories.pickup_order(other, [(variant, 1)], status="picking")
    count = stock_count_take(store=other, user=factories.staff(other), counted={variant.pk: 20})
    import uuid

    urls = [
        reverse("pickup:desk_order", args=[order.public_id]),
        reverse("pickup:desk_slip", args=[order.public_id]),
        reverse("stock:count_detail", args=[count.public_id]),
        reverse("returns:desk_return", args=[uuid.uuid4()]),
    ]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
        html = response.content.decode()
        assert response.status_code == 404, url
        assert 'data-testid="staff-bar"' in html and 'data-testid="not-found"' in html, url
        assert "Nicht gefunden" in html and "Traceback" not in html, url
        assert order.number not in html and "Filiale B" not in html


@override_settings(DEBUG=False)
def test_shop_404_keeps_the_shop_look(client):
    response = client.get("/nichts-hier/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-page"' in html and 'data-testid="staff-bar"' not in html
