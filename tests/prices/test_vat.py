"""VAT in gross prices: rounded half-up per line, summed per rate, snapshotted on the order line,
shown on cart, checkout, order page, e-mail, API, admin and refunds (docs/prices.md)."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from core.templatetags.money import format_vat_note
from core.vat import VatAmount, discounted_vat_breakdown, vat_breakdown, vat_of_gross
from notifications.models import Channel, Notification
from notifications.services import notification_deliver
from returns.models import RefundMethod
from returns.services import return_receive, return_refund, return_request_create
from shop.catalogue.models import TaxClass
from shop.orders.models import OrderLine
from stores.selectors import SESSION_KEY as MY_STORE_KEY
from tests import factories
from tests.returns.helpers import inspect_all

D = Decimal


@pytest.mark.parametrize(
    ("gross", "rate", "vat"),
    [
        ("0.01", "19", "0.00"),  # 0.0016 → 0.00
        ("0.04", "19", "0.01"),  # 0.0064 → 0.01
        ("0.01", "7", "0.00"),
        ("0.08", "7", "0.01"),  # 0.0052 → 0.01
        ("0.07", "7", "0.00"),  # 0.00458 → 0.00
        ("19.99", "19", "3.19"),  # 3.1917
        ("59.97", "19", "9.58"),  # 3 × 19.99: 9.5750 → 9.58, not 3 × 3.19 = 9.57
        ("12.95", "7", "0.85"),  # 0.8472
        ("100.00", "0", "0.00"),
        ("119.00", "19", "19.00"),
        ("107.00", "7", "7.00"),
    ],
)
def test_vat_of_a_gross_line_is_rounded_half_up_to_the_cent(gross, rate, vat):
    assert vat_of_gross(gross=D(gross), rate=D(rate)) == D(vat)


def test_breakdown_sums_the_lines_vat_per_rate_highest_rate_first():
    lines = [(D("0.04"), D("19")), (D("0.04"), D("19")), (D("12.95"), D("7")), (D("5"), D("0"))]
    assert vat_breakdown(lines) == [
        # Each 0.04 line has 0.01 VAT: 0.02 together, although 0.08 alone would give 0.01.
        VatAmount(rate=D("19.00"), gross=D("0.08"), vat=D("0.02")),
        VatAmount(rate=D("7.00"), gross=D("12.95"), vat=D("0.85")),
        VatAmount(rate=D("0.00"), gross=D("5"), vat=D("0.00")),
    ]
    assert vat_breakdown([]) == []
    assert vat_breakdown([(D("0.00"), D("19"))]) == []


def test_a_discount_is_spread_over_the_lines_before_their_vat_is_taken():
    lines = [(D("59.97"), D("19")), (D("12.95"), D("7"))]
    # 5.00 € of points: 59.97 / 72.92 of it (4.11…) on the first line, the rest on the second.
    [standard, reduced] = discounted_vat_breakdown(lines, D("5.00"))
    assert standard.gross + reduced.gross == D("67.92")
    assert (standard.gross, reduced.gross) == (D("55.86"), D("12.06"))
    assert standard.vat == vat_of_gross(gross=D("55.86"), rate=D("19")) == D("8.92")
    assert reduced.vat == vat_of_gross(gross=D("12.06"), rate=D("7")) == D("0.79")
    assert discounted_vat_breakdown(lines, D("0")) == vat_breakdown(lines)


def test_the_note_is_written_in_the_readers_language():
    amount = VatAmount(rate=D("19.00"), gross=D("414.94"), vat=D("66.25"))
    assert format_vat_note(amount, "de") == "inkl. 19\u00a0% MwSt. (66,25\u00a0€)"
    assert format_vat_note(amount, "en") == "incl. 19% VAT (€66.25)"
    reduced = VatAmount(rate=D("7.00"), gross=D("1.00"), vat=D("0.07"))
    assert format_vat_note(reduced, "de") == "inkl. 7\u00a0% MwSt. (0,07\u00a0€)"


# --- through the shop -------------------------------------------------------------------------


@pytest.fixture
def shop(db):
    """A store with a 19 % shirt at 19,99, a 7 % map at 12,95 and a 0 % gift card at 0,01."""
    store = factories.StoreFactory()
    shirt = factories.stocked_variant(store, "19.99")
    map_ = factories.stocked_variant(store, "12.95")
    map_.product.tax_class = TaxClass.REDUCED
    map_.product.save()
    card = factories.stocked_variant(store, "0.01")
    card.product.tax_class = TaxClass.ZERO
    card.product.save()
    return store, shirt, map_, card


def test_order_lines_keep_the_rate_of_the_day_they_were_placed(shop):
    store, shirt, map_, card = shop
    order = factories.pickup_order(store, [(shirt, 3), (map_, 1), (card, 1)])
    map_.product.tax_class = TaxClass.STANDARD  # changed later: the order keeps 7 %
    map_.product.save()

    rates = dict(OrderLine.objects.filter(order=order).values_list("sku", "vat_rate"))
    assert rates == {shirt.sku: D("19.00"), map_.sku: D("7.00"), card.sku: D("0.00")}
    order.refresh_from_db()
    assert order.vat_breakdown == [
        VatAmount(rate=D("19.00"), gross=D("59.97"), vat=D("9.58")),
        VatAmount(rate=D("7.00"), gross=D("12.95"), vat=D("0.85")),
        VatAmount(rate=D("0.00"), gross=D("0.01"), vat=D("0.00")),
    ]


def german(user=None) -> Client:
    client = Client(headers={"accept-language": "de"})
    if user:
        client.force_login(user)
    return client


def test_cart_checkout_order_page_and_mail_show_vat_per_rate(shop, mailoutbox):
    store, shirt, map_, card = shop
    shopper = factories.UserFactory()
    client = german(shopper)
    session = client.session
    session[MY_STORE_KEY] = store.pk
    session.save()
    for variant, quantity in ((shirt, 3), (map_, 1), (card, 1)):
        client.post(reverse("pickup:cart_add"), {"variant": variant.pk, "quantity": quantity})

    notes = [
        "inkl. 19\u00a0% MwSt. (9,58\u00a0€)",
        "inkl. 7\u00a0% MwSt. (0,85\u00a0€)",
        "inkl. 0\u00a0% MwSt. (0,00\u00a0€)",
    ]
    cart = client.get(reverse("pickup:cart")).content.decode()
    checkout = client.get(reverse("pickup:checkout")).content.decode()
    for html in (cart, checkout):
        assert all(note in html for note in notes), html
        assert "72,93\u00a0€" in html
    token = re.search(r'name="token" value="([^"]+)"', checkout).group(1)
    response = client.post(
        reverse("pickup:checkout"), {"store": store.pk, "phone": "+49 30 1234567", "token": token}
    )
    assert response.status_code == 302
    order = shopper.pickup_orders.get()
    page = client.get(order.get_absolute_url()).content.decode()
    assert all(note in page for note in notes)

    english = Client(headers={"accept-language": "en"})
    english.force_login(shopper)
    page_en = english.get(order.get_absolute_url()).content.decode()
    assert "incl. 19% VAT (€9.58)" in page_en and "incl. 7% VAT (€0.85)" in page_en


def test_order_api_and_admin_show_the_vat(shop):
    store, shirt, map_, _card = shop
    shopper = factories.UserFactory()
    order = factories.pickup_order(store, [(shirt, 3), (map_, 1)], customer=shopper)
    client = Client(headers={"accept-language": "de"})
    client.force_login(shopper)

    data = client.get(reverse("api-order-detail", args=[order.number])).json()
    assert data["vat"] == [
        {
            "rate": "19.00",
            "gross": "59.97",
            "net": "50.39",
            "vat": "9.58",
            "text": "inkl. 19\u00a0% MwSt. (9,58\u00a0€)",
        },
        {
            "rate": "7.00",
            "gross": "12.95",
            "net": "12.10",
            "vat": "0.85",
            "text": "inkl. 7\u00a0% MwSt. (0,85\u00a0€)",
        },
    ]
    by_sku = {line["sku"]: line for line in data["lines"]}
    assert by_sku[shirt.sku]["vat_rate"] == "19.00" and by_sku[shirt.sku]["vat_amount"] == "9.58"

    product = client.get(reverse("api-product-detail", args=[map_.product.slug])).json()
    assert product["vat_rate"] == "7.00"

    admin = Client(headers={"accept-language": "de"})
    admin.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    html = admin.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "inkl. 19\u00a0% MwSt. (9,58\u00a0€)" in html and "inkl. 7\u00a0% MwSt." in html


def test_a_refund_splits_its_vat_by_the_rates_of_the_returned_lines(shop, mailoutbox):
    store, shirt, map_, _card = shop
    shopper = factories.UserFactory()
    order = factories.collected_order(store, [(shirt, 3), (map_, 2)], customer=shopper)
    associate = factories.staff(store)
    lines = {line.variant_id: line for line in order.lines.all()}
    ret = return_request_create(
        order=order,
        lines=[(lines[shirt.pk], 2), (lines[map_.pk], 1)],
        reason="too_small",
        actor=shopper,
    )
    return_receive(ret=ret, store=store, actor=associate, inspections=inspect_all(ret))
    refund = return_refund(ret=ret, store=store, method=RefundMethod.STORE_CREDIT, actor=associate)

    # Two of three shirts: ⌊5997 × 2 / 3⌋ cents = 39.98 (VAT 6.383…); one of two maps: 12.95.
    assert refund.vat_breakdown == [
        VatAmount(rate=D("19.00"), gross=D("39.98"), vat=D("6.38")),
        VatAmount(rate=D("7.00"), gross=D("12.95"), vat=D("0.85")),
    ]
    client = german(shopper)
    html = client.get(ret.get_absolute_url()).content.decode()
    assert "inkl. 19\u00a0% MwSt. (6,38\u00a0€)" in html
    assert "inkl. 7\u00a0% MwSt. (0,85\u00a0€)" in html
    data = client.get(reverse("api-return", args=[ret.code])).json()
    assert [(v["rate"], v["vat"]) for v in data["refund"]["vat"]] == [
        ("19.00", "6.38"),
        ("7.00", "0.85"),
    ]
    row = Notification.objects.get(channel=Channel.EMAIL, kind="refund_issued")
    notification_deliver(notification_id=row.pk)
    assert "incl. 19% VAT (€6.38)" in mailoutbox[-1].body  # the account speaks English
    assert "incl. 7% VAT (€0.85)" in mailoutbox[-1].body
