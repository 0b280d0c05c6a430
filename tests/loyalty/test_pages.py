import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from loyalty.models import CardLookup, Channel, EntryKind, LoyaltyAccount, PointsEntry
from loyalty.selectors import account_balance
from loyalty.services import LOOKUP_LIMIT, LOOKUP_WINDOW, points_earn, points_redeem
from tests import factories

pytestmark = pytest.mark.django_db


# -- shopper card page -----------------------------------------------------------------------------


def test_card_page_needs_login(client):
    response = client.get(reverse("loyalty:card"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_card_page_opens_an_account_for_users_that_predate_loyalty(client):
    user = factories.UserFactory()
    client.force_login(user)
    assert client.get(reverse("loyalty:card")).status_code == 200
    assert client.get(reverse("loyalty:card")).status_code == 200
    assert LoyaltyAccount.objects.filter(user=user).count() == 1


def test_card_page_shows_codes_balance_tier_and_history(client, account, store):
    points_earn(
        user=account.user,
        amount=Decimal("1234.00"),
        source="receipt:1:1",
        store=store,
        channel=Channel.STORE,
    )
    points_redeem(user=account.user, points=200, source="order:CC-1", order_total=Decimal("10"))
    client.force_login(account.user)
    html = client.get(reverse("loyalty:card"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="segno"' in html  # QR code
    assert f'data-ean="{account.card_number}"' in html  # barcode
    number = account.card_number
    assert f"{number[0]} {number[1:7]} {number[7:]}" in html
    assert "1,034" in html or "1.034" in html
    assert "10.34" in html or "10,34" in html  # value in €
    assert "Silver" in html
    assert store.name in html
    assert 'href="/loyalty/card/"' in html  # header link
    assert len(re.findall(r'class="lc-entry ', html)) == 2


def test_card_page_query_count_does_not_grow_with_history(client, account):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    stores = [factories.StoreFactory() for _ in range(3)]

    def earn(n):
        points_earn(
            user=account.user,
            amount=Decimal("5.00"),
            source=f"receipt:x:{n}",
            store=stores[n % 3],
            channel=Channel.STORE,
        )

    client.force_login(account.user)
    for n in range(3):
        earn(n)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("loyalty:card"))
    for n in range(3, 30):
        earn(n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("loyalty:card"))
    # 10, one for the "Für Sie" recommendations and one for the current offers
    assert len(many.captured_queries) == len(few.captured_queries) <= 12
    assert response.content.decode().count('class="lc-entry ') == 20
    assert (
        client.get(reverse("loyalty:card"), {"page": 2}).content.decode().count('class="lc-entry ')
        == 10
    )


def test_signup_opens_a_loyalty_account(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "neu@example.com",
            "password1": "correct-horse-42!",
            "password2": "correct-horse-42!",
        },
    )
    assert response.status_code == 302
    account = LoyaltyAccount.objects.get(user__email="neu@example.com")
    assert account.card_number.startswith("2")


# -- desk --------------------------------------------------------------------------------------------


@pytest.fixture
def associate(store):
    return factories.staff(store, first_name="Jonas", last_name="Becker")


def lookup(client, store, number, **headers):
    return client.post(
        reverse("loyalty:desk"), {"store": store.code, "card_number": number}, **headers
    )


def test_desk_is_for_store_staff_only(client, shopper):
    client.force_login(shopper)
    assert client.get(reverse("loyalty:desk")).status_code == 403
    staff_without_store = factories.UserFactory(is_staff=True)
    client.force_login(staff_without_store)
    assert client.get(reverse("loyalty:desk")).status_code == 403


def test_lookup_shows_only_name_tier_balance_and_last_purchases(
    client, associate, store, account, django_assert_max_num_queries
):
    for n in range(7):
        points_earn(
            user=account.user,
            amount=Decimal(10 + n),
            source=f"receipt:{n}",
            store=store,
            channel=Channel.STORE,
        )
    client.force_login(associate)
    # 17 for the desk itself, 1 for the till receipts' lines in the history, 1 for the shared
    # header's counters (cart, messages), 1 for the customer's current offers
    with django_assert_max_num_queries(20):
        response = lookup(client, store, account.card_number_grouped)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Erika Mustermann" in html
    assert account.user.email not in html
    assert 'data-testid="desk-balance">91<' in html
    assert html.count("<tr><td>") == 5
    assert "€16.00" in html  # newest purchase first (the page is in English)
    log = CardLookup.objects.get()
    assert (log.staff, log.store, log.account, log.card_number) == (
        associate,
        store,
        account,
        account.card_number,
    )


def test_lookup_of_a_wrong_number_is_logged_and_explained(client, associate, store):
    client.force_login(associate)
    response = lookup(client, store, "2000000000009", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "check digit" in response.content.decode()
    assert CardLookup.objects.get().account is None


def test_lookup_in_another_store_is_refused(client, associate, account):
    other = factories.StoreFactory()
    client.force_login(associate)
    response = lookup(client, other, account.card_number)
    assert response.status_code == 400
    assert not CardLookup.objects.exists()


def test_lookups_are_rate_limited_per_staff_member(client, associate, store, account):
    client.force_login(associate)
    earlier = [
        CardLookup(staff=associate, store=store, card_number="1", purpose="lookup")
        for _ in range(LOOKUP_LIMIT - 1)
    ]
    CardLookup.objects.bulk_create(earlier)
    assert lookup(client, store, account.card_number).status_code == 200  # the 30th
    response = lookup(client, store, account.card_number, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Too many card lookups" in response.content.decode()
    assert "Erika" not in response.content.decode()
    assert CardLookup.objects.count() == LOOKUP_LIMIT
    # a colleague has their own limit; lookups older than the window no longer count
    client.force_login(factories.staff(store))
    assert lookup(client, store, account.card_number).status_code == 200
    CardLookup.objects.filter(staff=associate).update(
        created_at=timezone.now() - LOOKUP_WINDOW - dt.timedelta(seconds=1)
    )
    client.force_login(associate)
    assert lookup(client, store, account.card_number).status_code == 200


def test_associate_records_a_purchase(client, associate, store, account):
    client.force_login(associate)
    data = {
        "store": store.code,
        "card_number": account.card_number,
        "amount": "49,90",
        "receipt_number": "B-77",
    }
    response = client.post(
        reverse("loyalty:desk_purchase"), data, headers={"accept-language": "de"}
    )
    assert response.status_code == 302
    entry = PointsEntry.objects.get()
    assert (entry.kind, entry.points, entry.amount) == (EntryKind.EARN, 49, Decimal("49.90"))
    assert (entry.store, entry.actor, entry.source) == (
        store,
        associate,
        f"receipt:{store.pk}:B-77",
    )
    # the same receipt again changes nothing; another amount is refused with a reason
    client.post(reverse("loyalty:desk_purchase"), data)
    response = client.post(
        reverse("loyalty:desk_purchase"), {**data, "amount": "59.90"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "cannot change" in response.content.decode()
    assert account_balance(account) == 49 and PointsEntry.objects.count() == 1


def test_purchase_with_htmx_returns_the_updated_panel(client, associate, store, account):
    client.force_login(associate)
    data = {
        "store": store.code,
        "card_number": account.card_number,
        "amount": "12.00",
        "receipt_number": "9",
    }
    response = client.post(reverse("loyalty:desk_purchase"), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="desk-result"')
    assert 'data-testid="desk-balance">12<' in html


@pytest.mark.parametrize("amount", ["-3", "0", "100000,01", "viel"])
def test_desk_refuses_bad_amounts(client, associate, store, account, amount):
    client.force_login(associate)
    data = {
        "store": store.code,
        "card_number": account.card_number,
        "amount": amount,
        "receipt_number": "1",
    }
    assert client.post(reverse("loyalty:desk_purchase"), data).status_code == 400
    assert not PointsEntry.objects.exists()


def test_admin_lists_accounts_with_balance_without_n_plus_one(
    admin_client, django_assert_max_num_queries
):
    for n in range(12):
        account = factories.loyalty_account()
        points_earn(
            user=account.user, amount=Decimal(n + 1), source=f"o:{n}", channel=Channel.ONLINE
        )
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("admin:loyalty_loyaltyaccount_changelist"))
    assert response.status_code == 200
    assert (
        admin_client.get(
            reverse("admin:loyalty_loyaltyaccount_changelist"), {"q": account.card_number}
        )
        .context["cl"]
        .result_count
        == 1
    )


def test_admin_adjustment_form(admin_client, account):
    url = reverse("admin:loyalty_loyaltyaccount_adjust", args=[account.pk])
    assert admin_client.post(url, {"points": "25", "reason": ""}).status_code == 200
    assert not PointsEntry.objects.exists()
    response = admin_client.post(url, {"points": "25", "reason": "Goodwill"})
    assert response.status_code == 302
    assert account_balance(account) == 25
    response = admin_client.post(url, {"points": "-26", "reason": "Too much"})
    assert response.status_code == 200 and account_balance(account) == 25


def test_admin_adjustment_needs_a_manager(client, account, store):
    associate = factories.staff(store)
    client.force_login(associate)
    url = reverse("admin:loyalty_loyaltyaccount_adjust", args=[account.pk])
    assert client.post(url, {"points": "25", "reason": "x"}).status_code == 403
    assert not PointsEntry.objects.exists()


def test_admin_pages_render(admin_client, account, store):
    points_earn(
        user=account.user,
        amount=Decimal("20"),
        source="receipt:1:1",
        store=store,
        channel=Channel.STORE,
    )
    for name in ("pointsentry", "tier", "tierchange", "cardlookup", "loyaltyaccount"):
        assert admin_client.get(reverse(f"admin:loyalty_{name}_changelist")).status_code == 200
    change = admin_client.get(reverse("admin:loyalty_loyaltyaccount_change", args=[account.pk]))
    assert change.status_code == 200
    assert (
        reverse("admin:loyalty_loyaltyaccount_adjust", args=[account.pk]) in change.content.decode()
    )
    entry = PointsEntry.objects.get()
    url = reverse("admin:loyalty_pointsentry_change", args=[entry.pk])
    assert admin_client.post(url, {"points": "9999"}).status_code == 403
    assert PointsEntry.objects.get().points == 20
