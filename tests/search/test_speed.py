"""Search and browse stay cheap as the catalogue grows: the facet index counts what the database
would count, code queries skip the text search, and pages cost a fixed number of queries."""

import itertools
import random
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.versions import versions_set
from inventory.stock_versions import store_version_key
from shop.catalogue.models import Category
from shop.catalogue.selectors import parse_query
from shop.storefront import selectors
from shop.storefront.facet_index import bits_of, positions_of
from shop.storefront.selectors import PRICE_RANGES, ProductFilters, database_facets
from tests.catalogue.conftest import choose_store
from tests.factories import CategoryFactory, ProductFactory, VariantFactory, stock

pytestmark = pytest.mark.django_db
LIST = reverse("shop:product_list")
API = "/api/v1/products/"
SIZES = ["S", "M", "L", "42"]
COLOURS = ["Rot", "Blau", "Grün"]
BRANDS = ["Bergwerk", "Nordwand", ""]
PRICES = ["19.90", "49.90", "89.00", "149.00", "249.00"]
LABELS = {key: key for key in PRICE_RANGES}


def slugs(response) -> list[str]:
    return re.findall(r'data-product="([^"]+)"', response.content.decode())


@pytest.fixture
def shelf(db, store):
    """A mixed catalogue: two category levels, brands, products with up to four variants (one
    with none, one inactive variant), some in stock at the store."""
    rng = random.Random(14)
    top = CategoryFactory(name="Bekleidung", slug="bekleidung")
    leaves = [
        CategoryFactory(name="Jacken", slug="jacken", parent=top),
        CategoryFactory(name="Hosen", slug="hosen", parent=top),
        CategoryFactory(name="Zelte", slug="zelte"),
    ]
    for n in range(40):
        product = ProductFactory(
            name=f"{['Regenjacke', 'Wanderhose', 'Kuppelzelt'][n % 3]} {n}",
            brand=BRANDS[n % 3],
            category=leaves[n % 3],
        )
        for k in range(n % 5):  # 0 to 4 variants
            variant = VariantFactory(
                product=product,
                size=rng.choice(SIZES),
                colour=rng.choice(COLOURS),
                price=Decimal(rng.choice(PRICES)),
                is_active=not (n == 7 and k == 0),
            )
            if rng.random() < 0.5:
                stock(store, variant, on_hand=rng.choice([0, 1, 3]))
    return {"top": top, "leaves": leaves}


def test_bit_sets_round_trip():
    assert bits_of([0, 3, 64], 65) == (1 << 0) | (1 << 3) | (1 << 64)
    assert list(positions_of(bits_of([5, 1, 130], 131))) == [1, 5, 130]


def test_the_facet_index_counts_exactly_what_the_database_counts(shelf, store):
    categories = list(Category.objects.all())
    queries = [None, parse_query("Jacken"), parse_query("zelt")]
    category_choices = [None, {shelf["top"].pk, *(c.pk for c in shelf["leaves"][:2])}]
    filter_choices = [
        ProductFilters(),
        ProductFilters(sizes=("M",)),
        ProductFilters(sizes=("M", "L"), colours=("Rot",)),
        ProductFilters(brands=("Bergwerk",), prices=("0-50", "200-")),
        ProductFilters(colours=("Blau",), prices=("50-100",), brands=("Nordwand", "x")),
        ProductFilters(sizes=("XXXL",)),
    ]
    checked = 0
    for query, category_ids, filters, in_stock in itertools.product(
        queries, category_choices, filter_choices, [None, store.pk]
    ):
        store_id = store.pk if in_stock else [None, store.pk][len(filters.sizes) % 2]
        arguments = {
            "query": query,
            "categories": categories,
            "category_ids": category_ids,
            "filters": filters,
            "in_stock_store_id": in_stock,
            "store_id": store_id,
            "price_labels": LABELS,
        }
        assert selectors.product_facets(**arguments) == database_facets(**arguments), arguments
        checked += 1
    assert checked == 3 * 2 * 6 * 2


def test_a_catalogue_write_is_counted_at_once(client, shelf):
    before = selectors.product_facets(
        query=None,
        categories=list(Category.objects.all()),
        category_ids=None,
        filters=ProductFilters(colours=("Violett",)),
        in_stock_store_id=None,
        store_id=None,
        price_labels=LABELS,
    )
    assert before.total == 0
    VariantFactory(product=ProductFactory(name="Fleecejacke"), colour="Violett")
    response = client.get(LIST, {"colour": "Violett"})
    assert len(slugs(response)) == 1
    assert re.search(
        r'name="colour" value="Violett"[^>]*>[^<]*<span class="facet-count">1<',
        (response.content.decode()),
    )


def test_products_with_more_variants_than_the_index_holds_are_counted_in_the_database(
    shelf, store, monkeypatch
):
    arguments = {
        "query": parse_query("Jacken"),
        "categories": list(Category.objects.all()),
        "category_ids": None,
        "filters": ProductFilters(sizes=("M",)),
        "in_stock_store_id": store.pk,
        "store_id": store.pk,
        "price_labels": LABELS,
    }
    monkeypatch.setattr(selectors, "MAX_SLOTS", 1)
    with CaptureQueriesContext(connection) as queries:
        facets = selectors.product_facets(**arguments)
    assert any("UNION ALL" in q["sql"] for q in queries.captured_queries)
    assert facets == database_facets(**arguments)


def _more_products(n: int, store) -> None:
    for i in range(n):
        product = ProductFactory(name=f"Softshelljacke {i}", brand=BRANDS[i % 2])
        for size in ("M", "L"):
            stock(store, VariantFactory(product=product, size=size, colour="Rot"), on_hand=i % 3)


def _count(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _queries(client, url: str, params: dict, store=None) -> tuple[int, int]:
    """The API's queries for its answer and for the same answer kept. A page's once the facet
    index is built (by a first request): built anew after a stock move at my store (its kept
    results no longer hold; the store's stock set is read again), then kept."""
    first = _count(client, url, params)
    if url == LIST:
        versions_set([store_version_key(store.pk)])
        first = _count(client, url, params)
    return first, _count(client, url, params)


PAGES = [
    (LIST, {}),
    (LIST, {"size": "M", "brand": "Bergwerk"}),
    (LIST, {"q": "Jacke"}),
    (LIST, {"q": "Jacke", "colour": "Rot", "in_stock": "1"}),
    (LIST, {"q": "Regenjake"}),
    (API, {"q": "Jacke"}),
    (API, {"q": "regenjacke bergwerk"}),
]


def test_search_pages_and_the_api_cost_the_same_queries_however_many_products(client, shelf, store):
    choose_store(client, store)
    small = [_queries(client, url, params, store) for url, params in PAGES]
    _more_products(30, store)
    large = [_queries(client, url, params, store) for url, params in PAGES]
    assert large == small
    # what each costs now, so that any new query per page shows up here. A page built anew:
    # the session, my store, the store's in-stock set, the search's matching ids (for the
    # facets), the page, my store's units and the nearest other store, and (a product shown as
    # not at my store) insight's one counter upsert; the categories and stores come from the
    # kept navigation. Kept: the session, my store, the upsert. The API: session, count,
    # page, variants, pictures, then for the kept answer the session only.
    assert dict(zip([f"{u}?{p}" for u, p in PAGES], large, strict=True)) == {
        f"{LIST}?{{}}": (7, 3),
        f"{LIST}?{{'size': 'M', 'brand': 'Bergwerk'}}": (7, 3),
        f"{LIST}?{{'q': 'Jacke'}}": (8, 3),
        # every product shown is in my store: no query for the nearest other store, no upsert
        f"{LIST}?{{'q': 'Jacke', 'colour': 'Rot', 'in_stock': '1'}}": (6, 2),
        f"{LIST}?{{'q': 'Regenjake'}}": (8, 3),
        f"{API}?{{'q': 'Jacke'}}": (5, 1),
        f"{API}?{{'q': 'regenjacke bergwerk'}}": (5, 1),
    }


def test_two_facets_cost_no_query_more_than_the_plain_list(client, shelf, store):
    choose_store(client, store)
    plain, _kept = _queries(client, LIST, {}, store)
    assert _queries(client, LIST, {"size": "M", "brand": "Bergwerk"}, store)[0] == plain
    assert (
        _queries(client, LIST, {"size": "M", "colour": "Rot", "in_stock": "1"}, store)[0] <= plain
    )


def test_an_exact_code_is_looked_up_without_the_text_search(client, shelf):
    product = ProductFactory(name="Stirnlampe Lux")
    VariantFactory(product=product, sku="LX-00042-1", ean="4260000042001")
    other = ProductFactory(name="Stirnlampe Nox")
    VariantFactory(product=other, sku="LX-00042-10")
    for code, first in [("lx-00042-1", product), ("4260000042001", product), ("LX-0004", None)]:
        with CaptureQueriesContext(connection) as captured:
            body = client.get(API, {"q": code}).json()
        found = [p["slug"] for p in body["results"]]
        if first is not None:
            assert found[0] == first.slug
        assert set(found) <= {product.slug, other.slug} and found
        sql = " ".join(q["sql"] for q in captured.captured_queries)
        assert "search_vector" not in sql and "shop_product_search" not in sql, code
    # the page too: the exact SKU first
    response = client.get(LIST, {"q": "LX-00042-1"})
    assert slugs(response) == [product.slug, other.slug]
    # a code that is no SKU or EAN is searched as words
    assert client.get(API, {"q": "qq99"}).json()["count"] == 0
