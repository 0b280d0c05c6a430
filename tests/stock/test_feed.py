import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from inventory.models import Reservation, StockLevel, StockMovement, StockShortfall
from inventory.selectors import shortfalls_for_references
from tests.factories import StoreFactory, VariantFactory, reserve, stock, store_token

pytestmark = pytest.mark.django_db
URL = reverse("stock-movements")


def till(store):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"StoreToken {store_token(store)}")
    return client


def item(external_id, sku, kind="sale", quantity=1, **extra):
    return {"external_id": external_id, "sku": sku, "kind": kind, "quantity": quantity, **extra}


def ledger_matches(level):
    movements = StockMovement.objects.filter(store=level.store, variant=level.variant)
    level.refresh_from_db()
    return (
        sum(m.quantity for m in movements) == level.on_hand
        and sum(m.reserved_delta for m in movements) == level.reserved
    )


def test_batch_is_booked_with_signs_from_the_kind(store, variant):
    level = stock(store, variant, on_hand=10)
    response = till(store).post(
        URL,
        {
            "movements": [
                item("T1", variant.sku, "sale", 3, occurred_at="2026-11-23T10:00:00+01:00"),
                item("T2", variant.sku, "receipt", 5),
                item("T3", variant.sku, "write_off", 1),
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["applied"] == 3
    level.refresh_from_db()
    assert level.on_hand == 10 - 3 + 5 - 1
    sale = StockMovement.objects.get(external_id="T1")
    assert (sale.kind, sale.quantity, sale.occurred_at.isoformat()) == (
        "sale",
        -3,
        "2026-11-23T09:00:00+00:00",
    )
    assert ledger_matches(level)


def test_repeated_batch_changes_nothing_and_reports_duplicates(store, variant):
    level = stock(store, variant, on_hand=10)
    client = till(store)
    body = {"movements": [item("T1", variant.sku, quantity=2), item("T2", variant.sku)]}
    assert client.post(URL, body, format="json").status_code == 200
    count = StockMovement.objects.count()
    response = client.post(URL, body, format="json")
    assert response.status_code == 200
    assert [i["status"] for i in response.json()["items"]] == ["duplicate", "duplicate"]
    assert StockMovement.objects.count() == count
    level.refresh_from_db()
    assert level.on_hand == 7


def test_external_ids_are_per_store(variant):
    first, second = StoreFactory(), StoreFactory()
    stock(first, variant, on_hand=5)
    stock(second, variant, on_hand=5)
    body = {"movements": [item("T1", variant.sku)]}
    till(first).post(URL, body, format="json")
    response = till(second).post(URL, body, format="json")
    assert response.json()["items"][0]["status"] == "applied"
    assert StockLevel.objects.get(store=second).on_hand == 4


def test_bad_items_are_listed_by_index_and_nothing_is_booked(store, variant):
    level = stock(store, variant, on_hand=10)
    before = StockMovement.objects.count()
    response = till(store).post(
        URL,
        {
            "movements": [
                item("T1", variant.sku),
                item("T2", "NOPE"),
                item("T3", variant.sku, kind="theft"),
                item("T4", variant.sku, quantity=0),
                item("T5", variant.sku, quantity=1.5),
                item("T6", variant.sku, quantity=10**9),
                item("T1", variant.sku),
                {"sku": variant.sku},
            ]
        },
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "feed_rejected"
    errors = {(e["index"], e["field"]) for e in response.json()["errors"]}
    assert {
        (1, "sku"),
        (2, "kind"),
        (3, "quantity"),
        (4, "quantity"),
        (5, "quantity"),
        (6, "external_id"),
        (0, "external_id"),
        (7, "external_id"),
    } <= errors
    assert all(e["reason"] for e in response.json()["errors"])
    assert StockMovement.objects.count() == before
    level.refresh_from_db()
    assert level.on_hand == 10


def test_a_till_cannot_book_for_another_store(store, variant):
    other = StoreFactory()
    stock(other, variant, on_hand=5)
    client = till(store)
    for body in (
        {"store": other.code, "movements": [item("T1", variant.sku)]},
        {"movements": [item("T1", variant.sku, store=other.code)]},
        {"movements": [item("T1", variant.sku, store=[other.code])]},
    ):
        response = client.post(URL, body, format="json")
        assert response.status_code == 403
        assert other.code in response.json()["detail"]
    ok = client.post(
        URL,
        {"store": store.code, "movements": [item("T2", variant.sku, store=store.code)]},
        format="json",
    )
    assert ok.status_code == 200
    assert not StockMovement.objects.filter(external_id="T1").exists()
    assert StockLevel.objects.get(store=other).on_hand == 5


def test_without_a_store_token_nothing_is_booked(store, variant):
    stock(store, variant, on_hand=5)
    response = APIClient().post(URL, {"movements": [item("T1", variant.sku)]}, format="json")
    assert response.status_code in (401, 403)
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="StoreToken not-a-real-key")
    assert bad.post(URL, {"movements": [item("T1", variant.sku)]}, format="json").status_code == 401
    assert not StockMovement.objects.filter(external_id="T1").exists()


def test_oversold_shelf_cuts_the_newest_reservations_and_flags_the_orders(store, variant):
    level = stock(store, variant, on_hand=5)
    reserve(store, variant, 2, "CC-OLD")
    reserve(store, variant, 2, "CC-NEW")
    response = till(store).post(
        URL, {"movements": [item("T1", variant.sku, quantity=3)]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["shortfalls"] == [
        {"reference": "CC-NEW", "sku": variant.sku, "units_missing": 2}
    ]
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (2, 2)
    assert list(Reservation.objects.values_list("reference", "quantity")) == [("CC-OLD", 2)]
    sale = StockMovement.objects.get(external_id="T1")
    assert (sale.quantity, sale.reserved_delta) == (-3, -2)
    assert ledger_matches(level)
    found = shortfalls_for_references(["CC-OLD", "CC-NEW"])
    assert list(found) == ["CC-NEW"]
    assert found["CC-NEW"][0].units_missing == 2


def test_selling_more_than_the_system_holds_books_the_sale_and_a_correction(store, variant):
    level = stock(store, variant, on_hand=1)
    reserve(store, variant, 1, "CC-1")
    till(store).post(URL, {"movements": [item("T1", variant.sku, quantity=3)]}, format="json")
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (0, 0)
    kinds = set(
        StockMovement.objects.filter(kind__in=["sale", "count_adjustment"]).values_list(
            "kind", "quantity"
        )
    )
    assert kinds == {("sale", -3), ("count_adjustment", 2)}
    assert StockShortfall.objects.get().units_missing == 1
    assert ledger_matches(level)


def test_feed_is_set_based(store):
    """A batch of 50 costs the same queries as a batch of 5."""
    queries = []
    for size in (5, 50):
        variants = VariantFactory.create_batch(size)
        for v in variants:
            stock(store, v, on_hand=5)
        client = till(store)
        body = {"movements": [item(f"T{size}-{i}", v.sku) for i, v in enumerate(variants)]}
        with CaptureQueriesContext(connection) as captured:
            response = client.post(URL, body, format="json")
        assert response.status_code == 200
        assert response.json()["applied"] == size
        queries.append(len(captured))
    assert queries[0] == queries[1] <= 13, queries


def test_several_sales_of_one_batch_cut_reservations_together(store, variant):
    level = stock(store, variant, on_hand=6)
    reserve(store, variant, 3, "CC-A")
    reserve(store, variant, 3, "CC-B")
    body = {"movements": [item("T1", variant.sku, quantity=2), item("T2", variant.sku, quantity=2)]}
    response = till(store).post(URL, body, format="json")
    assert response.status_code == 200
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (2, 2)
    assert list(Reservation.objects.values_list("reference", "quantity")) == [("CC-A", 2)]
    assert sorted(StockShortfall.objects.values_list("reference", "units_missing")) == [
        ("CC-A", 1),
        ("CC-B", 3),
    ]
    assert ledger_matches(level)


def test_oversized_batch_is_refused(store, variant):
    body = {"movements": [item(f"T{i}", variant.sku) for i in range(1001)]}
    response = till(store).post(URL, body, format="json")
    assert response.status_code == 400
    assert "movements" in response.json()["errors"]
    assert not StockMovement.objects.filter(external_id__startswith="T").exists()
