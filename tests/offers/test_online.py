"""Coupons and tier offers at the online checkout: discount, VAT, ledger, limits, give-back."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import StockLevel
from loyalty.errors import CouponExpired, CouponNotApplicable, CouponUnknown, CouponUsedUp
from loyalty.models import OfferKind, PromotionRedemption
from shop.orders.models import Order
from shop.orders.services.orders import order_cancel, order_expire, order_place
from tests import factories

from .conftest import PHONE, promotion

pytestmark = pytest.mark.django_db


def place(customer, store, lines, **kw):
    return order_place(customer=customer, store=store, lines=lines, phone=PHONE, **kw)


def test_code_takes_its_discount_and_is_written_to_the_ledger(store, jacket, book, account):
    promotion("SOMMER10")
    customer = account.user
    order = place(customer, store, [(jacket, 1), (book, 1)], coupon_code=" sommer10 ")
    assert order.total == Decimal("120.00")
    assert order.offer_discount == Decimal("12.00")
    assert order.offer_name == "Sommer 10 %"
    assert order.amount_due == Decimal("108.00")
    redemption = PromotionRedemption.objects.get()
    assert (redemption.order_number, redemption.customer, redemption.amount_cents) == (
        order.number,
        customer,
        1200,
    )
    assert redemption.source == f"order:{order.number}" and redemption.channel == "online"


def test_discount_lowers_the_vat_of_each_rate_in_proportion(store, jacket, book, account):
    promotion("SOMMER10")
    order = place(account.user, store, [(jacket, 1), (book, 1)], coupon_code="SOMMER10")
    vat = {v.rate: v for v in Order.objects.get(pk=order.pk).vat_breakdown}
    # 12 € spread 100:20 → 10 € and 2 € off: 90 € at 19 % and 18 € at 7 %.
    assert vat[Decimal("19.00")].gross == Decimal("90.00")
    assert vat[Decimal("19.00")].vat == Decimal("14.37")
    assert vat[Decimal("7.00")].gross == Decimal("18.00")
    assert vat[Decimal("7.00")].vat == Decimal("1.18")


def test_amount_off_with_points_on_what_is_left(store, jacket, account):
    from loyalty.models import Channel
    from loyalty.services import points_earn

    points_earn(
        user=account.user, amount=Decimal("500"), source="t", store=store, channel=Channel.STORE
    )
    promotion("MINUS30", kind=OfferKind.AMOUNT, amount=Decimal("30.00"))
    order = place(account.user, store, [(jacket, 1)], coupon_code="MINUS30", points_to_redeem=500)
    assert (order.offer_discount, order.loyalty_discount) == (Decimal("30.00"), Decimal("5.00"))
    assert order.amount_due == Decimal("65.00")


def test_unknown_code_places_nothing(store, jacket, account):
    with pytest.raises(CouponUnknown, match="not valid"):
        place(account.user, store, [(jacket, 1)], coupon_code="NOPE1")
    assert not Order.objects.exists()
    assert StockLevel.objects.get(store=store, variant=jacket).reserved == 0


def test_expired_not_yet_valid_wrong_store_tier_channel_and_minimum(store, jacket, account, tiers):
    now = timezone.now()
    promotion(
        "OLD10", valid_from=now - dt.timedelta(days=9), valid_until=now - dt.timedelta(days=1)
    )
    promotion("SOON10", valid_from=now + dt.timedelta(days=1))
    promotion("ELSEWHERE", stores=[factories.StoreFactory()])
    promotion("GOLDONLY", tiers=[tiers["Gold"]])
    promotion("TILLONLY", online=False)
    promotion("BIG", min_order=Decimal("150.00"))
    cases = [
        ("OLD10", CouponExpired, "has expired"),
        ("SOON10", CouponNotApplicable, "valid only from"),
        ("ELSEWHERE", CouponNotApplicable, f"not valid at {store.name}"),
        ("GOLDONLY", CouponNotApplicable, "tiers Gold only"),
        ("TILLONLY", CouponNotApplicable, "only be used in our stores"),
        ("BIG", CouponNotApplicable, "from an order of €150.00"),
    ]
    for code, error, text in cases:
        with pytest.raises(error, match=text):
            place(account.user, store, [(jacket, 1)], coupon_code=code)
    assert not Order.objects.exists()


def test_per_customer_limit_and_cancel_gives_the_use_back(store, jacket, account):
    promotion("ONCE10")
    first = place(account.user, store, [(jacket, 1)], coupon_code="ONCE10")
    with pytest.raises(CouponUsedUp, match="already used"):
        place(account.user, store, [(jacket, 1)], coupon_code="ONCE10")
    order_cancel(order=first, actor=account.user)
    assert PromotionRedemption.objects.get().released_at is not None
    again = place(account.user, store, [(jacket, 1)], coupon_code="ONCE10")
    assert again.offer_discount == Decimal("10.00")


def test_expiry_gives_the_use_back(store, jacket, account):
    promotion("ONCE10", total_limit=1)
    order = factories.pickup_order(
        store, [(jacket, 1)], customer=account.user, status="ready", coupon_code="ONCE10"
    )
    other = factories.loyalty_account().user
    with pytest.raises(CouponUsedUp, match="used up"):
        place(other, store, [(jacket, 1)], coupon_code="ONCE10")
    Order.objects.filter(pk=order.pk).update(hold_until=timezone.now() - dt.timedelta(minutes=1))
    order_expire(order=order)
    assert place(other, store, [(jacket, 1)], coupon_code="ONCE10").offer_discount == 10


def test_automatic_tier_offer_applies_without_a_code_the_best_one(store, jacket, account, tiers):
    account.tier = tiers["Gold"]
    account.save(update_fields=["tier"])
    promotion("", name="Gold 5 %", percent=5, tiers=[tiers["Gold"]])
    promotion(
        "", name="Gold 15 €", kind=OfferKind.AMOUNT, amount=Decimal("15"), tiers=[tiers["Gold"]]
    )
    promotion("", name="Silber 20 %", percent=20, tiers=[tiers["Silver"]])
    order = place(account.user, store, [(jacket, 1)])
    assert (order.offer_name, order.offer_discount) == ("Gold 15 €", Decimal("15.00"))
    basic = factories.loyalty_account().user
    assert place(basic, store, [(jacket, 1)]).offer_discount == 0


def test_short_pick_shrinks_a_percentage_discount(store, jacket, account):
    from shop.orders.services.orders import order_mark_line_short, order_start_picking

    promotion("SOMMER10")
    order = place(account.user, store, [(jacket, 2)], coupon_code="SOMMER10")
    assert order.offer_discount == Decimal("20.00")
    associate = factories.staff(store)
    order = order_start_picking(order=order, actor=associate)
    other = factories.StoreFactory()
    factories.stock(other, jacket, 5)
    line = order.lines.get()
    order_mark_line_short(line=line, units=1, actor=associate, already_short=0)
    order.refresh_from_db()
    assert order.offer_discount == Decimal("10.00")
    assert PromotionRedemption.objects.get().amount_cents == 1000
    assert order.amount_due == Decimal("90.00")


def test_every_unit_short_and_nowhere_else_cancels_with_nothing_taken(store, jacket, account):
    """The all-short cancellation gives the coupon use back and leaves no reduction on an order
    whose total is now 0 (never a negative amount paid for goods)."""
    from shop.orders.models import OrderStatus
    from shop.orders.services.orders import order_mark_line_short, order_start_picking

    promotion("SOMMER10")
    order = place(account.user, store, [(jacket, 2)], coupon_code="SOMMER10")
    associate = factories.staff(store)
    order = order_start_picking(order=order, actor=associate)
    order_mark_line_short(line=order.lines.get(), units=2, actor=associate, already_short=0)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert (order.total, order.offer_discount, order.loyalty_discount) == (0, 0, 0)
    assert order.goods_paid == 0 and order.amount_due == 0
    assert not PromotionRedemption.objects.filter(released_at__isnull=True).exists()


def test_api_order_with_a_coupon_and_with_a_wrong_one(store, jacket, account):
    from rest_framework.test import APIClient

    promotion("SOMMER10")
    api = APIClient()
    api.force_authenticate(account.user)
    body = {"store": store.code, "lines": [{"sku": jacket.sku, "quantity": 1}], "phone": PHONE}
    wrong = api.post("/api/v1/orders/", {**body, "coupon": "FALSCH"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "coupon_unknown"
    ok = api.post("/api/v1/orders/", {**body, "coupon": "sommer10"}, format="json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["offer_discount"] == "10.00"
    assert ok.json()["amount_due"] == "90.00"
    used = api.post("/api/v1/orders/", {**body, "coupon": "SOMMER10"}, format="json")
    assert used.status_code == 409 and used.json()["code"] == "coupon_used_up"


def test_wrong_codes_are_rate_limited(client, store, jacket, account):
    client.force_login(account.user)
    url = reverse("pickup:cart_coupon")
    for n in range(10):
        client.post(url, {"code": f"WRONG{n}"})
    promotion("SOMMER10")
    response = client.post(url, {"code": "SOMMER10"}, follow=True)
    assert "Too many wrong codes" in response.content.decode()
    assert "offer_code" not in client.session
