"""The dashboard page, its CSV export and the KPI API: who sees which stores."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from loyalty.till.services import ReceiptLineIn, till_receipt_book
from stores.models import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1/insight/kpis/"
TODAY = timezone.localdate()


@pytest.fixture
def two_stores(store):
    other = factories.StoreFactory(name="Filiale Süd")
    for shop, total in ((store, "40.00"), (other, "60.00")):
        variant = factories.stocked_variant(shop, total, units=5)
        till_receipt_book(
            store=shop,
            number="R-1",
            total=Decimal(total),
            lines=[ReceiptLineIn(sku=variant.sku, quantity=1, unit_price=Decimal(total))],
            occurred_at=timezone.now() - dt.timedelta(days=1),
        )
    return store, other


def test_manager_sees_own_store_only(client, two_stores):
    store, other = two_stores
    manager = factories.staff(store, role=StaffRole.MANAGER)
    client.force_login(manager)
    page = client.get("/insight/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="in-tiles"' in html and "in-chart-data" in html
    assert other.name not in html  # neither in the picker nor in a table
    assert client.get("/insight/", {"store": other.code}).status_code == 400
    api = APIClient()
    api.force_authenticate(manager)
    body = api.get(API).json()
    assert body["stores"] == [store.code]
    assert Decimal(str(body["kpis"]["customers"]["revenue"])) == Decimal("40.00")
    assert api.get(API, {"store": other.code}).status_code == 404


def test_associate_and_shopper_are_refused(client, store, shopper):
    client.force_login(factories.staff(store))
    assert client.get("/insight/").status_code == 403
    api = APIClient()
    api.force_authenticate(shopper)
    assert api.get(API).status_code == 403
    assert APIClient().get(API).status_code == 401


def test_head_office_compares_stores_and_exports_csv(client, two_stores):
    store, other = two_stores
    boss = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(boss)
    page = client.get("/insight/")
    html = page.content.decode()
    assert 'data-testid="in-table-stores"' in html
    assert store.name in html and other.name in html
    export = client.get("/insight/", {"export": "stores"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    till = {row[0]: row[3] for row in rows[1:]}
    assert till == {store.name: "40.00", other.name: "60.00"}
    assert client.get("/insight/", {"export": "nope"}).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"start": "gestern"},
        {"start": "2026-02-10", "end": "2026-01-01"},
        {"start": "2020-01-01", "end": "2022-01-01"},
    ],
)
def test_bad_range_is_a_form_error(client, store, params):
    client.force_login(factories.staff(store, role=StaffRole.MANAGER))
    assert client.get("/insight/", params).status_code == 400


def test_api_bad_dates_are_400(store):
    api = APIClient()
    api.force_authenticate(factories.staff(store, role=StaffRole.MANAGER))
    response = api.get(API, {"from": "2026-13-01"})
    assert response.status_code == 400 and "from" in response.json()


def test_page_in_german_and_english(client, two_stores):
    store, _other = two_stores
    client.force_login(factories.staff(store, role=StaffRole.MANAGER))
    german = client.get("/insight/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Kennzahlen" in german and "40,00\u00a0€" in german
    english = client.get("/insight/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Key figures" in english and "€40.00" in english


def test_schema_documents_the_kpi_api(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/insight/kpis/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"store", "from", "to"}
    assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])


def _export(client, table, language):
    response = client.get("/insight/", {"export": table}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # UTF-8 with BOM: Excel reads UTF-8
    return response.content.decode("utf-8-sig")


def test_csv_export_in_german_and_english(client, two_stores):
    """German: ";" between cells, decimal comma, German headings, dd.mm.yyyy (Excel-DE opens it
    as columns); English: "," and points, ISO dates."""
    from insight.models import NpsSurvey

    store, other = two_stores
    variant = factories.stocked_variant(store, "10.00", units=2)
    collected = factories.pickup_order(store, [(variant, 1)], status="collected")
    answered = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9, 30)))
    NpsSurvey.objects.update_or_create(
        order=collected,
        defaults={
            "store": store,
            "customer": collected.customer,
            "asked_at": answered,
            "score": 9,
            "comment": "Schnell; freundlich, danke",
            "answered_at": answered,
        },
    )
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

    german = _export(client, "stores", "de")
    rows = list(csv.reader(io.StringIO(german), delimiter=";"))
    assert rows[0][:4] == ["Filiale", "Abholbestellungen", "Umsatz Abholung", "Umsatz Kasse"]
    assert {row[0]: row[3] for row in rows[1:]} == {store.name: "40,00", other.name: "60,00"}
    assert "," not in german.splitlines()[0]  # no English separator in the headings
    comments = list(csv.reader(io.StringIO(_export(client, "nps_comments", "de")), delimiter=";"))
    assert comments[1][0] == answered.strftime("%d.%m.%Y 09:30")
    assert comments[1][3] == "Schnell; freundlich, danke"  # quoted: the ";" stays in its cell

    english = _export(client, "stores", "en")
    rows = list(csv.reader(io.StringIO(english)))
    assert rows[0][:4] == ["Store", "Pickup orders", "Pickup revenue", "Till revenue"]
    assert {row[0]: row[3] for row in rows[1:]} == {store.name: "40.00", other.name: "60.00"}
    comments = list(csv.reader(io.StringIO(_export(client, "nps_comments", "en"))))
    assert comments[1][0] == answered.strftime("%Y-%m-%d 09:30")
