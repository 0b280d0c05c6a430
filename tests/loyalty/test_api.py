from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from loyalty.models import Channel, EntryKind, PointsEntry
from loyalty.selectors import account_balance
from loyalty.services import points_earn
from stores.tokens import store_token_create
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/loyalty/transactions/"


@pytest.fixture
def till(store):
    _token, key = store_token_create(store=store, name="Till 1")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"StoreToken {key}")
    return client


def book(till, account, amount="24.99", receipt="R-1001", **extra):
    body = {
        "card_number": account.card_number,
        "amount": amount,
        "receipt_number": receipt,
        **extra,
    }
    return till.post(URL, body, format="json")


def test_till_books_points_for_its_store(till, account, store):
    response = book(till, account)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["points"] == 24 and body["store"] == store.code and body["created"] is True
    assert body["points_balance"] == 24 and body["card_number"] == account.card_number
    entry = PointsEntry.objects.get()
    assert (entry.store, entry.channel, entry.amount) == (store, Channel.STORE, Decimal("24.99"))


def test_same_receipt_same_amount_returns_the_first_booking(till, account):
    first = book(till, account).json()
    again = book(till, account)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and again.json()["created"] is False
    assert account_balance(account) == 24 and PointsEntry.objects.count() == 1


def test_same_receipt_other_amount_is_a_conflict(till, account):
    book(till, account)
    response = book(till, account, amount="30.00")
    assert response.status_code == 409
    assert response.json()["code"] == "receipt_conflict"
    assert "24.99" in response.json()["detail"]
    assert account_balance(account) == 24


def test_same_receipt_number_in_another_store_is_another_purchase(till, account):
    other_store = factories.StoreFactory()
    _token, key = store_token_create(store=other_store, name="Till B")
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"StoreToken {key}")
    assert book(till, account).status_code == 201
    assert book(other, account).status_code == 201
    assert account_balance(account) == 48


def test_token_of_store_a_cannot_book_for_store_b(till, account, store):
    other_store = factories.StoreFactory()
    response = book(till, account, store=other_store.code)
    assert response.status_code == 403 and response.json()["code"] == "wrong_store"
    assert other_store.code not in response.json()["detail"]
    assert store.code in response.json()["detail"]
    assert not PointsEntry.objects.exists()
    assert book(till, account, store=store.code).status_code == 201


def test_without_a_token_nothing_is_booked(account):
    client = APIClient()
    response = client.post(
        URL, {"card_number": account.card_number, "amount": "5", "receipt_number": "1"}
    )
    assert response.status_code in (401, 403)
    client.force_authenticate(factories.UserFactory(is_staff=True, is_superuser=True))
    assert client.post(URL, {}).status_code in (401, 403)
    assert not PointsEntry.objects.exists()


def test_revoked_token_is_refused(store, account):
    token, key = store_token_create(store=store, name="old")
    token.is_active = False
    token.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"StoreToken {key}")
    assert book(client, account).status_code == 401


@pytest.mark.parametrize(
    ("field", "value", "status", "needle"),
    [
        ("card_number", "2000000000009", 400, "check digit"),
        ("card_number", "20000000000", 400, "13 digits"),
        ("card_number", "20000000000AB", 400, "digits only"),
        ("card_number", "4006381333931", 400, "not one of our"),
        ("card_number", "2000000000008", 404, "No loyalty card"),
        ("amount", "-5.00", 400, "amount"),
        ("amount", "0", 400, "amount"),
        ("amount", "100000.01", 400, "amount"),
        ("amount", "zwölf", 400, "amount"),
        ("amount", "1.999", 400, "amount"),
        ("receipt_number", "", 400, "receipt_number"),
        ("receipt_number", "a b", 400, "receipt"),
        ("occurred_at", "2999-01-01T10:00:00Z", 400, "future"),
    ],
)
def test_bad_input_gets_a_reason_and_books_nothing(till, account, field, value, status, needle):
    body = {"card_number": account.card_number, "amount": "10.00", "receipt_number": "R-1"}
    body[field] = value
    response = till.post(URL, body, format="json")
    assert response.status_code == status, response.json()
    assert needle.lower() in str(response.json()).lower()
    if status == 404:
        assert response.json()["code"] == "unknown_card"
    assert not PointsEntry.objects.exists()


def test_shopper_card_and_entries(account, store, django_assert_max_num_queries):
    for n in range(25):
        points_earn(
            user=account.user,
            amount=Decimal("10.00"),
            source=f"receipt:{store.pk}:{n}",
            store=store if n % 2 else None,
            channel=Channel.STORE if n % 2 else Channel.ONLINE,
        )
    client = APIClient()
    client.force_authenticate(account.user)
    card = client.get(reverse("loyalty-card")).json()
    assert card["card_number"] == account.card_number
    assert card["points_balance"] == 250 and card["points_value"] == "2.50"
    assert card["tier"]["name"] == "Basic" and card["next_tier"]["name"] == "Silver"
    assert card["wallet_pass_url"] is None

    with django_assert_max_num_queries(3):
        page = client.get(reverse("loyalty-entries")).json()
    assert page["count"] == 25 and len(page["results"]) == 20
    first = page["results"][0]
    assert first["kind"] == EntryKind.EARN and first["points"] == 10
    stores = {(r["store"] or {}).get("code") for r in page["results"]}
    assert store.code in stores and None in stores
    assert len(client.get(reverse("loyalty-entries"), {"page": 2}).json()["results"]) == 5


def test_shopper_sees_only_own_entries(account):
    points_earn(user=account.user, amount=Decimal("10"), source="order:1", channel=Channel.ONLINE)
    other = factories.UserFactory()
    client = APIClient()
    client.force_authenticate(other)
    assert client.get(reverse("loyalty-entries")).json()["count"] == 0
    assert APIClient().get(reverse("loyalty-card")).status_code in (401, 403)


def test_schema_lists_the_loyalty_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/loyalty/card/",
        "/api/v1/loyalty/entries/",
        "/api/v1/loyalty/transactions/",
    ):
        assert path in schema["paths"]
    responses = schema["paths"]["/api/v1/loyalty/transactions/"]["post"]["responses"]
    assert {"200", "201", "400", "403", "404", "409"} <= set(responses)


def test_same_receipt_on_another_card_is_a_conflict(till, account):
    book(till, account)
    other = factories.loyalty_account()
    response = book(till, other)
    assert response.status_code == 409
    assert "another card" in response.json()["detail"]
    assert account_balance(other) == 0
