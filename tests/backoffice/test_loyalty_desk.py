"""The loyalty desk finds a customer by card, e-mail or phone, and redeems points at the till."""

from decimal import Decimal

import pytest
from django.urls import reverse

from loyalty.models import Channel, EntryKind, PointsEntry
from loyalty.selectors import account_balance
from loyalty.services import points_earn
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(store):
    user = factories.UserFactory(
        first_name="Erika", last_name="Mustermann", phone="+49 (30) 123-45 67"
    )
    account = factories.loyalty_account(user)
    points_earn(
        user=user, amount=Decimal("20.00"), source="receipt:x", store=store, channel=Channel.STORE
    )
    return account


@pytest.fixture
def desk_client(client, store):
    client.force_login(factories.staff(store))
    return client


def _lookup(client, store, typed):
    return client.post(reverse("loyalty:desk"), {"store": store.code, "card_number": typed})


@pytest.mark.parametrize("typed", ["030 1234567", "+49 30 123 45 67", "0049-30-1234567"])
def test_lookup_by_phone_in_any_spelling(desk_client, store, account, typed):
    response = _lookup(desk_client, store, typed)
    html = response.content.decode()
    assert response.status_code == 200, html
    assert 'data-testid="desk-account"' in html and "Erika Mustermann" in html
    assert 'data-testid="redeem-form"' in html and 'data-testid="desk-history"' in html


def test_lookup_by_email_and_unknown_ones(desk_client, store, account):
    assert _lookup(desk_client, store, account.user.email.upper()).status_code == 200
    response = _lookup(desk_client, store, "niemand@example.com")
    assert response.status_code == 400
    assert "No loyalty card belongs to this e-mail address." in response.content.decode()
    response = _lookup(desk_client, store, "030 999999")
    assert "No loyalty card belongs to this phone number." in response.content.decode()


def test_a_phone_number_of_two_customers_finds_neither(desk_client, store, account):
    factories.loyalty_account(factories.UserFactory(phone="030/1234567"))
    response = _lookup(desk_client, store, "0301234567")
    assert response.status_code == 400
    assert "Several customers gave this phone number" in response.content.decode()


def _redeem(client, store, account, points, total="30.00", receipt="B-1"):
    return client.post(
        reverse("loyalty:desk_redeem"),
        {
            "store": store.code,
            "card_number": account.card_number,
            "points": points,
            "amount": total,
            "receipt_number": receipt,
        },
        follow=True,
    )


def test_redeem_at_the_till_is_idempotent_and_never_negative(desk_client, store, account):
    balance = account_balance(account)
    assert balance == 20
    response = _redeem(desk_client, store, account, 15)
    assert "15 points redeemed: €0.15 off receipt B-1." in response.content.decode()
    assert account_balance(account) == 5
    _redeem(desk_client, store, account, 15)  # the same receipt again: nothing more
    assert account_balance(account) == 5
    entry = PointsEntry.objects.get(kind=EntryKind.REDEEM)
    assert (entry.store, entry.channel, entry.points) == (store, Channel.STORE, -15)
    response = _redeem(desk_client, store, account, 6, receipt="B-2")
    assert response.status_code == 400
    assert "You have 5 points; 6 cannot be used." in response.content.decode()
    assert account_balance(account) == 5


def test_redeem_refuses_more_than_half_the_receipt_and_bad_input(desk_client, store, account):
    response = _redeem(desk_client, store, account, 20, total="0.20")
    assert response.status_code == 400 and "at most half" in response.content.decode()
    response = _redeem(desk_client, store, account, -5)
    assert response.status_code == 400
    response = _redeem(desk_client, store, account, 5, receipt="")
    assert response.status_code == 400
    assert account_balance(account) == 20


def test_redeem_for_another_store_is_refused(desk_client, account):
    other = factories.StoreFactory(name="Filiale B")
    response = _redeem(desk_client, other, account, 5)
    assert response.status_code == 400
    assert account_balance(account) == 20
