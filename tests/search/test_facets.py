"""Facets on the product list and search: counts, combined filters in the URL, htmx, no JS."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.catalogue.conftest import choose_store
from tests.factories import CategoryFactory, ProductFactory, VariantFactory, stock

pytestmark = pytest.mark.django_db
LIST = reverse("shop:product_list")


def slugs(response) -> list[str]:
    return re.findall(r'data-product="([^"]+)"', response.content.decode())


def facet_counts(response, name: str) -> dict[str, int]:
    html = response.content.decode()
    return {
        value: int(count)
        for value, count in re.findall(
            rf'name="{name}" value="([^"]+)"[^>]*>[^<]*<span class="facet-count">(\d+)</span>',
            html,
        )
    }


@pytest.fixture
def catalogue(db):
    jackets = CategoryFactory(name="Jacken", slug="jacken")
    tents = CategoryFactory(name="Zelte", slug="zelte")
    red_m = ProductFactory(name="Regenjacke Rot", brand="Bergwerk", category=jackets)
    VariantFactory(product=red_m, size="M", colour="Rot", price="89.00")
    VariantFactory(product=red_m, size="L", colour="Rot", price="89.00")
    blue_l = ProductFactory(name="Softshelljacke Blau", brand="Nordwand", category=jackets)
    VariantFactory(product=blue_l, size="L", colour="Blau", price="149.00")
    VariantFactory(product=blue_l, size="M", colour="Grau", price="149.00")
    tent = ProductFactory(name="Kuppelzelt", brand="Bergwerk", category=tents)
    VariantFactory(product=tent, size="2P", colour="Grün", price="249.00")
    return {"red_m": red_m, "blue_l": blue_l, "tent": tent}


def test_the_facets_count_what_each_choice_would_show(client, catalogue):
    response = client.get(LIST)
    assert facet_counts(response, "brand") == {"Bergwerk": 2, "Nordwand": 1}
    assert facet_counts(response, "size") == {"M": 2, "L": 2, "2P": 1}
    assert facet_counts(response, "colour") == {"Blau": 1, "Grau": 1, "Grün": 1, "Rot": 1}
    assert facet_counts(response, "price") == {"0-50": 0, "50-100": 1, "100-200": 1, "200-": 1}


def test_combined_filters_in_the_url_narrow_the_list_and_keep_alternatives(client, catalogue):
    # size M and colour Rot must hold for the same variant: the blue jacket's M is grey
    response = client.get(LIST, {"size": "M", "colour": "Rot"})
    assert slugs(response) == [catalogue["red_m"].slug]
    # two brands are alternatives; the brand facet still counts the other brand
    response = client.get(LIST + "?brand=Bergwerk&brand=Nordwand&size=L")
    assert set(slugs(response)) == {catalogue["red_m"].slug, catalogue["blue_l"].slug}
    assert facet_counts(response, "brand") == {"Bergwerk": 1, "Nordwand": 1}
    response = client.get(LIST, {"q": "Jacken", "price": "100-200"})
    assert slugs(response) == [catalogue["blue_l"].slug]
    assert 'value="100-200" checked' in response.content.decode()


def test_unknown_facet_values_find_nothing_or_are_ignored_never_an_error(client, catalogue):
    assert client.get(LIST, {"price": "bogus"}).status_code == 200
    assert len(slugs(client.get(LIST, {"price": "bogus"}))) == 3
    assert slugs(client.get(LIST, {"size": "XXXXL"})) == []
    assert client.get(LIST, {"brand": "x" * 500}).status_code == 200


def test_in_stock_at_my_store_asks_for_a_store_when_none_is_chosen(client, catalogue, store):
    response = client.get(LIST, {"in_stock": "1"})
    html = response.content.decode()
    assert 'data-testid="choose-store-hint"' in html
    assert "Choose your store first" in html
    stock(store, catalogue["tent"].variants.get(), on_hand=3)
    choose_store(client, store)
    response = client.get(LIST, {"in_stock": "1"})
    assert slugs(response) == [catalogue["tent"].slug]
    assert 'data-testid="in-stock-filter" checked' in response.content.decode()


def test_htmx_swaps_the_list_with_its_facets_without_the_page(client, catalogue):
    response = client.get(
        LIST, {"size": "L"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="catalogue-browse"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<form id="catalogue-browse"')
    assert set(slugs(response)) == {catalogue["red_m"].slug, catalogue["blue_l"].slug}


def test_without_javascript_the_facets_are_a_plain_get_form(client, catalogue):
    html = client.get(LIST).content.decode()
    form = re.search(r'<form id="catalogue-browse"[^>]*>', html, re.S)[0]
    assert 'method="get"' in form
    assert f'action="{LIST}"' in form
    assert "<noscript><button" in html


def test_two_facets_cost_no_more_queries_than_the_plain_list(
    client, catalogue, store, django_assert_max_num_queries
):
    for i in range(30):
        product = ProductFactory(name=f"Jacke {i}", brand=["Bergwerk", "Nordwand"][i % 2])
        variant = VariantFactory(product=product, size="M", colour="Rot")
        stock(store, variant, on_hand=i % 3)
    choose_store(client, store)
    with CaptureQueriesContext(connection) as plain:
        client.get(LIST)
    with django_assert_max_num_queries(len(plain.captured_queries) + 1):
        response = client.get(LIST, {"size": "M", "brand": "Bergwerk"})
    assert len(slugs(response)) == 16
    with django_assert_max_num_queries(len(plain.captured_queries) + 1):
        client.get(LIST, {"q": "Jacke", "colour": "Rot", "in_stock": "1"})


def test_cached_counts_start_afresh_after_a_catalogue_write(client, catalogue):
    assert facet_counts(client.get(LIST), "brand") == {"Bergwerk": 2, "Nordwand": 1}
    VariantFactory(product=ProductFactory(name="Stirnlampe", brand="Nordwand"), size="M")
    response = client.get(LIST)
    assert facet_counts(response, "brand") == {"Bergwerk": 2, "Nordwand": 2}
    assert len(slugs(response)) == 4


def test_a_price_change_shows_in_the_price_facet_at_once(
    client, catalogue, django_capture_on_commit_callbacks
):
    """A price write touches no search document; the facet summary follows it anyway."""
    from shop.catalogue.models import Variant
    from shop.catalogue.services import PriceSetting, variant_prices_set

    assert facet_counts(client.get(LIST), "price")["0-50"] == 0
    tent = Variant.objects.select_for_update().get(product=catalogue["tent"])
    with django_capture_on_commit_callbacks(execute=True):
        variant_prices_set(settings=[PriceSetting(tent, Decimal("39.00"))])
    counts = facet_counts(client.get(LIST), "price")
    assert (counts["0-50"], counts["200-"]) == (1, 0)
