import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.catalogue.models import Product
from tests.catalogue.conftest import choose_store
from tests.factories import CategoryFactory, ProductFactory, VariantFactory, stock

pytestmark = pytest.mark.django_db
LIST = reverse("shop:product_list")


def product_with_stock(levels=None, **kwargs):
    sku = kwargs.pop("sku", None)
    product = ProductFactory(**kwargs)
    variant = VariantFactory(product=product, **({"sku": sku} if sku else {}))
    for store, units in (levels or {}).items():
        stock(store, variant, on_hand=units)
    return product


def slugs(response) -> list[str]:
    return re.findall(r'data-product="([^"]+)"', response.content.decode())


def badges(response) -> dict[str, str]:
    html = response.content.decode()
    cards = re.findall(
        r'<article class="product-card" data-product="([^"]+)">(.*?)</article>', html, re.S
    )
    return {
        slug: (re.search(r'data-state="([^"]+)"', body) or [None, None])[1] for slug, body in cards
    }


def test_list_page_runs_the_same_few_queries_for_5_and_50_products(
    client, berlin, hamburg, django_assert_max_num_queries
):
    def queries_for(total):
        for i in range(Product.objects.count(), total):
            # a mix: in stock here, a few here, only in Hamburg, nowhere
            levels = [{berlin: 9}, {berlin: 2}, {hamburg: 4}, {}][i % 4]
            product_with_stock(levels)
        cache.clear()  # a cold cache both times: the page's queries, the navigation (stores
        # and categories) and the next sale boundary (kept per catalogue version)
        with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(11):
            response = client.get(LIST, {"page_size_probe": total})
        assert response.status_code == 200
        assert len(slugs(response)) == min(total, 48)
        assert len(set(badges(response).values()) - {None}) == 3
        return len(ctx.captured_queries)

    choose_store(client, berlin)
    assert queries_for(5) == queries_for(50)


def test_search_matches_name_description_brand_and_sku(client):
    jacket = product_with_stock(name="Regenjacke Nordkap", brand="Bergwerk")
    pan = product_with_stock(
        name="Bratpfanne", description="Edelstahl, induktionsgeeignet", brand="Kochhaus"
    )
    knife = product_with_stock(name="Santoku", brand="Schmiedewerk", sku="KN-4711")
    for query, expected in [
        ("regenjacke", {jacket.slug}),
        ("induktion", {pan.slug}),
        ("kochhaus", {pan.slug}),
        ("kn-4711", {knife.slug}),
        ("werk", {jacket.slug, knife.slug}),
        ("werk santoku", {knife.slug}),
        ("nothing-like-this", set()),
    ]:
        assert set(slugs(client.get(LIST, {"q": query}))) == expected, query


def test_a_product_matching_through_several_variants_is_listed_once(client):
    product = product_with_stock(name="Wandersocke", sku="SOCK-1")
    VariantFactory(product=product, sku="SOCK-2")
    assert slugs(client.get(LIST, {"q": "sock"})) == [product.slug]


def test_category_filter_includes_sub_categories(client):
    outdoor = CategoryFactory(name="Outdoor", slug="outdoor")
    jackets = CategoryFactory(name="Jacken", slug="jacken", parent=outdoor)
    kitchen = CategoryFactory(name="Küche", slug="kueche")
    in_top = product_with_stock(category=outdoor)
    in_sub = product_with_stock(category=jackets)
    elsewhere = product_with_stock(category=kitchen)
    assert set(slugs(client.get(LIST, {"category": "outdoor"}))) == {in_top.slug, in_sub.slug}
    assert slugs(client.get(LIST, {"category": "jacken"})) == [in_sub.slug]
    assert elsewhere.slug in slugs(client.get(LIST, {"category": "no-such-category"}))


def test_in_stock_filter_keeps_what_my_store_has_available(client, berlin, hamburg):
    here = product_with_stock({berlin: 2})
    only_hamburg = product_with_stock({hamburg: 5})
    reserved_away = product_with_stock()
    level = stock(berlin, reserved_away.variants.get(), on_hand=1, safety_buffer=1)
    assert level.available == 0
    choose_store(client, berlin)
    assert slugs(client.get(LIST, {"in_stock": "1"})) == [here.slug]
    assert set(slugs(client.get(LIST))) == {here.slug, only_hamburg.slug, reserved_away.slug}


def test_in_stock_filter_without_a_store_filters_nothing(client, berlin):
    product = product_with_stock()
    assert slugs(client.get(LIST, {"in_stock": "1"})) == [product.slug]


def test_inactive_products_are_hidden_and_those_without_variants_unavailable(client):
    product_with_stock(is_active=False)
    retired = product_with_stock()
    retired.variants.update(is_active=False)
    response = client.get(LIST)
    assert slugs(response) == [retired.slug]
    assert "data-price" not in response.content.decode()
    page = client.get(retired.get_absolute_url())
    assert page.status_code == 200
    assert 'id="availability"' not in page.content.decode()
    availability = reverse("shop:product_availability", kwargs={"slug": retired.slug})
    assert client.get(availability).status_code == 404


def test_badges_in_stock_only_n_left_and_not_here_with_the_nearest_store(
    client, berlin, potsdam, hamburg
):
    plenty = product_with_stock({berlin: 4})
    few = product_with_stock({berlin: 3})
    elsewhere = product_with_stock({berlin: 0, hamburg: 8, potsdam: 1})
    nowhere = product_with_stock()
    choose_store(client, berlin)
    response = client.get(LIST)
    assert badges(response) == {
        plenty.slug: "in-stock",
        few.slug: "low-stock",
        elsewhere.slug: "out-of-stock",
        nowhere.slug: "out-of-stock",
    }
    assert 'data-state="low-stock" data-units="3"' in response.content.decode()
    results = response.content.decode().split('id="product-results"')[1].split("<footer")[0]
    assert potsdam.name in results  # the nearest store that has it, not Hamburg
    assert hamburg.name not in results


def test_no_badges_before_a_store_is_chosen(client):
    product = product_with_stock()
    assert badges(client.get(LIST)) == {product.slug: None}


def test_pagination_shows_48_per_page_and_survives_a_bad_page(client):
    for _ in range(49):
        product_with_stock()
    assert len(slugs(client.get(LIST))) == 48
    assert len(slugs(client.get(LIST, {"page": 2}))) == 1
    assert len(slugs(client.get(LIST, {"page": "abc"}))) == 48
    assert len(slugs(client.get(LIST, {"page": 99}))) == 1


def test_htmx_filter_request_gets_only_the_results(client):
    product = product_with_stock(name="Laterne")
    response = client.get(
        LIST, {"q": "laterne"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="product-results"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="product-results"')
    assert "<header" not in html
    assert slugs(response) == [product.slug]


def test_sort_by_price_and_newest(client):
    cheap = product_with_stock(name="B")
    cheap.variants.update(price="5.00")
    dear = product_with_stock(name="A")
    dear.variants.update(price="500.00")
    assert slugs(client.get(LIST, {"sort": "price_asc"})) == [cheap.slug, dear.slug]
    assert slugs(client.get(LIST, {"sort": "price_desc"})) == [dear.slug, cheap.slug]
    assert slugs(client.get(LIST, {"sort": "newest"})) == [dear.slug, cheap.slug]
    assert slugs(client.get(LIST, {"sort": "bogus"})) == [dear.slug, cheap.slug]  # by name
    unpriced = product_with_stock(name="0")
    unpriced.variants.update(is_active=False)
    assert slugs(client.get(LIST, {"sort": "price_asc"}))[-1] == unpriced.slug
    assert slugs(client.get(LIST, {"sort": "price_desc"}))[-1] == unpriced.slug


def test_list_page_for_a_logged_in_shopper_stays_within_the_query_budget(
    client, shopper, berlin, hamburg, django_assert_max_num_queries, django_assert_num_queries
):
    from tests.factories import PASSWORD

    for i in range(50):
        product_with_stock([{berlin: 9}, {hamburg: 1}][i % 2])
    shopper.preferred_store = berlin
    shopper.save()
    client.login(email=shopper.email, password=PASSWORD)
    # the first page of a process after a catalogue change also builds the facet index (one
    # query) and my store's stock set (one query, kept a minute), instead of counting the
    # facets in one query; products shown as not at my store add insight's one counter upsert;
    # the navigation (stores, categories) and the next sale boundary are read for the cache
    with django_assert_max_num_queries(13):
        client.get(LIST)
    # from the cache: the session, the shopper, my store, insight's counter upsert and the
    # header's cart count; the results, the facets and the navigation cost none
    with django_assert_num_queries(5):
        response = client.get(LIST)
    assert set(badges(response).values()) == {"in-stock", "out-of-stock"}
