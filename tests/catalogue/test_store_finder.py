import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from stores.selectors import SESSION_KEY
from tests.catalogue.conftest import choose_store
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
FINDER = reverse("stores:finder")
CHOOSE = reverse("stores:choose")


def order(response) -> list[str]:
    return re.findall(
        r'<li class="store-card[^"]*" data-store="([^"]+)"', response.content.decode()
    )


@pytest.fixture
def chain(berlin, potsdam, hamburg, munich):
    return {"ber": berlin, "pdm": potsdam, "ham": hamburg, "muc": munich}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("20095", ["ham", "pdm", "ber", "muc"]),
        ("20", ["ham", "pdm", "ber", "muc"]),  # a postcode prefix
        ("80333", ["muc", "pdm", "ber", "ham"]),  # nearest known postcode area
        ("München", ["muc", "pdm", "ber", "ham"]),
        ("hamburg", ["ham", "pdm", "ber", "muc"]),
        ("Berl", ["ber", "pdm", "ham", "muc"]),
    ],
)
def test_finder_sorts_by_distance_from_a_postcode_or_city(client, chain, query, expected):
    response = client.get(FINDER, {"q": query})
    assert response.status_code == 200
    assert order(response) == expected


def test_finder_sorts_by_distance_from_the_browsers_location(client, chain):
    assert order(client.get(FINDER, {"near": "48.2,11.6"})) == ["muc", "pdm", "ber", "ham"]
    assert order(client.get(FINDER, {"near": "53.6,10.0"}))[0] == "ham"


def test_an_unknown_place_or_bad_location_lists_every_store_without_error(client, chain):
    unknown = client.get(FINDER, {"q": "Atlantis"})
    assert unknown.status_code == 200
    assert sorted(order(unknown)) == ["ber", "ham", "muc", "pdm"]
    assert "Atlantis" in unknown.content.decode()
    bad = client.get(FINDER, {"near": "999,abc"})
    assert bad.status_code == 200
    assert len(order(bad)) == 4


def test_finder_shows_distance_todays_hours_and_open_now(client, chain, monkeypatch):
    from django.utils import timezone

    wednesday_noon = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    monkeypatch.setattr(timezone, "now", lambda: wednesday_noon)
    html = client.get(FINDER, {"q": "10178"}).content.decode()
    berlin_card = html.split('data-store="ber"')[1].split("</li>")[0]
    assert "9:00 am–8:00 pm" in berlin_card
    assert 'class="pill open"' in berlin_card
    assert "km" in berlin_card

    sunday = datetime(2026, 11, 29, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    monkeypatch.setattr(timezone, "now", lambda: sunday)
    html = client.get(FINDER, {"q": "10178"}).content.decode()
    assert 'class="pill open"' not in html  # the factory's stores close on Sundays


def test_choosing_a_store_is_remembered_in_the_session(client, chain):
    response = client.post(CHOOSE, {"store": "ham", "next": "/products/?q=jacke"})
    assert response.status_code == 302
    assert response["Location"] == "/products/?q=jacke"
    assert client.session[SESSION_KEY] == chain["ham"].pk
    assert (
        'data-testid="is-my-store"'
        in client.get(FINDER).content.decode().split('data-store="ham"')[1].split("</li>")[0]
    )


def test_choosing_a_store_is_saved_on_the_account(client, chain, shopper):
    client.login(email=shopper.email, password=PASSWORD)
    choose_store(client, chain["muc"])
    shopper.refresh_from_db()
    assert shopper.preferred_store == chain["muc"]
    # a fresh session on another device finds it through the account
    other_device = type(client)()
    other_device.login(email=shopper.email, password=PASSWORD)
    assert chain["muc"].name in other_device.get(FINDER).content.decode().split("</header>")[0]


def test_choose_by_htmx_swaps_the_header_and_announces_the_change(client, chain):
    response = client.post(CHOOSE, {"store": "ber"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "store-changed"
    html = response.content.decode()
    assert 'id="my-store"' in html and 'hx-swap-oob="true"' in html
    assert chain["ber"].name in html


def test_choose_refuses_unknown_inactive_and_get(client, chain):
    chain["pdm"].is_active = False
    chain["pdm"].save()
    assert client.post(CHOOSE, {"store": "pdm"}).status_code == 404
    assert client.post(CHOOSE, {"store": "nope"}).status_code == 404
    assert client.post(CHOOSE, {}).status_code == 400
    assert client.get(CHOOSE, {"store": "ber"}).status_code == 405
    assert SESSION_KEY not in client.session


def test_choose_never_redirects_to_another_site(client, chain):
    response = client.post(CHOOSE, {"store": "ber", "next": "https://evil.example/"})
    assert response["Location"] == FINDER


def test_choose_needs_the_csrf_token(chain):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(CHOOSE, {"store": "ber"}).status_code == 403
    assert SESSION_KEY not in strict.session
