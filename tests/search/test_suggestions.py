"""Suggestions under the header search while typing: products, categories, brands."""

import re

import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db
SUGGEST = reverse("shop:search_suggest")


@pytest.fixture
def catalogue(db):
    top = CategoryFactory(name="Bekleidung")
    jackets = CategoryFactory(name="Jacken", parent=top)
    ProductFactory(name="Regenjacke Nordkap", brand="Gipfelglück", category=jackets)
    ProductFactory(name="Softshelljacke Lofoten", brand="Bergwerk", category=jackets)
    ProductFactory(name="Kuppelzelt", brand="Bergwerk")


def options(response) -> list[str]:
    return re.findall(r'role="option"[^>]*><a href="[^"]*"[^>]*>([^<]+)', response.content.decode())


def test_typing_suggests_products_categories_and_brands(client, catalogue):
    response = client.get(SUGGEST, {"q": "jacken"})
    assert response.status_code == 200
    found = options(response)
    assert {"Regenjacke Nordkap", "Softshelljacke Lofoten", "Jacken"} <= {f.strip() for f in found}
    assert "<html" not in response.content.decode()
    response = client.get(SUGGEST, {"q": "gipfelglu"})
    assert "Gipfelglück" in [f.strip() for f in options(response)]


def test_a_short_or_empty_query_suggests_nothing_without_a_search(
    client, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):  # the session at most
        response = client.get(SUGGEST, {"q": "j"})
    assert options(response) == []


def test_suggestions_cost_three_queries(client, catalogue, django_assert_max_num_queries):
    client.get(SUGGEST, {"q": "zelt"})  # the vocabulary is warm after the writes anyway
    with django_assert_max_num_queries(4):
        response = client.get(SUGGEST, {"q": "zelt"})
    assert "Kuppelzelt" in [f.strip() for f in options(response)]


def test_nothing_to_suggest_says_press_enter(client, catalogue):
    html = client.get(SUGGEST, {"q": "xyzzyq"}).content.decode()
    assert 'role="status"' in html


def test_every_page_has_the_combobox(client, catalogue):
    html = client.get("/").content.decode()
    assert 'role="combobox"' in html
    assert 'aria-controls="search-suggestions"' in html
    assert 'hx-trigger="input changed delay:250ms"' in html
    assert 'hx-sync="this:replace"' in html
    assert 'id="search-suggestions"' in html and 'role="listbox"' in html
