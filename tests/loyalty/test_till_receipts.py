"""Till receipts with lines: stock, points and the card's history in one call, refused whole."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from inventory.models import MovementKind, StockLevel, StockMovement
from loyalty.models import EntryKind, PointsEntry, TillReceipt, TillReceiptLine
from loyalty.selectors import account_balance
from stores.tokens import store_token_create
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/loyalty/receipts/"


@pytest.fixture
def till(store):
    _token, key = store_token_create(store=store, name="Till 1")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"StoreToken {key}")
    return client


@pytest.fixture
def jacket(store):
    variant = factories.VariantFactory(price="49.90", ean="4006381333931")
    factories.stock(store, variant, 10)
    return variant


@pytest.fixture
def socks(store):
    variant = factories.VariantFactory(price="5.00")
    factories.stock(store, variant, 3)
    return variant


def on_hand(store, variant):
    return StockLevel.objects.get(store=store, variant=variant).on_hand


def receipt(lines, total, number="R-1", **extra):
    return {"receipt_number": number, "total": total, "lines": lines, **extra}


def test_receipt_with_lines_books_stock_points_and_history(till, store, jacket, socks, account):
    body = receipt(
        [
            {"sku": jacket.sku, "quantity": 2, "unit_price": "49.90", "discount": "9.80"},
            {"ean": socks.ean or "", "sku": socks.sku, "quantity": 1, "unit_price": "5.00"}
            if not socks.ean
            else {"ean": socks.ean, "quantity": 1, "unit_price": "5.00"},
        ],
        "95.00",
        card_number=account.card_number,
    )
    response = till.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["created"] is True and data["points"] == 95 and data["points_balance"] == 95
    assert [(line["sku"], line["quantity"], line["amount"]) for line in data["lines"]] == [
        (jacket.sku, 2, "90.00"),
        (socks.sku, 1, "5.00"),
    ]
    assert on_hand(store, jacket) == 8 and on_hand(store, socks) == 2
    sales = StockMovement.objects.filter(kind=MovementKind.SALE, reference=f"till:{store.code}:R-1")
    assert sorted(sales.values_list("quantity", flat=True)) == [-2, -1]
    stored = TillReceipt.objects.get()
    assert (stored.account, stored.total, stored.points_entry.points) == (
        account,
        Decimal("95.00"),
        95,
    )


def test_a_line_by_ean_finds_the_article(till, store, jacket):
    body = receipt([{"ean": "4006381333931", "quantity": 1, "unit_price": "49.90"}], "49.90")
    response = till.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["card_number"] is None and response.json()["points"] == 0
    assert on_hand(store, jacket) == 9
    assert not PointsEntry.objects.exists()


def test_same_receipt_again_books_nothing_twice(till, store, jacket, account):
    body = receipt(
        [{"sku": jacket.sku, "quantity": 1, "unit_price": "49.90"}],
        "49.90",
        card_number=account.card_number,
    )
    first = till.post(URL, body, format="json").json()
    again = till.post(URL, body, format="json")
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["id"] == first["id"]
    assert on_hand(store, jacket) == 9 and account_balance(account) == 49
    assert TillReceipt.objects.count() == 1


def test_other_receipt_under_the_same_number_is_a_conflict(till, store, jacket):
    body = receipt([{"sku": jacket.sku, "quantity": 1, "unit_price": "49.90"}], "49.90")
    till.post(URL, body, format="json")
    response = till.post(
        URL,
        receipt([{"sku": jacket.sku, "quantity": 2, "unit_price": "49.90"}], "99.80"),
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "receipt_conflict"
    assert on_hand(store, jacket) == 9


def test_unknown_sku_refuses_the_whole_receipt(till, store, jacket, account):
    body = receipt(
        [
            {"sku": jacket.sku, "quantity": 1, "unit_price": "49.90"},
            {"sku": "NOPE-1", "quantity": 1, "unit_price": "5.00"},
        ],
        "54.90",
        card_number=account.card_number,
    )
    response = till.post(URL, body, format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "receipt_refused"
    assert data["errors"] == [
        {"line": 1, "field": "sku", "reason": "No article has the SKU “NOPE-1”."}
    ]
    assert on_hand(store, jacket) == 10
    assert not TillReceipt.objects.exists() and not PointsEntry.objects.exists()


def test_negative_quantity_on_a_sale_line_is_refused(till, store, jacket):
    body = receipt([{"sku": jacket.sku, "quantity": -1, "unit_price": "49.90"}], "-49.90")
    response = till.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "quantity"
    assert on_hand(store, jacket) == 10 and not TillReceipt.objects.exists()


def test_total_that_does_not_add_up_is_refused(till, store, jacket):
    body = receipt([{"sku": jacket.sku, "quantity": 2, "unit_price": "49.90"}], "90.00")
    response = till.post(URL, body, format="json")
    assert response.status_code == 400
    (problem,) = response.json()["errors"]
    assert problem["line"] is None and problem["field"] == "total"
    assert "99.80" in problem["reason"].replace(",", ".")
    assert on_hand(store, jacket) == 10 and not StockMovement.objects.filter(kind="sale").exists()


def test_discount_larger_than_the_line_is_refused(till, jacket):
    body = receipt(
        [{"sku": jacket.sku, "quantity": 1, "unit_price": "49.90", "discount": "50.00"}], "-0.10"
    )
    response = till.post(URL, body, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "discount"


def test_returned_item_restocks_and_takes_points_back(till, store, jacket, socks, account):
    till.post(
        URL,
        receipt(
            [{"sku": jacket.sku, "quantity": 1, "unit_price": "49.90"}],
            "49.90",
            card_number=account.card_number,
        ),
        format="json",
    )
    # The jacket comes back, socks are bought instead: 5.00 − 49.90 = −44.90 paid out.
    response = till.post(
        URL,
        receipt(
            [
                {"sku": jacket.sku, "quantity": -1, "unit_price": "49.90", "returned": True},
                {"sku": socks.sku, "quantity": 1, "unit_price": "5.00"},
            ],
            "-44.90",
            number="R-2",
            card_number=account.card_number,
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["points"] == -44 and account_balance(account) == 5
    assert on_hand(store, jacket) == 10 and on_hand(store, socks) == 2
    restock = StockMovement.objects.get(kind=MovementKind.RETURN_RESTOCK)
    assert restock.quantity == 1
    assert PointsEntry.objects.get(kind=EntryKind.RETURN_TAKEBACK).amount == Decimal("44.90")


def test_sale_beyond_the_shelf_keeps_stock_sane(till, store, socks):
    body = receipt([{"sku": socks.sku, "quantity": 5, "unit_price": "5.00"}], "25.00")
    response = till.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert on_hand(store, socks) == 0  # the shelf is the truth; a count adjustment says so
    assert StockMovement.objects.filter(kind=MovementKind.COUNT_ADJUSTMENT).count() == 1


def test_unknown_card_is_404_and_books_nothing(till, store, jacket):
    body = receipt(
        [{"sku": jacket.sku, "quantity": 1, "unit_price": "49.90"}],
        "49.90",
        card_number="2000000000008",
    )
    response = till.post(URL, body, format="json")
    assert response.status_code in (400, 404)
    assert on_hand(store, jacket) == 10 and not TillReceipt.objects.exists()


def test_token_of_another_store_is_refused(till, jacket):
    other = factories.StoreFactory()
    body = receipt(
        [{"sku": jacket.sku, "quantity": 1, "unit_price": "49.90"}], "49.90", store=other.code
    )
    assert till.post(URL, body, format="json").status_code == 403


def test_without_token_is_401(jacket):
    body = receipt([{"sku": jacket.sku, "quantity": 1, "unit_price": "49.90"}], "49.90")
    assert APIClient().post(URL, body, format="json").status_code == 401


def test_card_page_and_desk_show_the_lines(client, till, store, jacket, socks, account):
    body = receipt(
        [
            {"sku": jacket.sku, "quantity": 1, "unit_price": "49.90"},
            {"sku": socks.sku, "quantity": 2, "unit_price": "5.00"},
        ],
        "59.90",
        card_number=account.card_number,
    )
    till.post(URL, body, format="json")
    client.force_login(account.user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/loyalty/card/")
    html = page.content.decode()
    assert page.status_code == 200
    assert jacket.product.name in html and socks.product.name in html
    assert 'data-testid="receipt-lines"' in html
    line_queries = [q for q in queries.captured_queries if "tillreceiptline" in q["sql"]]
    assert len(line_queries) == 1
    associate = factories.staff(store)
    client.force_login(associate)
    desk = client.post("/loyalty/desk/", {"store": store.code, "card_number": account.card_number})
    assert desk.status_code == 200
    assert socks.product.name in desk.content.decode()


def test_lines_are_stored_with_their_amounts(till, jacket):
    till.post(
        URL,
        receipt(
            [{"sku": jacket.sku, "quantity": 3, "unit_price": "49.90", "discount": "0.70"}],
            "149.00",
        ),
        format="json",
    )
    line = TillReceiptLine.objects.get()
    assert (line.quantity, line.unit_price, line.discount, line.amount) == (
        3,
        Decimal("49.90"),
        Decimal("0.70"),
        Decimal("149.00"),
    )


def test_schema_documents_the_receipt_and_its_errors(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/loyalty/receipts/"]["post"]
    assert {"200", "201", "400", "401", "403", "404", "409", "429"} <= set(operation["responses"])
    refused = operation["responses"]["400"]["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/ReceiptRefused"} in refused
    line = schema["components"]["schemas"]["ReceiptLineInRequest"]["properties"]
    assert {"sku", "ean", "quantity", "unit_price", "discount", "returned"} <= set(line)
