from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import StoreFactory


def make_store(code, city, postcode, lat, lng, **kwargs):
    return StoreFactory(
        code=code,
        name=kwargs.pop("name", f"{city} {code}"),
        city=city,
        postcode=postcode,
        latitude=Decimal(str(lat)),
        longitude=Decimal(str(lng)),
        **kwargs,
    )


@pytest.fixture
def berlin(db):
    return make_store("ber", "Berlin", "10178", 52.5219, 13.4132, name="Berlin Alexanderplatz")


@pytest.fixture
def potsdam(db):
    return make_store(
        "pdm", "Potsdam", "14467", 52.3989, 13.0657, name="Potsdam Brandenburger Str."
    )


@pytest.fixture
def hamburg(db):
    return make_store("ham", "Hamburg", "20095", 53.5502, 9.9984, name="Hamburg Mönckebergstraße")


@pytest.fixture
def munich(db):
    return make_store("muc", "München", "80331", 48.1373, 11.5722, name="München Kaufingerstraße")


def choose_store(client, store):
    response = client.post(reverse("stores:choose"), {"store": store.code, "next": "/"})
    assert response.status_code == 302
