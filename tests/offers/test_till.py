"""Coupons and tier offers at the till (receipts API): total less the discount, idempotent,
counted once across channels, shown in the card's history."""

from decimal import Decimal

import pytest
from django.urls import reverse

from loyalty.models import PromotionRedemption, TillReceipt
from loyalty.selectors import account_balance
from shop.orders.services.orders import order_place

from .conftest import PHONE, promotion

pytestmark = pytest.mark.django_db

URL = "/api/v1/loyalty/receipts/"


def receipt(variant, total, number="R-1", quantity=1, **extra):
    line = {"sku": variant.sku, "quantity": quantity, "unit_price": str(variant.price)}
    return {"receipt_number": number, "total": total, "lines": [line], **extra}


def test_coupon_at_the_till_books_the_discounted_total(till, store, jacket, account):
    promotion("SOMMER10")
    body = receipt(jacket, "90.00", card_number=account.card_number, coupon="sommer10")
    response = till.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["offer"], data["offer_discount"], data["total"]) == (
        "Sommer 10 %",
        "10.00",
        "90.00",
    )
    assert data["points"] == 90  # points on what was paid
    assert account_balance(account) == 90
    stored = TillReceipt.objects.get()
    assert stored.offer_discount == Decimal("10.00")
    redemption = PromotionRedemption.objects.get()
    assert (redemption.receipt, redemption.customer, redemption.amount_cents) == (
        stored,
        account.user,
        1000,
    )
    assert redemption.channel == "till"


def test_total_without_the_discount_is_refused_naming_it(till, jacket, account):
    promotion("SOMMER10")
    body = receipt(jacket, "100.00", card_number=account.card_number, coupon="SOMMER10")
    response = till.post(URL, body, format="json")
    assert response.status_code == 400
    assert "(€10.00 off) the receipt comes to €90.00" in response.json()["errors"][0]["reason"]
    assert not TillReceipt.objects.exists() and not PromotionRedemption.objects.exists()


def test_same_receipt_again_counts_the_coupon_once(till, jacket, account):
    promotion("SOMMER10")
    body = receipt(jacket, "90.00", card_number=account.card_number, coupon="SOMMER10")
    assert till.post(URL, body, format="json").status_code == 201
    again = till.post(URL, body, format="json")
    assert again.status_code == 200 and again.json()["offer_discount"] == "10.00"
    assert PromotionRedemption.objects.count() == 1
    other = {**body, "coupon": ""}
    assert till.post(URL, other, format="json").status_code == 409  # same number, other receipt


def test_coupon_needs_a_card_and_a_sale(till, jacket, account):
    promotion("SOMMER10")
    without_card = till.post(URL, receipt(jacket, "90.00", coupon="SOMMER10"), format="json")
    assert without_card.status_code == 400
    assert without_card.json()["errors"][0]["field"] == "coupon"
    refund = receipt(jacket, "-100.00", quantity=-1, card_number=account.card_number)
    refund["lines"][0]["returned"] = True
    refund["coupon"] = "SOMMER10"
    assert till.post(URL, refund, format="json").status_code == 400


def test_unknown_online_only_and_used_up_codes(till, store, jacket, account):
    promotion("WEBONLY", till=False)
    promotion("ONCE", total_limit=1)
    unknown = till.post(
        URL, receipt(jacket, "90.00", card_number=account.card_number, coupon="X-1"), format="json"
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "coupon_unknown"
    web = till.post(
        URL,
        receipt(jacket, "90.00", card_number=account.card_number, coupon="WEBONLY"),
        format="json",
    )
    assert web.status_code == 400 and web.json()["code"] == "coupon_not_applicable"
    # Used online first: the till is refused; counted once across channels.
    from tests import factories

    shopper = factories.loyalty_account().user
    order_place(customer=shopper, store=store, lines=[(jacket, 1)], phone=PHONE, coupon_code="ONCE")
    used = till.post(
        URL,
        receipt(jacket, "90.00", number="R-9", card_number=account.card_number, coupon="ONCE"),
        format="json",
    )
    assert used.status_code == 409 and used.json()["code"] == "coupon_used_up"
    assert not TillReceipt.objects.exists()


def test_automatic_tier_offer_at_the_till(till, jacket, account, tiers):
    account.tier = tiers["Silver"]
    account.save(update_fields=["tier"])
    promotion("", name="Silber 5 %", percent=5, tiers=[tiers["Silver"]])
    refused = till.post(
        URL, receipt(jacket, "100.00", card_number=account.card_number), format="json"
    )
    assert refused.status_code == 400
    assert "Silber 5 %" in refused.json()["errors"][0]["reason"]
    booked = till.post(
        URL, receipt(jacket, "95.00", card_number=account.card_number), format="json"
    )
    assert booked.status_code == 201, booked.content
    assert booked.json()["offer"] == "Silber 5 %"
    # Without a card nothing is automatic: the till's lines are the total.
    anonymous = till.post(URL, receipt(jacket, "100.00", number="R-2"), format="json")
    assert anonymous.status_code == 201 and anonymous.json()["offer_discount"] == "0.00"


def test_wrong_codes_at_the_till_are_rate_limited(till, jacket, account):
    for n in range(10):
        till.post(
            URL,
            receipt(
                jacket, "90.00", number=f"R-{n}", card_number=account.card_number, coupon=f"BAD{n}"
            ),
            format="json",
        )
    promotion("SOMMER10")
    limited = till.post(
        URL,
        receipt(jacket, "90.00", card_number=account.card_number, coupon="SOMMER10"),
        format="json",
    )
    assert limited.status_code == 429 and "Retry-After" in limited.headers


def test_card_history_shows_the_offer_line(client, till, jacket, account):
    promotion("SOMMER10")
    till.post(
        URL,
        receipt(jacket, "90.00", card_number=account.card_number, coupon="SOMMER10"),
        format="json",
    )
    client.force_login(account.user)
    html = client.get(reverse("loyalty:card"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'data-testid="receipt-offer"' in html
    assert "Aktion: Sommer 10 %" in html and "-10,00\xa0€" in html


def test_till_asks_for_the_cards_offers_before_the_sale(till, store, account, tiers):
    from tests import factories

    account.tier = tiers["Gold"]
    account.save(update_fields=["tier"])
    promotion("", name="Gold 10 %", tiers=[tiers["Gold"]])
    promotion("GOLD5", name="Gold 5 €", kind="amount", amount=Decimal("5"), tiers=[tiers["Gold"]])
    promotion("WEB", name="Nur online", till=False)
    promotion("ANDERSWO", name="Andere Filiale", stores=[factories.StoreFactory()])
    url = "/api/v1/loyalty/offers/"
    response = till.post(
        url, {"card_number": account.card_number, "amount": "80.00"}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["tier"] == "Gold"
    assert [o["name"] for o in data["offers"]] == ["Gold 10 %", "Gold 5 €"]
    assert data["offers"][0]["automatic"] is True and data["offers"][1]["code"] == "GOLD5"
    assert data["automatic"] == {"name": "Gold 10 %", "discount": "8.00"}
    unknown = till.post(url, {"card_number": "2000000000008"}, format="json")
    assert unknown.status_code in (400, 404)
