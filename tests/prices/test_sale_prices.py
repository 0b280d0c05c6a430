"""Sale prices and the 30-day rule (§ 11 PAngV): every price change is recorded; a reduction
shows the lowest price of the 30 days before it started, read from that history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shop.catalogue.errors import PriceError
from shop.catalogue.models import PriceChange, Variant
from shop.catalogue.selectors import lowest_price_before
from shop.catalogue.services import variant_price_set
from stores.selectors import SESSION_KEY as MY_STORE_KEY
from tests import factories

D = Decimal
NOW = timezone.now()


def days(n: float) -> dt.datetime:
    return NOW + dt.timedelta(days=n)


def set_price(variant, price, *, at, **sale):
    return variant_price_set(variant=variant, price=D(price), now=at, **sale)


@pytest.fixture
def store(db):
    return factories.StoreFactory()


@pytest.fixture
def jacket(store):
    return factories.stocked_variant(store, "49.90")


def test_a_raise_just_before_the_sale_does_not_become_the_reference(jacket):
    set_price(jacket, "49.90", at=days(-60))  # the price for months
    set_price(jacket, "59.90", at=days(-2))  # the trap: raised two days before the sale
    sale = set_price(jacket, "59.90", at=NOW, sale_price=D("44.90"), sale_until=days(14))

    assert sale.sale_reference_price == D("49.90")
    jacket = Variant.objects.get(pk=jacket.pk)
    assert jacket.on_sale and jacket.current_price == D("44.90") and jacket.price == D("59.90")
    # Every change is in the history, the first one with the settings before it.
    assert list(PriceChange.objects.filter(variant=jacket).values_list("price", "sale_price")) == [
        (D("49.90"), None),
        (D("59.90"), None),
        (D("59.90"), D("44.90")),
    ]


def test_an_earlier_sale_within_30_days_is_the_reference(jacket):
    set_price(jacket, "49.90", at=days(-40))
    set_price(jacket, "49.90", at=days(-40), sale_price=D("39.90"), sale_until=days(-10))
    sale = set_price(jacket, "49.90", at=NOW, sale_price=D("44.90"))
    assert sale.sale_reference_price == D("39.90")


def test_prices_older_than_30_days_do_not_count(jacket):
    set_price(jacket, "29.90", at=days(-60))
    set_price(jacket, "49.90", at=days(-31))
    sale = set_price(jacket, "49.90", at=NOW, sale_price=D("44.90"))
    assert sale.sale_reference_price == D("49.90")
    # The history at any start: 30 days before 10 days ago reach back to the 29.90.
    assert lowest_price_before(variant=jacket, start=days(-10)) == D("29.90")


def test_a_future_sale_is_recomputed_when_the_price_changes_before_it(jacket):
    sale = set_price(
        jacket, "49.90", at=NOW, sale_price=D("39.90"), sale_from=days(10), sale_until=days(20)
    )
    assert sale.sale_reference_price == D("49.90")
    assert not Variant.objects.get(pk=jacket.pk).on_sale  # not yet
    # A price cut before the sale starts lowers the reference; a raise would not raise it.
    cut = set_price(
        jacket, "45.00", at=days(5), sale_price=D("39.90"), sale_from=days(10), sale_until=days(20)
    )
    assert cut.sale_reference_price == D("45.00")


def test_refused_prices_change_nothing(jacket):
    for sale in (
        {"sale_price": D("49.90")},  # not a reduction
        {"sale_price": D("-1")},
        {"sale_price": D("39.90"), "sale_from": days(5), "sale_until": days(1)},
        {"sale_from": days(1)},  # a period without a sale price
    ):
        with pytest.raises(PriceError):
            set_price(jacket, "49.90", at=NOW, **sale)
    with pytest.raises(PriceError):
        set_price(jacket, "-0.01", at=NOW)
    assert not PriceChange.objects.exists()
    jacket.refresh_from_db()
    assert (jacket.price, jacket.sale_price) == (D("49.90"), None)


def test_setting_the_same_price_records_nothing_new(jacket):
    set_price(jacket, "49.90", at=days(-1))
    set_price(jacket, "49.90", at=NOW)
    assert PriceChange.objects.filter(variant=jacket).count() == 1


def test_an_ended_sale_charges_the_price_again(jacket):
    set_price(jacket, "49.90", at=days(-20), sale_price=D("39.90"), sale_until=days(-1))
    jacket = Variant.objects.get(pk=jacket.pk)
    assert not jacket.on_sale and jacket.current_price == D("49.90")


def german(user=None) -> Client:
    client = Client(headers={"accept-language": "de"})
    if user:
        client.force_login(user)
    return client


REFERENCE = "Niedrigster Preis der letzten 30 Tage: 49,90\u00a0€"


def test_the_reduction_and_its_reference_are_shown_and_charged(store, jacket):
    set_price(jacket, "49.90", at=days(-60))
    set_price(jacket, "59.90", at=days(-2))
    set_price(jacket, "59.90", at=NOW, sale_price=D("44.90"), sale_until=days(14))
    client = german(factories.UserFactory())

    listing = client.get(reverse("shop:product_list")).content.decode()
    assert "44,90\u00a0€" in listing and REFERENCE in listing and "59,90" not in listing
    page = client.get(jacket.product.get_absolute_url()).content.decode()
    assert "44,90\u00a0€" in page and REFERENCE in page
    english = Client(headers={"accept-language": "en"})
    page_en = english.get(jacket.product.get_absolute_url()).content.decode()
    assert "Lowest price in the last 30 days: €49.90" in page_en

    session = client.session
    session[MY_STORE_KEY] = store.pk
    session.save()
    client.post(reverse("pickup:cart_add"), {"variant": jacket.pk, "quantity": 2})
    cart = client.get(reverse("pickup:cart")).content.decode()
    assert "89,80\u00a0€" in cart and REFERENCE in cart

    # as checkout passes it: loaded in the request, with its product (the service trusts it)
    jacket = Variant.objects.select_related("product").get(pk=jacket.pk)
    order = factories.pickup_order(store, [(jacket, 2)])
    assert order.total == D("89.80")
    assert order.lines.get().unit_price == D("44.90")

    data = client.get(reverse("api-product-detail", args=[jacket.product.slug])).json()
    [variant] = data["variants"]
    assert (variant["price"], variant["regular_price"]) == ("44.90", "59.90")
    assert variant["sale"]["reference_price"] == "49.90"


def test_the_admin_changes_prices_through_the_service(jacket):
    admin = german(factories.UserFactory(is_staff=True, is_superuser=True))
    set_price(jacket, "49.90", at=days(-60))
    url = reverse("admin:shop_variant_change", args=[jacket.pk])
    data = {
        "product": jacket.product.pk,
        "sku": jacket.sku,
        "ean": "",
        "size": jacket.size,
        "colour": jacket.colour,
        "price": "59.90",
        "sale_price": "44.90",
        "sale_from_0": "",
        "sale_from_1": "",
        "sale_until_0": "",
        "sale_until_1": "",
        "net_quantity": "",
        "quantity_unit": "",
        "is_active": "on",
        "position": "0",
        "price_changes-TOTAL_FORMS": "0",
        "price_changes-INITIAL_FORMS": "0",
    }
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    jacket.refresh_from_db()
    assert (jacket.price, jacket.sale_price, jacket.sale_reference_price) == (
        D("59.90"),
        D("44.90"),
        D("49.90"),
    )
    assert PriceChange.objects.filter(variant=jacket).count() == 2
    # A sale price above the price is a form error, and nothing changes.
    refused = admin.post(url, data | {"sale_price": "69.90"})
    assert refused.status_code == 200
    assert "Ein Aktionspreis muss unter dem Preis liegen." in refused.content.decode()
    assert PriceChange.objects.filter(variant=jacket).count() == 2
