"""Per-line availability at the shopper's store and the stores that can supply the whole cart."""

import re

import pytest
from django.urls import reverse

from shop.orders.models import Cart, CartLine
from tests import factories

from .conftest import choose_store, htmx


def fill_cart(client, *items):
    for variant, quantity in items:
        client.post(reverse("pickup:cart_add"), {"variant": variant.pk, "quantity": quantity})
    return Cart.objects.get()


def availability_badges(html: str) -> list[str]:
    return [
        " ".join(text.split()) for text in re.findall(r'data-testid="availability">([^<]*)<', html)
    ]


def supplying(html: str) -> list[str]:
    block = html.split('data-testid="supplying-stores"', 1)
    if len(block) == 1:
        return []
    return re.findall(r"<strong>([^<]+)</strong>", block[1].split("</ul>", 1)[0])


@pytest.mark.django_db
def test_lines_show_availability_at_my_store(client, berlin, jacket, boots):
    plenty, few = jacket, boots
    scarce = factories.VariantFactory(product__name="Mütze")
    factories.stock(berlin, plenty, 10)
    factories.stock(berlin, few, 3)
    factories.stock(berlin, scarce, 5, safety_buffer=4)  # 1 available online
    choose_store(client, berlin)
    fill_cart(client, (plenty, 2), (few, 1), (scarce, 2))

    html = client.get(reverse("pickup:cart")).content.decode()

    assert availability_badges(html) == ["Available", "Only 3 left", "Only 1 here – not enough"]
    assert supplying(html) == []  # nobody has two caps


@pytest.mark.django_db
def test_a_variant_the_store_never_had_is_not_available_there(client, berlin, jacket):
    choose_store(client, berlin)
    fill_cart(client, (jacket, 1))

    html = client.get(reverse("pickup:cart")).content.decode()

    assert availability_badges(html) == ["Not available here"]


@pytest.mark.django_db
def test_stores_that_supply_the_whole_cart_nearest_first(
    client, berlin, potsdam, hamburg, jacket, boots
):
    factories.stock(berlin, jacket, 5)  # my store lacks the boots
    for store in (hamburg, potsdam):
        factories.stock(store, jacket, 2)
        factories.stock(store, boots, 1)
    closed_for_pickup = factories.StoreFactory(name="Lager", pickup_enabled=False)
    factories.stock(closed_for_pickup, jacket, 9)
    factories.stock(closed_for_pickup, boots, 9)
    choose_store(client, berlin)
    fill_cart(client, (jacket, 2), (boots, 1))

    html = client.get(reverse("pickup:cart")).content.decode()

    assert supplying(html) == ["Potsdam", "Hamburg"]
    # One more pair of boots, and nobody has enough.
    CartLine.objects.filter(variant=boots).update(quantity=2)
    assert supplying(client.get(reverse("pickup:cart")).content.decode()) == []


@pytest.mark.django_db
def test_choosing_another_store_from_the_cart_updates_availability(
    client, shopper, berlin, potsdam, jacket
):
    factories.stock(potsdam, jacket, 4)
    client.force_login(shopper)
    choose_store(client, berlin)
    fill_cart(client, (jacket, 1))

    response = client.post(reverse("pickup:cart_store"), {"store": potsdam.pk}, **htmx())

    assert availability_badges(response.content.decode()) == ["Available"]
    shopper.refresh_from_db()
    assert shopper.preferred_store == potsdam
    refused = client.post(reverse("pickup:cart_store"), {"store": "nope"}, **htmx())
    assert "choose one of the listed stores" in refused.content.decode()


@pytest.mark.django_db
def test_cart_page_queries_do_not_grow_with_the_cart(
    client, django_assert_max_num_queries, berlin, potsdam, hamburg
):
    choose_store(client, berlin)
    variants = factories.VariantFactory.create_batch(8)
    for variant in variants:
        for store in (berlin, potsdam, hamburg):
            factories.stock(store, variant, 5)
    fill_cart(client, *[(v, 1) for v in variants[:1]])
    # 11 = the 8 before the pickup promise, and the stores' opening hours, special days and
    # queues for "ready today from …".
    with django_assert_max_num_queries(11) as one_line:
        client.get(reverse("pickup:cart"))
    fill_cart(client, *[(v, 1) for v in variants[1:]])
    with django_assert_max_num_queries(11) as eight_lines:
        response = client.get(reverse("pickup:cart"))
    assert len(eight_lines.captured_queries) == len(one_line.captured_queries)
    assert response.content.decode().count('data-testid="cart-line"') == 8
