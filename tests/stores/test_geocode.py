"""Honest distances: German places by name (with or without umlauts), postcodes by region,
approximate distances marked, unknown input not placed."""

import math
import re
from decimal import Decimal

import pytest

from stores.geocode import fold, locate_place
from tests.factories import StoreFactory

pytestmark = pytest.mark.django_db
FINDER = "/stores/"
API = "/api/v1/stores/"

# Real places (WGS 84) to measure the true distances against.
BONN_CENTRE = (50.7374, 7.0982)
POTSDAM_CENTRE = (52.3906, 13.0650)
KOELN = ("koeln", "50.936060", "6.951640")
BERLIN = ("berlin", "52.521918", "13.413215")


def great_circle_km(a, b) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@pytest.fixture
def chain(db):
    stores = {}
    for code, lat, lng in [
        KOELN,
        BERLIN,
        ("muenchen", "48.138850", "11.568930"),
        ("hamburg", "53.550770", "10.000650"),
    ]:
        stores[code] = StoreFactory(
            code=code, latitude=Decimal(lat), longitude=Decimal(lng), postcode="99999"
        )
    return stores


def test_folding_spells_umlauts_both_ways():
    assert fold("Köln") == ["koeln", "koln"]
    assert fold("Muenchen") == ["muenchen"]
    assert fold("  Halle (Saale) ") == ["halle saale"]


@pytest.mark.parametrize(
    ("query", "near"),
    [
        ("Köln", (50.94, 6.96)),
        ("koeln", (50.94, 6.96)),
        ("KOLN", (50.94, 6.96)),
        ("Muenchen", (48.14, 11.58)),
        ("münchen", (48.14, 11.58)),
        ("Bonn", BONN_CENTRE),
        ("Potsdam", POTSDAM_CENTRE),
        ("Freiburg im Breisgau", (47.99, 7.85)),
        ("Kiel", (54.32, 10.13)),
        ("Görlitz", (51.15, 14.99)),
    ],
)
def test_cities_and_towns_anywhere_in_germany_are_found(query, near):
    place = locate_place(query)
    assert place is not None, query
    assert great_circle_km((place.point.lat, place.point.lng), near) < 5
    assert not place.approximate


@pytest.mark.parametrize("query", ["Atlantis", "xyz", "00000", "05123", "1", "123456", "   "])
def test_what_cannot_be_placed_is_not_placed(query):
    assert locate_place(query) is None


def test_a_postcode_is_placed_at_its_region_and_marked_approximate():
    place = locate_place("53111")
    assert place.approximate and "Bonn" in place.name
    assert great_circle_km((place.point.lat, place.point.lng), BONN_CENTRE) < 5


def finder_distances(client, query) -> dict[str, str]:
    html = client.get(FINDER, {"q": query}).content.decode()
    cards = re.findall(
        r'data-store="([^"]+)".*?<span class="distance" data-testid="distance">([^<]+)</span>',
        html,
        re.S,
    )
    return dict(cards)


def km_of(text: str) -> float:
    return float(re.search(r"\d[\d,.]*", text.replace("\xa0", " "))[0].replace(",", "."))


@pytest.mark.parametrize(
    ("query", "store", "true_from", "approximate"),
    [
        ("Bonn", KOELN, BONN_CENTRE, False),
        ("53111", KOELN, BONN_CENTRE, True),
        ("Potsdam", BERLIN, POTSDAM_CENTRE, False),
        ("14467", BERLIN, POTSDAM_CENTRE, True),
    ],
)
def test_finder_and_api_measure_true_distances(client, chain, query, store, true_from, approximate):
    code = store[0]
    true_km = great_circle_km(true_from, (float(store[1]), float(store[2])))

    distances = finder_distances(client, query)
    assert next(iter(distances)) == code  # nearest first
    assert km_of(distances[code]) == pytest.approx(true_km, rel=0.2)
    assert distances[code].startswith("approx.") == approximate

    response = client.get(API, {"q": query})
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["code"] == code
    assert first["distance_km"] == pytest.approx(true_km, rel=0.2)
    assert first["distance_approximate"] is approximate


def test_german_pages_say_ca_for_approximate_distances(client, chain):
    html = client.get(FINDER, {"q": "14467"}, headers={"accept-language": "de"}).content.decode()
    assert re.search(r'data-testid="distance">ca\. \d+', html)


def test_koeln_and_muenchen_are_found_by_page_and_api(client, chain):
    assert next(iter(finder_distances(client, "koeln"))) == "koeln"
    assert next(iter(finder_distances(client, "Muenchen"))) == "muenchen"
    assert client.get(API, {"q": "koeln"}).json()["results"][0]["code"] == "koeln"
    assert client.get(API, {"q": "Muenchen"}).json()["results"][0]["code"] == "muenchen"


def test_an_unknown_place_gets_no_distance(client, chain):
    response = client.get(FINDER, {"q": "Atlantis"}, headers={"accept-language": "de"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Wir konnten „Atlantis“ nicht finden" in html
    assert 'data-testid="distance"' not in html
    api = client.get(API, {"q": "Atlantis"})
    assert api.status_code == 400
    assert "could not place" in api.json()["q"][0]


def test_a_postcode_is_never_placed_at_a_store_of_ours(client, db):
    # The only store in region 14 is in Potsdam; a postcode there still gets the region's place,
    # not the store's, so the distance is what it is, not 0 km.
    StoreFactory(
        code="werder", postcode="14542", latitude=Decimal("52.3789"), longitude=Decimal("12.9340")
    )
    first = client.get(API, {"q": "14542"}).json()["results"][0]
    assert first["distance_km"] > 5 and first["distance_approximate"] is True
