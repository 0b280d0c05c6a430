import re

import pytest
from django.urls import reverse

from inventory.selectors import nearest_store_having_products
from stores.geo import Point
from tests.catalogue.conftest import choose_store
from tests.factories import ProductFactory, VariantFactory, stock

pytestmark = pytest.mark.django_db


def store_order(response) -> list[str]:
    return re.findall(
        r'class="availability-row[^"]*" data-store="([^"]+)"', response.content.decode()
    )


@pytest.fixture
def jacket(berlin, potsdam, hamburg, munich):
    product = ProductFactory(name="Regenjacke", slug="regenjacke")
    blue = VariantFactory(product=product, sku="RJ-BLUE-M", colour="Blau", size="M")
    red = VariantFactory(product=product, sku="RJ-RED-L", colour="Rot", size="L", price="59.90")
    stock(berlin, blue, 5)
    stock(hamburg, blue, 2)
    stock(munich, red, 7)
    return product


def availability(client, product, variant, headers=None, **params):
    url = reverse("shop:product_availability", kwargs={"slug": product.slug})
    return client.get(url, {"variant": variant.pk, **params}, headers=headers)


def test_product_page_shows_every_colour_with_price_and_the_chosen_variants_sku(client, jacket):
    response = client.get(jacket.get_absolute_url(), headers={"accept-language": "de"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="sku">RJ-BLUE-M<' in html
    assert 'value="Blau" id="colour-1" checked' in html and 'value="Rot"' in html
    assert "49,90\u00a0€" in html and "59,90\u00a0€" in html


def test_availability_lists_every_store_nearest_to_my_store_first(
    client, jacket, berlin, potsdam, hamburg, munich
):
    choose_store(client, hamburg)
    response = availability(client, jacket, jacket.variants.get(sku="RJ-BLUE-M"))
    assert store_order(response) == ["ham", "pdm", "ber", "muc"]
    choose_store(client, munich)
    response = availability(client, jacket, jacket.variants.get(sku="RJ-BLUE-M"))
    assert store_order(response) == ["muc", "pdm", "ber", "ham"]


def test_availability_is_ordered_from_the_browsers_location_when_given(client, jacket, berlin):
    choose_store(client, berlin)
    near_munich = "48.14,11.58"
    response = availability(client, jacket, jacket.variants.get(sku="RJ-RED-L"), near=near_munich)
    assert store_order(response) == ["muc", "pdm", "ber", "ham"]
    bad = availability(client, jacket, jacket.variants.get(sku="RJ-RED-L"), near="north-pole")
    assert bad.status_code == 200
    assert store_order(bad) == ["ber", "pdm", "ham", "muc"]  # falls back to my store


def test_availability_shows_the_selected_variants_units(client, jacket, berlin):
    choose_store(client, berlin)
    blue = availability(client, jacket, jacket.variants.get(sku="RJ-BLUE-M")).content.decode()
    red = availability(client, jacket, jacket.variants.get(sku="RJ-RED-L")).content.decode()
    row = r'data-store="{}">.*?class="stock-cell">\s*<span class="badge ([a-z-]+)"'
    assert re.search(row.format("ber"), blue, re.S)[1] == "in-stock"
    assert re.search(row.format("ham"), blue, re.S)[1] == "low-stock"
    assert re.search(row.format("ber"), red, re.S)[1] == "out-of-stock"
    assert re.search(row.format("muc"), red, re.S)[1] == "in-stock"


def test_htmx_variant_change_swaps_price_and_sku_and_replaces_the_url(client, jacket, berlin):
    choose_store(client, berlin)
    red = jacket.variants.get(sku="RJ-RED-L")
    response = availability(
        client, jacket, red, headers={"HX-Request": "true", "accept-language": "de"}
    )
    html = response.content.decode()
    assert 'id="variant-summary" class="variant-summary" hx-swap-oob="true"' in html
    assert "59,90\u00a0€" in html and "RJ-RED-L" in html
    assert response["HX-Replace-Url"] == f"{jacket.get_absolute_url()}?variant={red.pk}"
    # my store has none of the red one: the badge names the nearest store that has it
    assert 'data-state="out-of-stock"' in html


def test_a_foreign_or_unknown_variant_falls_back_to_the_first(client, jacket):
    other = VariantFactory(sku="OTHER-1")
    response = client.get(jacket.get_absolute_url(), {"variant": other.pk})
    assert response.status_code == 200
    assert 'data-testid="sku">RJ-BLUE-M<' in response.content.decode()


def test_unknown_or_inactive_product_is_404(client, jacket):
    assert client.get(reverse("shop:product_detail", kwargs={"slug": "nope"})).status_code == 404
    jacket.is_active = False
    jacket.save()
    assert client.get(jacket.get_absolute_url()).status_code == 404


def test_product_page_runs_a_fixed_number_of_queries(
    client, jacket, berlin, django_assert_num_queries
):
    choose_store(client, berlin)
    # The session, my store, the product, its variants, its pictures, the colour and size
    # pickers (every variant's units everywhere and at my store), every store with its units,
    # all stores' calendars (weekly hours and special days ahead in one), their pickup queues
    # and "Kunden kauften auch" (shop.recommendations).
    with django_assert_num_queries(10):
        assert client.get(jacket.get_absolute_url()).status_code == 200


def test_nearest_store_having_products_in_one_query(
    berlin, potsdam, hamburg, munich, django_assert_num_queries
):
    a, b, c = VariantFactory(), VariantFactory(), VariantFactory()
    stock(potsdam, a, 1)
    stock(hamburg, a, 3)
    stock(berlin, b, 2)  # excluded: it is "my store"
    stock(munich, b, 2)
    level = stock(hamburg, c, 1, safety_buffer=1)  # nothing available
    assert level.available == 0
    origin = Point(52.5219, 13.4132)
    with django_assert_num_queries(1):
        nearest = nearest_store_having_products(
            [a.product_id, b.product_id, c.product_id], origin, exclude_store_id=berlin.pk
        )
    assert {pid: n.store_id for pid, n in nearest.items()} == {
        a.product_id: potsdam.pk,
        b.product_id: munich.pk,
    }
    assert 20 < nearest[a.product_id].distance_km < 30
