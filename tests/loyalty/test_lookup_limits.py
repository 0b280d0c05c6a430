"""Card lookups on every path are limited and logged (issue 11, item 6): the admin search of a
store manager (exact card number or e-mail only, no list of the chain's shoppers), the till API's
unknown cards per store token, and the desk, which shares its per-person limit with the admin."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from loyalty.ean import check_digit
from loyalty.models import CardLookup, LookupPurpose, PointsEntry
from loyalty.services import LOOKUP_LIMIT, TILL_UNKNOWN_CARD_LIMIT
from stores.models import StaffRole
from stores.tokens import store_token_create
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:loyalty_loyaltyaccount_changelist"


def unknown_card(n: int) -> str:
    """A valid in-store card number that no account has."""
    body = f"29{n:010d}"
    return f"{body}{check_digit(body)}"


@pytest.fixture
def manager(store):
    user = factories.staff(store, role=StaffRole.MANAGER)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_loyaltyaccount", "change_loyaltyaccount"])
    )
    return user


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def _listed(client, q=None):
    response = client.get(reverse(CHANGELIST), {"q": q} if q is not None else {})
    assert response.status_code == 200
    return list(response.context["cl"].result_list), response


def test_a_manager_sees_no_list_of_shoppers_without_an_exact_search(
    manager_client, manager, account
):
    others = [factories.loyalty_account() for _ in range(3)]
    assert _listed(manager_client)[0] == []
    assert _listed(manager_client, "shopper")[0] == []  # no partial search
    assert _listed(manager_client, account.card_number[:6])[0] == []
    found, _response = _listed(manager_client, account.card_number)
    assert [a.pk for a in found] == [account.pk]
    found, _response = _listed(manager_client, account.user.email.upper())
    assert [a.pk for a in found] == [account.pk]
    # the account found is open to its finder; the others stay hidden
    change = reverse("admin:loyalty_loyaltyaccount_change", args=[account.pk])
    assert manager_client.get(change).status_code == 200
    hidden = manager_client.get(reverse("admin:loyalty_loyaltyaccount_change", args=[others[0].pk]))
    assert hidden.status_code == 302  # the admin's "does not exist" redirect
    assert [a.pk for a in _listed(manager_client)[0]] == [account.pk]
    logged = CardLookup.objects.filter(staff=manager, purpose=LookupPurpose.ADMIN)
    assert logged.count() == 4
    assert logged.filter(account=account).count() == 2


def test_the_admin_search_is_limited_like_the_desk(manager_client, manager, store, account):
    for n in range(LOOKUP_LIMIT):
        _listed(manager_client, unknown_card(n))
    found, response = _listed(manager_client, account.card_number)
    assert found == []
    assert "Too many card lookups" in response.content.decode()
    assert CardLookup.objects.filter(staff=manager).count() == LOOKUP_LIMIT
    # the same person at the desk is refused too: one limit per person
    desk = manager_client.post(
        reverse("loyalty:desk"), {"store": store.code, "card_number": account.card_number}
    )
    assert "Too many card lookups" in desk.content.decode()
    assert CardLookup.objects.filter(staff=manager).count() == LOOKUP_LIMIT


def test_desk_lookups_count_against_the_admin_search(manager_client, manager, store, account):
    CardLookup.objects.bulk_create(
        CardLookup(staff=manager, store=store, card_number="1", purpose="lookup")
        for _ in range(LOOKUP_LIMIT)
    )
    found, response = _listed(manager_client, account.card_number)
    assert found == [] and "Too many card lookups" in response.content.decode()


def test_a_superuser_keeps_the_full_list(admin_client, account):
    response = admin_client.get(reverse(CHANGELIST))
    assert account.card_number in response.content.decode()


def _till(store, name="Kasse 1"):
    _token, key = store_token_create(store=store, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"StoreToken {key}")
    return client, _token


def _book(client, card, receipt):
    body = {"card_number": card, "amount": "10.00", "receipt_number": receipt}
    return client.post("/api/v1/loyalty/transactions/", body, format="json")


def test_the_till_api_limits_unknown_cards_per_token(store, account):
    till, token = _till(store)
    for n in range(TILL_UNKNOWN_CARD_LIMIT):
        response = _book(till, unknown_card(n), f"R-{n}")
        assert response.status_code == 404 and response.json()["code"] == "unknown_card"
    response = _book(till, account.card_number, "R-ok")
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert 500 < int(response["Retry-After"]) <= 600
    assert not PointsEntry.objects.filter(source__contains="R-ok").exists()
    logged = CardLookup.objects.filter(token=token, purpose=LookupPurpose.TILL)
    assert logged.count() == TILL_UNKNOWN_CARD_LIMIT
    assert set(logged.values_list("store_id", flat=True)) == {store.pk}
    # another till of the store has its own limit; its good lookups are logged with the card
    other, other_token = _till(store, "Kasse 2")
    assert _book(other, account.card_number, "R-2").status_code == 201
    assert CardLookup.objects.get(token=other_token).account == account


def test_known_cards_do_not_use_up_the_till_limit(store, account):
    till, token = _till(store)
    for n in range(TILL_UNKNOWN_CARD_LIMIT + 5):
        assert _book(till, account.card_number, f"R-{n}").status_code == 201
    assert CardLookup.objects.filter(token=token, account=account).count() == (
        TILL_UNKNOWN_CARD_LIMIT + 5
    )


def test_a_manager_sees_ledger_rows_only_of_accounts_looked_up(client, manager, store, account):
    """Points, tier-change and store-credit rows follow the account rule: a store manager sees
    those of the shoppers found by an exact search, never the chain's list."""
    from django.utils import timezone

    from loyalty.credit import store_credit_add

    manager.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_pointsentry", "view_tierchange", "view_storecreditentry"]
        )
    )
    other = factories.loyalty_account()
    for n, acc in enumerate([account, other]):
        PointsEntry.objects.create(
            account=acc,
            kind="adjustment",
            points=5,
            source=f"test:{n}",
            channel="store",
            occurred_at=timezone.now(),
        )
        store_credit_add(user=acc.user, amount=Decimal("3.00"), source=f"refund:T{n}")
    client.force_login(manager)

    def rows(model):
        response = client.get(reverse(f"admin:loyalty_{model}_changelist"))
        assert response.status_code == 200
        return list(response.context["cl"].result_list)

    assert rows("pointsentry") == [] and rows("storecreditentry") == []
    _listed(client, account.card_number)
    assert {e.account_id for e in rows("pointsentry")} == {account.pk}
    assert {e.user_id for e in rows("storecreditentry")} == {account.user_id}
    assert rows("tierchange") == []


def test_a_superuser_sees_every_ledger_row(admin_client, account):
    from django.utils import timezone

    other = factories.loyalty_account()
    for n, acc in enumerate([account, other]):
        PointsEntry.objects.create(
            account=acc,
            kind="adjustment",
            points=5,
            source=f"test:{n}",
            channel="store",
            occurred_at=timezone.now(),
        )
    response = admin_client.get(reverse("admin:loyalty_pointsentry_changelist"))
    assert {e.account_id for e in response.context["cl"].result_list} == {account.pk, other.pk}
