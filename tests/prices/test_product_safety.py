"""GPSR: the manufacturer (name, postal and electronic address), the responsible person in the EU
for a manufacturer outside it, and the safety warnings, on the product page and in the API."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from shop.catalogue.models import Manufacturer
from tests import factories


@pytest.fixture
def swiss_maker(db):
    return Manufacturer.objects.create(
        name="Flammwerk AG",
        address="Bahnhofstrasse 40\n8001 Zürich\nSchweiz",
        country="CH",
        email="info@flammwerk.example",
        responsible_name="Omnishop Import GmbH",
        responsible_address="Lagerstraße 1\n10115 Berlin",
        responsible_email="produktsicherheit@omnishop.example",
    )


def test_a_manufacturer_outside_the_eu_needs_a_responsible_person(db):
    maker = Manufacturer(
        name="Far Away Ltd", address="1 Road\nShenzhen", country="cn", email="a@b.example"
    )
    with pytest.raises(ValidationError, match="responsible person in the EU"):
        maker.full_clean()
    german = Manufacturer(
        name="Bergwerk GmbH", address="Talweg 1\n79098 Freiburg", country="de", email="a@b.example"
    )
    german.full_clean()
    assert german.country == "DE" and german.in_eu
    with pytest.raises(IntegrityError), transaction.atomic():
        Manufacturer.objects.create(name="No contact", address="x", country="DE")


def test_product_page_and_api_show_manufacturer_responsible_person_and_warnings(swiss_maker):
    variant = factories.VariantFactory(
        product__manufacturer=swiss_maker,
        product__safety_information="Extrem entzündbares Gas.\nDarf nicht in die Hände von Kindern gelangen.",
    )
    product = variant.product
    html = (
        Client(headers={"accept-language": "de"}).get(product.get_absolute_url()).content.decode()
    )
    assert "Produktsicherheit" in html
    assert "Flammwerk AG" in html and "8001 Zürich" in html and "info@flammwerk.example" in html
    assert "Verantwortliche Person in der EU" in html and "Omnishop Import GmbH" in html
    assert "<li>Extrem entzündbares Gas.</li>" in html

    data = Client().get(reverse("api-product-detail", args=[product.slug])).json()
    assert data["manufacturer"] == {
        "name": "Flammwerk AG",
        "address": "Bahnhofstrasse 40\n8001 Zürich\nSchweiz",
        "country": "CH",
        "email": "info@flammwerk.example",
        "website": "",
        "responsible_person": {
            "name": "Omnishop Import GmbH",
            "address": "Lagerstraße 1\n10115 Berlin",
            "email": "produktsicherheit@omnishop.example",
        },
    }
    assert data["safety_warnings"] == [
        "Extrem entzündbares Gas.",
        "Darf nicht in die Hände von Kindern gelangen.",
    ]


def test_a_product_without_them_shows_no_empty_section(db):
    variant = factories.VariantFactory()
    html = Client().get(variant.product.get_absolute_url()).content.decode()
    assert 'data-testid="product-safety"' not in html
    data = Client().get(reverse("api-product-detail", args=[variant.product.slug])).json()
    assert data["manufacturer"] is None and data["safety_warnings"] == []
