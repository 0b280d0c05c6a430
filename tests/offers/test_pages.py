"""The coupon field on cart and checkout, the order page's discount line, the offers on the card
page and the loyalty desk, the promotions admin — in German and English."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from loyalty.models import OfferKind, Promotion, PromotionRedemption
from shop.orders.models import Order
from stores.selectors import SESSION_KEY as MY_STORE_KEY
from tests import factories

from .conftest import PHONE, promotion

pytestmark = pytest.mark.django_db

CART = reverse("pickup:cart")
COUPON = reverse("pickup:cart_coupon")
CHECKOUT = reverse("pickup:checkout")


@pytest.fixture
def shopping(client, store, jacket, account):
    """The account's owner, logged in, with the 100 € jacket in the cart at `store`."""
    client.force_login(account.user)
    session = client.session
    session[MY_STORE_KEY] = store.pk
    session.save()
    client.post(reverse("pickup:cart_add"), {"variant": jacket.pk, "quantity": 1})
    return client


def test_code_on_the_cart_shows_discount_and_total_in_both_languages(shopping):
    promotion("SOMMER10")
    response = shopping.post(COUPON, {"code": "sommer10", "next": CART}, follow=True)
    html = response.content.decode()
    assert "The code SOMMER10 was applied: Sommer 10 %." in html
    assert re.search(r'data-testid="offer-discount">−€10.00<', html)
    assert re.search(r'data-testid="offer-total">€90.00<', html)
    german = shopping.get(CART, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Code SOMMER10: Sommer 10 %" in german
    assert re.search(r'data-testid="offer-discount">−10,00\xa0€<', german)
    assert re.search(r'data-testid="offer-total">90,00\xa0€<', german)
    # 90 € at 19 % after the discount
    assert "14,37" in german


def test_invalid_expired_and_not_applicable_codes_say_why(shopping, tiers):
    promotion(
        "ALT10",
        valid_from=timezone.now() - dt.timedelta(days=5),
        valid_until=timezone.now() - dt.timedelta(days=1),
    )
    promotion("GOLD10", tiers=[tiers["Gold"]])
    promotion("BIG", min_order=Decimal("150"))
    for code, english, german in [
        ("NIX", "The code “NIX” is not valid.", "Der Code „NIX“ ist nicht gültig."),
        ("ALT10", "The code “ALT10” has expired.", "Der Code „ALT10“ ist abgelaufen."),
        (
            "GOLD10",
            "is for members of the tiers Gold only",
            "gilt nur für Mitglieder der Stufen Gold",
        ),
        ("BIG", "applies from an order of €150.00", "ab einem Bestellwert von 150,00\xa0€"),
    ]:
        page = shopping.post(COUPON, {"code": code}, follow=True).content.decode()
        assert english in page
        page = shopping.post(
            COUPON, {"code": code}, follow=True, HTTP_ACCEPT_LANGUAGE="de"
        ).content.decode()
        assert german in page
    assert "offer_code" not in shopping.session


def test_a_code_not_yet_valid_names_its_start_as_each_language_writes_dates(shopping):
    start = timezone.localtime(timezone.now() + dt.timedelta(days=3))
    promotion("LATER10", valid_from=start)
    page = shopping.post(COUPON, {"code": "LATER10"}, follow=True).content.decode()
    assert f"valid only from {start.day} {start:%B} {start.year}." in page
    page = shopping.post(
        COUPON, {"code": "LATER10"}, follow=True, HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert f"gilt erst ab {start.day}. " in page and str(start.year) in page


def test_without_an_account_every_code_gets_the_same_answer_and_none_is_looked_up(store):
    """Without an account nobody can try codes: a new session each time would escape the limit,
    and a different answer for a real code would tell which codes exist."""
    from django.test import Client

    promotion("SECRET-CODE")
    answers = set()
    for code in ["GUESS001", "SECRET-CODE", "GUESS002"]:
        page = Client().post(COUPON, {"code": code, "next": CART}, follow=True).content.decode()
        answers.add("Please sign in to use a code." in page and "is not valid" not in page)
    assert answers == {True}


def test_checkout_places_the_order_with_the_code_and_shows_the_line(shopping, store):
    promotion("SOMMER10")
    shopping.post(COUPON, {"code": "SOMMER10"})
    page = shopping.get(CHECKOUT)
    html = page.content.decode()
    assert re.search(r'data-testid="amount-due">€90.00<', html)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    response = shopping.post(CHECKOUT, {"store": store.pk, "phone": PHONE, "token": token})
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    assert (order.offer_discount, order.amount_due) == (Decimal("10.00"), Decimal("90.00"))
    assert "offer_code" not in shopping.session
    detail = shopping.get(order.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Aktion: Sommer 10 %" in detail
    assert re.search(r'data-testid="offer-discount">−10,00\xa0€<', detail)


def test_code_used_up_meanwhile_is_a_form_error_and_nothing_is_placed(shopping, store):
    promo = promotion("SOMMER10", total_limit=1)
    shopping.post(COUPON, {"code": "SOMMER10"})
    token = re.search(r'name="token" value="([^"]+)"', shopping.get(CHECKOUT).content.decode())
    other = factories.loyalty_account().user
    PromotionRedemption.objects.create(
        promotion=promo, customer=other, channel="till", store=store, source="x", amount_cents=1
    )
    response = shopping.post(CHECKOUT, {"store": store.pk, "phone": PHONE, "token": token.group(1)})
    assert response.status_code == 422
    assert "The code “SOMMER10” has been used up." in response.content.decode()
    assert not Order.objects.exists()


def test_automatic_tier_offer_is_shown_on_the_cart(shopping, account, tiers):
    account.tier = tiers["Gold"]
    account.save(update_fields=["tier"])
    promotion(
        "", name="Gold-Vorteil", kind=OfferKind.AMOUNT, amount=Decimal("5"), tiers=[tiers["Gold"]]
    )
    html = shopping.get(CART).content.decode()
    assert "Your offer: Gold-Vorteil" in html
    assert re.search(r'data-testid="offer-total">€95.00<', html)


def test_card_page_lists_the_customers_current_offers(client, account, tiers):
    account.tier = tiers["Silver"]
    account.save(update_fields=["tier"])
    promotion("", name="Silber 5 %", percent=5, tiers=[tiers["Silver"]])
    promotion(
        "SILBER20",
        name="Silber-Gutschein",
        kind=OfferKind.AMOUNT,
        amount=Decimal("20"),
        tiers=[tiers["Silver"]],
        min_order=Decimal("100"),
        online=False,
    )
    promotion("GOLD10", name="Gold-Gutschein", tiers=[tiers["Gold"]])
    used = promotion("EINMAL", name="Schon benutzt")
    PromotionRedemption.objects.create(
        promotion=used,
        customer=account.user,
        channel="till",
        store=factories.StoreFactory(),
        source="receipt:1:1",
        amount_cents=100,
    )
    client.force_login(account.user)
    html = client.get(reverse("loyalty:card"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Ihre aktuellen Angebote" in html
    assert html.count('data-testid="offer"') == 2
    assert "Silber 5 %" in html and "Gilt automatisch mit Ihrer Kundenkarte" in html
    assert "Code: SILBER20" in html and "ab 100,00\xa0€" in html and "nur in der Filiale" in html
    assert "Gold-Gutschein" not in html and "Schon benutzt" not in html
    english = client.get(reverse("loyalty:card")).content.decode()
    assert "Your current offers" in english and "€20.00 off" in english


def test_desk_shows_the_customers_offers(client, store, account, tiers):
    account.tier = tiers["Gold"]
    account.save(update_fields=["tier"])
    promotion("", name="Gold 10 %", tiers=[tiers["Gold"]])
    client.force_login(factories.staff(store))
    html = client.post(
        reverse("loyalty:desk"), {"store": store.code, "card_number": account.card_number}
    ).content.decode()
    assert "Current offers for this customer" in html and "Gold 10 %" in html


@pytest.fixture
def head_office(client):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


def admin_form(**fields):
    data = {
        "name": "Herbst",
        "code": "herbst-5",
        "kind": "percent",
        "percent": "5",
        "amount": "",
        "min_order": "0",
        "online": "on",
        "till": "on",
        "valid_from_0": "2026-09-01",
        "valid_from_1": "00:00:00",
        "valid_until_0": "",
        "valid_until_1": "",
        "per_customer_limit": "1",
        "total_limit": "",
        "active": "on",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_creates_a_promotion_with_its_code_upper_case(head_office):
    response = head_office.post(reverse("admin:loyalty_promotion_add"), admin_form())
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Promotion.objects.get().code == "HERBST-5"


def test_admin_refuses_bad_promotions_with_clear_errors(head_office, tiers):
    promotion("HERBST-5")
    url = reverse("admin:loyalty_promotion_add")
    cases = [
        ({}, "Another promotion has the code HERBST-5."),
        ({"code": "X"}, "A code has 3 to 32 letters"),
        ({"code": "NEU", "percent": ""}, "A percentage offer needs a percentage from 1 to 100."),
        (
            {"code": "NEU", "kind": "amount", "percent": "", "amount": "0"},
            "An amount offer needs an amount above zero",
        ),
        ({"code": "NEU", "online": None, "till": None}, "Choose at least one channel"),
        (
            {"code": "NEU", "valid_until_0": "2026-08-01", "valid_until_1": "00:00:00"},
            "The end of the period must lie after its start.",
        ),
        ({"code": ""}, "An offer without a code is applied automatically: choose its tiers"),
    ]
    for fields, message in cases:
        response = head_office.post(url, admin_form(**fields))
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert Promotion.objects.count() == 1
    german = head_office.post(url, admin_form(code="X"), HTTP_ACCEPT_LANGUAGE="de")
    assert "Ein Code hat 3 bis 32 Buchstaben" in german.content.decode()


def test_store_staff_without_permission_cannot_manage_promotions(client, store):
    client.force_login(factories.staff(store))
    assert client.get(reverse("admin:loyalty_promotion_changelist")).status_code == 403


def test_data_export_lists_the_offers_used(store, jacket, account):
    from customers.selectors import customer_data
    from shop.orders.services.orders import order_place

    promotion("SOMMER10")
    order = order_place(
        customer=account.user, store=store, lines=[(jacket, 1)], phone=PHONE, coupon_code="SOMMER10"
    )
    data = customer_data(user=account.user)
    [used] = data["offers_used"]
    assert (used["code"], used["discount"], used["source"]) == (
        "SOMMER10",
        "10.00",
        f"order:{order.number}",
    )
    assert data["orders"][0]["offer_discount"] == "10.00"


def test_uses_left_count_every_customer_once_per_use(store, account, tiers, head_office):
    from loyalty.offers.selectors import offers_for_account

    account.tier = tiers["Gold"]
    account.save(update_fields=["tier"])
    promo = promotion("MULTI", tiers=[tiers["Silver"], tiers["Gold"]], total_limit=3)
    for n in range(2):
        PromotionRedemption.objects.create(
            promotion=promo,
            customer=factories.UserFactory(),
            channel="till",
            store=store,
            source=f"receipt:{store.pk}:{n}",
            amount_cents=500,
        )
    [offer] = offers_for_account(account=account)
    assert offer.uses_left == 1
    changelist = head_office.get(reverse("admin:loyalty_promotion_changelist")).content.decode()
    assert re.search(r'<td class="field-uses">2</td>', changelist)
    PromotionRedemption.objects.create(
        promotion=promo,
        customer=factories.UserFactory(),
        channel="online",
        store=store,
        source="order:X",
        amount_cents=500,
    )
    assert offers_for_account(account=account) == []
