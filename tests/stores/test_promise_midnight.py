"""The top bar and the home page promise "heute" only when a store of the shopper can still make
it today — also just after midnight (the new day's opening counts) and just before (the next
opening is tomorrow), in winter and in summer time, for the chosen store or any store."""

import datetime as dt

import pytest
from django.urls import reverse

from stores.models import SpecialDay
from stores.selectors import SESSION_KEY
from tests import factories
from tests.clock import berlin, freeze

pytestmark = pytest.mark.django_db

CITY_CENTRE = [(day, "10:00", "20:00") for day in range(6)]  # Monday to Saturday
TODAY = "Online reservieren – heute noch kostenlos in Ihrer Filiale"


@pytest.fixture
def koeln(db):
    return factories.StoreFactory(code="koeln", name="Omnishop Köln", state="NW", hours=CITY_CENTRE)


def _texts(client):
    de = {"accept-language": "de"}
    top = client.get(reverse("stores:promise"), headers=de).content.decode()
    home = client.get(reverse("stores:promise"), {"long": "1"}, headers=de).content.decode()
    return top, home


@pytest.mark.parametrize(
    ("moment", "top", "home"),
    [
        # Monday 00:30: the store opens at 10:00 today, two hours to prepare.
        (berlin(2026, 12, 7, 0, 30), TODAY, "Abholbereit heute ab 12:00 Uhr"),
        # Sunday 00:30: closed all day, so not "heute".
        (berlin(2026, 12, 6, 0, 30), "Abholbereit morgen ab 12:00 Uhr", "morgen ab 12:00 Uhr"),
        # Monday 23:30: the day is over.
        (berlin(2026, 12, 7, 23, 30), "Abholbereit morgen ab 12:00 Uhr", "morgen ab 12:00 Uhr"),
        # Saturday 23:30: Sunday closed, Monday it is.
        (berlin(2026, 12, 5, 23, 30), "Abholbereit Mo. ab 12:00 Uhr", "Mo. ab 12:00 Uhr"),
        # Summer time: 00:30 in Berlin is 22:30 UTC of the day before.
        (berlin(2026, 7, 6, 0, 30), TODAY, "Abholbereit heute ab 12:00 Uhr"),
        (berlin(2026, 7, 6, 23, 30), "Abholbereit morgen ab 12:00 Uhr", "morgen ab 12:00 Uhr"),
    ],
)
def test_today_only_when_the_store_can_still_make_it(client, koeln, monkeypatch, moment, top, home):
    freeze(monkeypatch, moment)
    top_text, home_text = _texts(client)
    assert top in top_text
    assert home in home_text
    if top != TODAY:
        assert "heute" not in top_text and "heute" not in home_text


def test_the_chosen_store_counts_not_another_one_that_opens_today(client, koeln, monkeypatch):
    """Köln has its inventory day on Monday; Berlin opens as usual. At 00:30 only a shopper
    without a chosen store may hear "heute"."""
    SpecialDay.objects.create(store=koeln, date=dt.date(2026, 12, 7), closed=True)
    factories.StoreFactory(code="berlin", name="Omnishop Berlin", hours=CITY_CENTRE)
    freeze(monkeypatch, berlin(2026, 12, 7, 0, 30))
    top, home = _texts(client)
    assert TODAY in top and "Abholbereit heute ab 12:00 Uhr" in home
    session = client.session
    session[SESSION_KEY] = koeln.pk
    session.save()
    top, home = _texts(client)
    assert "heute" not in top and "heute" not in home
    assert "Abholbereit morgen ab 12:00 Uhr" in top
    assert "Abholbereit morgen ab 12:00 Uhr in Omnishop Köln" in home


def test_english_says_today_and_tomorrow_the_same_way(client, koeln, monkeypatch):
    freeze(monkeypatch, berlin(2026, 12, 7, 0, 30))
    en = {"accept-language": "en"}
    assert "today" in client.get(reverse("stores:promise"), headers=en).content.decode()
    freeze(monkeypatch, berlin(2026, 12, 7, 23, 30))
    text = client.get(reverse("stores:promise"), headers=en).content.decode()
    assert "today" not in text and "Ready tomorrow from 12:00 pm" in text
