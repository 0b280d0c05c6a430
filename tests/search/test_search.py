"""The search index kept current by every write, the page's help when nothing is found, the API."""

import re

import pytest
from django.urls import reverse

from shop.catalogue.models import Category, Product
from shop.catalogue.search_text import fold, index_terms, query_terms
from shop.storefront.selectors import product_search
from tests.factories import CategoryFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db
LIST = reverse("shop:product_list")
API = "/api/v1/products/"


def found(query: str) -> list[str]:
    return list(product_search(query=query).products.values_list("slug", flat=True))


def slugs(response) -> list[str]:
    return re.findall(r'data-product="([^"]+)"', response.content.decode())


def test_normaliser_folds_umlauts_stems_and_splits_compounds():
    assert fold("Gipfelglück") == fold("Gipfelglueck") == fold("GIPFELGLUCK") == "gipfelgluck"
    assert fold("Fuß") == "fuss"
    assert query_terms("Jacken") == query_terms("Jacke") == ["jack"]
    assert query_terms("Rucksäcke") == query_terms("rucksaecke") == ["rucksack"]
    assert query_terms("Jacke für Damen") == ["jack", "dam"]
    assert "jack" in index_terms("Regenjacke").split()
    assert "schlafsack" in index_terms("Daunenschlafsack").split()


def test_a_new_product_is_found_at_once_and_a_renamed_one_by_its_new_name():
    product = ProductFactory(name="Kuppelzelt Nordkap")
    assert found("Zelte") == [product.slug]
    product.name = "Tunnelzelt Lofoten"
    product.save()
    assert found("lofoten") == [product.slug]
    assert found("nordkap") == []


def test_a_renamed_category_and_a_new_variant_colour_are_searchable():
    parent = CategoryFactory(name="Camping")
    category = CategoryFactory(name="Zelte", parent=parent)
    product = ProductFactory(name="Nordkap", category=category)
    assert found("camping") == [product.slug]
    category.name = "Behausungen"
    category.save()
    assert found("behausung") == [product.slug]
    VariantFactory(product=product, colour="Waldgrün")
    assert found("waldgruen") == [product.slug]


def test_a_deleted_or_inactive_product_is_not_found():
    gone = ProductFactory(name="Gaskocher Alpha")
    hidden = ProductFactory(name="Gaskocher Beta", is_active=False)
    gone.delete()
    assert found("gaskocher") == []
    assert hidden.slug not in found("kocher")


def test_misspelt_words_are_corrected_and_the_page_says_so(client):
    product = ProductFactory(name="Regenjacke Nordkap")
    assert found("Regenjake") == [product.slug]
    response = client.get(LIST, {"q": "Regenjake"})
    assert slugs(response) == [product.slug]
    assert 'data-testid="search-correction"' in response.content.decode()
    assert "regenjacke" in response.content.decode()


def test_nothing_found_offers_a_spelling_categories_and_brands(client):
    category = CategoryFactory(name="Schlafsäcke")
    ProductFactory(name="Daunenschlafsack Polar", brand="Gipfelglück", category=category)
    response = client.get(LIST, {"q": "Schlafsaecke xyzzyq"})
    html = response.content.decode()
    assert response.status_code == 200
    assert slugs(response) == []
    assert 'data-testid="no-results"' in html
    assert category.get_absolute_url().replace("&", "&amp;") in html
    response = client.get(LIST, {"q": "gipfelglk xyzzyq"})
    html = response.content.decode()
    assert 'data-testid="did-you-mean"' in html
    assert "Gipfelglück" in html  # the brand offered


def test_the_api_searches_with_the_same_function_best_match_first(client):
    category = CategoryFactory(name="Jacken")
    in_description = ProductFactory(name="Weste Alpha", description="Passt unter jede Jacke.")
    in_category = ProductFactory(name="Hardshell Beta", category=category)
    in_name = ProductFactory(name="Regenjacke Gamma")
    body = client.get(API, {"q": "Jacken"}).json()
    assert [p["slug"] for p in body["results"]] == [
        in_name.slug,
        in_category.slug,
        in_description.slug,
    ]


def test_an_exact_sku_comes_before_products_that_only_share_a_prefix(client):
    first = ProductFactory(name="Alpha")
    VariantFactory(product=first, sku="JK-100-10")
    second = ProductFactory(name="Beta")
    VariantFactory(product=second, sku="JK-100-1")
    body = client.get(API, {"q": "jk-100-1"}).json()
    assert [p["slug"] for p in body["results"]] == [second.slug, first.slug]


def test_a_query_of_only_stop_words_or_symbols_is_no_error(client):
    ProductFactory(name="Alpha")
    for query in ["und", "§$%&", "'\"*()", "a" * 300]:
        assert client.get(LIST, {"q": query}).status_code == 200
        assert client.get(API, {"q": query}).status_code == 200


def test_the_search_index_survives_a_category_rename_of_a_parent():
    top = CategoryFactory(name="Bekleidung")
    leaf = CategoryFactory(name="Hosen", parent=top)
    product = ProductFactory(name="Wanderhose", category=leaf)
    top.name = "Kleidung"
    top.save()
    assert found("kleidung") == [product.slug]
    assert Category.objects.count() == 2
    assert Product.objects.get().search_words.startswith("wanderhose")


def test_a_query_of_one_unknown_word_finds_nothing_without_an_error(client):
    ProductFactory(name="Regenjacke")
    assert found("xyzzyq") == []
    assert client.get(LIST, {"q": "xyzzyq"}).status_code == 200
    assert client.get(API, {"q": "qwrtzp"}).status_code == 200


def test_threads_stem_at_the_same_time_without_mixing_their_words():
    """gunicorn's threads stem concurrently: each needs a stemmer of its own."""
    import sys
    import threading

    from shop.catalogue.search_text import stem

    words = [f"wanderschuhe{n}x" if n % 2 else f"regenjacken{n}" for n in range(3000)]
    stem.cache_clear()
    expected = [stem(word) for word in words]
    stem.cache_clear()
    found: dict[int, list[str]] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            found[k] = [stem(word) for word in words[k::4]]
        except BaseException as error:
            errors.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
        stem.cache_clear()
    assert not errors
    for k in range(4):
        assert found[k] == expected[k::4]
