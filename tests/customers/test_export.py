"""DSGVO Art. 15/20: the export holds every documented part, only its owner opens it, it expires."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.errors import ExportTooSoon
from customers.models import CustomerAccess, DataExport
from customers.services.access import customer_open
from customers.services.account import marketing_consent_set
from customers.services.export import data_export_build, data_export_request, export_token
from notifications.models import Notification
from tests import factories

from .conftest import EMAIL

pytestmark = pytest.mark.django_db


def _built(person) -> DataExport:
    export = data_export_request(user=person)
    data_export_build(export_id=export.pk)
    export.refresh_from_db()
    return export


def test_export_holds_every_documented_part(person, history, store):
    marketing_consent_set(user=person, granted=True)
    customer_open(staff=factories.staff(store), store=store, customer=person, page="search")
    export = _built(person)
    data = json.loads(export.content)
    assert data["account"]["email"] == EMAIL
    assert data["marketing_consents"][0]["granted"] is True
    assert data["marketing_consents"][0]["wording"]
    orders = {o["number"]: o for o in data["orders"]}
    collected = orders[history["collected"].number]
    assert collected["lines"][0]["quantity"] == 2
    assert [e["to_status"] for e in collected["events"]] == [
        "placed",
        "picking",
        "ready",
        "collected",
    ]
    assert data["till_purchases"][0]["amount"] == "55.00"
    assert data["loyalty"]["points_balance"] == sum(
        e["points"] for e in data["loyalty"]["points_ledger"]
    )
    assert data["store_credit"]["ledger"]
    assert data["staff_access"][0]["store"] == store.name
    assert set(data) >= {"returns", "messages"}
    # the documentation lists every top-level part
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "data-export.md").read_text()
    for key in data:
        assert f"`{key}`" in doc, key


def test_export_is_announced_in_app_and_by_mail(person, history):
    export = _built(person)
    channels = set(
        Notification.objects.filter(kind="data_export_ready", recipient=person).values_list(
            "channel", flat=True
        )
    )
    assert channels == {"email", "in_app"}
    assert export.expires_at > timezone.now() + dt.timedelta(days=6)


def test_only_the_owner_downloads_until_it_expires(client, person, history):
    export = _built(person)
    url = reverse("customers:export_download", kwargs={"token": export_token(export=export)})
    assert client.get(url).status_code == 302  # login first
    client.force_login(factories.UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["account"]["email"] == EMAIL
    assert client.get(url[:-3] + "abc/").status_code == 404
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    assert client.get(url).status_code == 404


def test_a_second_request_while_preparing_is_the_same_export_and_limited(person):
    first = data_export_request(user=person)
    assert data_export_request(user=person) == first
    data_export_build(export_id=first.pk)
    assert data_export_build(export_id=first.pk) is None  # twice is harmless
    for _ in range(2):
        data_export_build(export_id=data_export_request(user=person).pk)
    with pytest.raises(ExportTooSoon):
        data_export_request(user=person)


def test_export_request_page(client, person):
    client.force_login(person)
    response = client.post(reverse("customers:export_request"))
    assert response.status_code == 302
    assert DataExport.objects.filter(user=person, status="pending").count() == 1
    assert CustomerAccess.objects.count() == 0


def test_sweep_builds_lost_exports_and_deletes_expired_ones(person):
    from customers.services.export import data_exports_sweep

    lost = data_export_request(user=person)
    assert data_exports_sweep() == (0, 0)  # too fresh: its task may still come
    later = timezone.now() + dt.timedelta(minutes=6)
    assert data_exports_sweep(now=later) == (1, 0)
    lost.refresh_from_db()
    assert lost.status == "ready"
    assert data_exports_sweep(now=lost.expires_at) == (0, 1)
    assert not DataExport.objects.exists()


def test_export_holds_till_receipt_lines_and_recommendation_answers(person, history, store):
    from decimal import Decimal

    from insight.services import nps_answer, nps_survey_open
    from loyalty.till.services import ReceiptLineIn, till_receipt_book

    variant = history["variant"]
    till_receipt_book(
        store=store,
        number="R-2002",
        total="80.00",
        lines=[ReceiptLineIn(quantity=2, unit_price=Decimal("40.00"), sku=variant.sku)],
        account=person.loyalty_account,
    )
    survey = nps_survey_open(order=history["collected"])
    nps_answer(survey=survey, score=9, comment="Schnell und freundlich")

    data = json.loads(_built(person).content)

    receipt = next(p for p in data["till_purchases"] if p["lines"])
    assert receipt["amount"] == "80.00"
    assert receipt["lines"] == [
        {
            "quantity": 2,
            "product": variant.product.name,
            "variant": receipt["lines"][0]["variant"],
            "amount": "80.00",
        }
    ]
    assert data["recommendation_answers"] == [
        {
            "order": history["collected"].number,
            "store": store.name,
            "asked_at": data["recommendation_answers"][0]["asked_at"],
            "score": 9,
            "comment": "Schnell und freundlich",
            "answered_at": data["recommendation_answers"][0]["answered_at"],
        }
    ]
