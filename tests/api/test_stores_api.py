import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import StoreFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/stores/"


@pytest.fixture
def stores(db):
    return [
        StoreFactory(
            code="berlin",
            city="Berlin",
            postcode="10178",
            latitude=Decimal("52.521918"),
            longitude=Decimal("13.413215"),
        ),
        StoreFactory(
            code="leipzig",
            city="Leipzig",
            postcode="04109",
            latitude=Decimal("51.337780"),
            longitude=Decimal("12.374060"),
            hours=[(0, "10:00", "19:00"), (5, "10:00", "18:00")],
        ),
        StoreFactory(
            code="muenchen",
            city="München",
            postcode="80331",
            latitude=Decimal("48.138850"),
            longitude=Decimal("11.568930"),
        ),
    ]


def codes(response) -> list[str]:
    return [s["code"] for s in response.json()["results"]]


def test_near_orders_by_distance(client, stores):
    response = client.get(LIST, {"near": "48.14,11.58"})  # Munich
    assert response.status_code == 200
    assert codes(response) == ["muenchen", "leipzig", "berlin"]
    first = response.json()["results"][0]
    assert first["distance_km"] < 2
    assert first["latitude"] == pytest.approx(48.13885)


def test_stores_come_with_opening_hours(client, stores):
    response = client.get(LIST, headers={"accept-language": "de"})
    leipzig = next(s for s in response.json()["results"] if s["code"] == "leipzig")
    assert leipzig["opening_hours"] == [
        {"weekday": 0, "day": "Montag", "opens": "10:00", "closes": "19:00"},
        {"weekday": 5, "day": "Samstag", "opens": "10:00", "closes": "18:00"},
    ]
    assert leipzig["distance_km"] is None
    assert isinstance(leipzig["open_now"], bool)


def test_open_now_follows_todays_hours(client, db):
    now = timezone.localtime()
    today = now.weekday()
    StoreFactory(code="open", hours=[(today, "00:00", "23:59:59")])
    StoreFactory(code="shut", hours=[((today + 1) % 7, "09:00", "18:00")])
    result = {s["code"]: s["open_now"] for s in client.get(LIST).json()["results"]}
    assert result == {"open": now.time() < dt.time(23, 59, 59), "shut": False}


def test_postcode_or_city_instead_of_near(client, stores):
    assert codes(client.get(LIST, {"q": "04109"}))[0] == "leipzig"
    assert codes(client.get(LIST, {"q": "münchen"}))[0] == "muenchen"
    response = client.get(LIST, {"q": "Atlantis"})
    assert response.status_code == 400
    assert response.json()["q"]


@pytest.mark.parametrize("near", ["", "52.5,13.4"])
def test_queries_are_constant(client, stores, django_assert_num_queries, near):
    with django_assert_num_queries(4):  # count, stores, opening hours, special days ahead
        client.get(LIST, {"near": near} if near else {})


@pytest.mark.parametrize("params", [{"near": "here"}, {"near": "100,0"}, {"page": "9"}])
def test_bad_input_is_400(client, stores, params):
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert response.json()[next(iter(params))]
