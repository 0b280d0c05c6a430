"""The base price (Grundpreis, § 4 / § 5 PAngV) next to every price of goods sold by weight,
volume, length or area: computed per 1 kg / 1 l / 1 m / 1 m², or per 100 g / 100 ml for packs of
up to 250 g or ml, rounded half-up to the cent; shown on cards, product page, cart, checkout,
order page, e-mail and API."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from notifications.models import Channel, Notification
from notifications.services import notification_deliver
from shop.catalogue.base_prices import BasePrice, base_price, format_base_price
from shop.catalogue.models import Variant
from stores.selectors import SESSION_KEY as MY_STORE_KEY
from tests import factories

D = Decimal


@pytest.mark.parametrize(
    ("price", "quantity", "unit", "expected"),
    [
        ("5.99", "230", "g", (100, "g", "2.60")),  # 2.6043…
        ("12.90", "250", "g", (100, "g", "5.16")),  # 250 g is still a small pack
        ("12.90", "251", "g", (1, "kg", "51.39")),  # 51.394…
        ("8.99", "450", "g", (1, "kg", "19.98")),  # 19.977…
        ("12.90", "1", "kg", (1, "kg", "12.90")),
        ("4.95", "0.1", "l", (100, "ml", "4.95")),  # 0.1 l = 100 ml: a small pack
        ("14.95", "200", "ml", (100, "ml", "7.48")),  # exactly 7.475: half-up
        ("2.79", "0.75", "l", (1, "l", "3.72")),
        ("1.49", "330", "ml", (1, "l", "4.52")),  # 4.5151…
        ("19.90", "20", "m", (1, "m", "1.00")),  # 0.995
        ("24.95", "3", "m2", (1, "m²", "8.32")),
        ("0.01", "1000", "g", (1, "kg", "0.01")),
    ],
)
def test_reference_quantity_and_rounding(price, quantity, unit, expected):
    quantity_ref, unit_ref, amount = expected
    assert base_price(price=D(price), net_quantity=D(quantity), unit=unit) == BasePrice(
        quantity_ref, unit_ref, D(amount)
    )


def test_goods_sold_by_the_piece_have_none():
    assert base_price(price=D("9.95"), net_quantity=None, unit="") is None
    assert base_price(price=D("9.95"), net_quantity=D("0"), unit="g") is None


def test_written_in_the_readers_language():
    value = BasePrice(1, "kg", D("12.90"))
    assert format_base_price(value, "de") == "1\u00a0kg = 12,90\u00a0€"
    assert format_base_price(value, "en") == "1\u00a0kg = €12.90"
    assert format_base_price(BasePrice(100, "ml", D("4.95")), "de") == "100\u00a0ml = 4,95\u00a0€"
    assert format_base_price(None) == ""


@pytest.mark.django_db
def test_quantity_and_unit_come_together():
    variant = factories.VariantFactory(net_quantity=D("230"), quantity_unit="g")
    variant.quantity_unit = ""
    with pytest.raises(ValidationError, match="net quantity and its unit together"):
        variant.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(quantity_unit="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(net_quantity=D("0"))


@pytest.fixture
def goods(db):
    store = factories.StoreFactory()
    gas = factories.stocked_variant(store, "5.99")
    Variant.objects.filter(pk=gas.pk).update(net_quantity=D("230"), quantity_unit="g", size="")
    gas.product.name = "Gaskartusche"
    gas.product.save()
    big = factories.VariantFactory(
        product=gas.product, price=D("8.99"), net_quantity=D("450"), quantity_unit="g", size=""
    )
    factories.stock(store, big, 10)
    cream = factories.stocked_variant(store, "6.95")
    Variant.objects.filter(pk=cream.pk).update(net_quantity=D("50"), quantity_unit="ml")
    gas.refresh_from_db()
    cream.refresh_from_db()
    return store, gas, big, cream


def german(user=None) -> Client:
    client = Client(headers={"accept-language": "de"})
    if user:
        client.force_login(user)
    return client


GAS = "100\u00a0g = 2,60\u00a0€"
GAS_BIG = "1\u00a0kg = 19,98\u00a0€"
CREAM = "100\u00a0ml = 13,90\u00a0€"


def test_cards_and_product_page_show_the_base_price(goods):
    _store, gas, _big, _cream = goods
    client = german()
    listing = client.get(reverse("shop:product_list")).content.decode()
    # The card shows "from 5,99 €" and the base price of that cheapest variant.
    assert GAS in listing and CREAM in listing
    page = client.get(gas.product.get_absolute_url()).content.decode()
    assert GAS in page and GAS_BIG in page  # the chosen variant and the variant picker
    assert "230\u00a0g" in page
    english = Client(headers={"accept-language": "en"})
    assert "100\u00a0g = €2.60" in english.get(gas.product.get_absolute_url()).content.decode()


def test_cart_checkout_order_page_mail_and_api_show_the_base_price(goods, mailoutbox):
    store, gas, _big, cream = goods
    shopper = factories.UserFactory(language="de")
    client = german(shopper)
    session = client.session
    session[MY_STORE_KEY] = store.pk
    session.save()
    for variant in (gas, cream):
        client.post(reverse("pickup:cart_add"), {"variant": variant.pk, "quantity": 2})
    for url in (reverse("pickup:cart"), reverse("pickup:checkout")):
        html = client.get(url).content.decode()
        assert GAS in html and CREAM in html, url

    order = factories.pickup_order(store, [(gas, 2), (cream, 1)], customer=shopper)
    # The line keeps the content it was ordered with, whatever the catalogue says later.
    Variant.objects.filter(pk=gas.pk).update(net_quantity=D("450"))
    page = client.get(order.get_absolute_url()).content.decode()
    assert GAS in page and CREAM in page

    row = Notification.objects.get(channel=Channel.EMAIL, kind="order_placed", subject_id=order.pk)
    notification_deliver(notification_id=row.pk)
    message = mailoutbox[-1]
    assert GAS in message.body and CREAM in message.body
    assert GAS in message.alternatives[0][0]

    data = client.get(reverse("api-order-detail", args=[order.number])).json()
    line = next(line for line in data["lines"] if line["sku"] == gas.sku)
    assert line["base_price"] == {"quantity": 100, "unit": "g", "price": "2.60", "text": GAS}
    assert (line["net_quantity"], line["quantity_unit"]) == ("230.000", "g")
    product = client.get(reverse("api-product-detail", args=[cream.product.slug])).json()
    assert product["variants"][0]["base_price"]["text"] == CREAM
