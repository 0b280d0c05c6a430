"""Store finder, store page and the product page's store list tell today's hours and what is ahead."""

import datetime as dt

import pytest

from stores.models import SpecialDay, Store
from tests import factories
from tests.clock import berlin, freeze

CITY_CENTRE = [(day, "10:00", "20:00") for day in range(6)]


@pytest.fixture
def koeln(db):
    return factories.StoreFactory(
        code="koeln",
        name="Omnishop Köln",
        city="Köln",
        postcode="50667",
        state="NW",
        phone="+49 221 2777 9050",
        latitude="50.936060",
        longitude="6.951640",
        hours=CITY_CENTRE,
    )


def test_finder_on_a_sunday_evening_says_when_each_store_opens(client, koeln, monkeypatch):
    freeze(monkeypatch, berlin(2026, 12, 6, 21, 30))
    german = client.get("/stores/", headers={"accept-language": "de"}).content.decode()
    assert "Öffnet morgen um 10:00 Uhr" in german
    assert "Heute: geschlossen" in german
    english = client.get("/stores/").content.decode()
    assert "Opens tomorrow at 10:00 am" in english


def test_finder_on_saturday_evening_names_the_weekday(client, koeln, monkeypatch):
    freeze(monkeypatch, berlin(2026, 12, 5, 20, 30))
    german = client.get("/stores/", headers={"accept-language": "de"}).content.decode()
    assert "Öffnet Mo. 10:00 Uhr" in german


def test_finder_shows_open_now_with_closing_time_and_special_days_ahead(client, koeln, monkeypatch):
    freeze(monkeypatch, berlin(2026, 12, 21, 12, 0))
    SpecialDay.objects.create(
        store=koeln,
        date=dt.date(2026, 12, 24),
        opens=dt.time(10),
        closes=dt.time(14),
        note="Heiligabend",
    )
    german = client.get("/stores/", headers={"accept-language": "de"}).content.decode()
    assert "Jetzt geöffnet, bis 20:00 Uhr" in german
    assert "Do., 24. Dezember</strong>: 10:00–14:00 Uhr (Heiligabend)" in german
    assert "Fr., 25. Dezember</strong>: geschlossen (Erster Weihnachtstag)" in german


def test_a_holiday_in_one_state_only(client, koeln, monkeypatch):
    factories.StoreFactory(code="berlin", name="Omnishop Berlin", state="BE", hours=CITY_CENTRE)
    freeze(monkeypatch, berlin(2027, 5, 27, 12, 0))  # Fronleichnam: NW yes, BE no
    html = client.get("/stores/").content.decode()
    koeln_card = html[html.index('data-store="koeln"') :]
    berlin_card = html[html.index('data-store="berlin"') :]
    assert "Today: closed (Corpus Christi)" in koeln_card.split("</li>")[0]
    assert "Open now, until 8:00 pm" in berlin_card.split("</li>")[0]


def test_store_page_has_address_phone_route_and_hours(client, koeln, monkeypatch):
    freeze(monkeypatch, berlin(2026, 12, 22, 9, 0))
    SpecialDay.objects.create(store=koeln, date=dt.date(2026, 12, 29), closed=True, note="Inventur")
    response = client.get("/stores/koeln/", headers={"accept-language": "de"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:+4922127779050"' in html
    assert "50667 Köln" in html
    assert "https://www.openstreetmap.org/directions?route=%3B50.936060%2C6.951640" in html
    assert "Öffnet heute um 10:00 Uhr" in html
    assert "Di., 29. Dezember</strong>: geschlossen (Inventur)" in html
    assert "Heute</th><td>10:00–20:00 Uhr" in html


def test_unknown_or_inactive_store_page_is_404(client, db):
    factories.StoreFactory(code="closed-down", is_active=False)
    assert client.get("/stores/nowhere/").status_code == 404
    assert client.get("/stores/closed-down/").status_code == 404


def test_product_page_store_list_shows_status_and_special_days(client, koeln, monkeypatch):
    freeze(monkeypatch, berlin(2026, 12, 23, 21, 0))
    SpecialDay.objects.create(
        store=koeln,
        date=dt.date(2026, 12, 24),
        opens=dt.time(10),
        closes=dt.time(14),
        note="Heiligabend",
    )
    variant = factories.VariantFactory()
    factories.stock(koeln, variant, 5)
    html = client.get(
        f"/products/{variant.product.slug}/", headers={"accept-language": "de"}
    ).content.decode()
    row = html[html.index('class="availability-row') :].split("</li>")[0]
    assert "Öffnet morgen um 10:00 Uhr" in row
    assert "Heute: geschlossen" not in row and "Heute: 10:00–20:00 Uhr" in row
    assert "Do., 24. Dezember: 10:00–14:00 Uhr (Heiligabend)" in row


def test_product_page_store_list_promises_across_a_holiday_and_a_special_day(
    client, koeln, monkeypatch
):
    """Wednesday 26 May 2027, 19:00: Köln (NW) keeps Fronleichnam on Thursday and opens late on
    Friday; Berlin works on Thursday. Two hours of picking: one left today, one on the next day."""
    freeze(monkeypatch, berlin(2027, 5, 26, 19, 0))
    factories.StoreFactory(
        code="berlin", name="Omnishop Berlin", state="BE", latitude="52.52", hours=CITY_CENTRE
    )
    SpecialDay.objects.create(
        store=koeln, date=dt.date(2027, 5, 28), opens=dt.time(12), closes=dt.time(16), note="Messe"
    )
    SpecialDay.objects.create(store=koeln, date=dt.date(2027, 5, 29), closed=True, note="Inventur")
    variant = factories.VariantFactory()
    for store in Store.objects.all():
        factories.stock(store, variant, 5)

    def rows(language):
        html = client.get(
            f"/products/{variant.product.slug}/", headers={"accept-language": language}
        ).content.decode()
        return {
            code: html[html.index(f'data-store="{code}"') :].split("</li>")[0]
            for code in ("koeln", "berlin")
        }

    german, english = rows("de"), rows("en")
    assert "Jetzt geöffnet, bis 20:00 Uhr" in german["koeln"]
    assert "Heute: 10:00–20:00 Uhr" in german["koeln"]
    assert "Abholbereit Fr. ab 13:00 Uhr" in german["koeln"]
    assert "Do., 27. Mai: geschlossen (Fronleichnam)" in german["koeln"]
    assert "Fr., 28. Mai: 12:00–16:00 Uhr (Messe)" in german["koeln"]
    assert "Inventur" not in german["koeln"]  # the list names the next two only
    assert "Abholbereit morgen ab 11:00 Uhr" in german["berlin"]
    assert "special-day" not in german["berlin"]
    assert "Open now, until 8:00 pm" in english["koeln"]
    assert "Ready Fri from 1:00 pm" in english["koeln"]
    assert "Thu, 27 May: closed (Corpus Christi)" in english["koeln"]
    assert "Fri, 28 May: 12:00 pm–4:00 pm (Messe)" in english["koeln"]
    assert "Ready tomorrow from 11:00 am" in english["berlin"]


def test_the_store_api_tells_the_next_opening_and_special_days(client, koeln, monkeypatch):
    freeze(monkeypatch, berlin(2026, 12, 22, 21, 0))
    SpecialDay.objects.create(
        store=koeln,
        date=dt.date(2026, 12, 24),
        opens=dt.time(10),
        closes=dt.time(14),
        note="Heiligabend",
    )
    store = client.get("/api/v1/stores/").json()["results"][0]
    assert store["open_now"] is False and store["closes_at"] is None
    assert store["opens_at"] == "2026-12-23T10:00:00+01:00"
    assert store["state"] == "NW"
    assert store["special_days"][:2] == [
        {
            "date": "2026-12-24",
            "kind": "special",
            "note": "Heiligabend",
            "opens": "10:00",
            "closes": "14:00",
        },
        {
            "date": "2026-12-25",
            "kind": "holiday",
            "note": "Christmas Day",
            "opens": None,
            "closes": None,
        },
    ]
