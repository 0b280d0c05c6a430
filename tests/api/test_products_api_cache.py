"""The product API's answers are kept in the cache (shop.storefront.api.answers): a kept answer
costs no query, and every write that changes what it shows, or a sale starting by the clock,
gives the next request a fresh one."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.catalogue.selectors import next_price_change
from shop.catalogue.services import variant_price_set
from shop.storefront.api.answers import ANSWER_SECONDS, answer_seconds
from tests.factories import StoreFactory, VariantFactory, product_with_variants, stock

pytestmark = pytest.mark.django_db
LIST = "/api/v1/products/"


def first_price(client, **params):
    return client.get(LIST, params).json()["results"][0]["variants"][0]["price"]


def test_a_kept_answer_costs_no_query(client, django_assert_num_queries):
    for n in range(3):
        product_with_variants(2, name=f"Watzmann Regenjacke {n}")
    first = client.get(LIST, {"q": "Regenjacke", "page_size": 2})
    assert first.json()["count"] == 3
    with django_assert_num_queries(0):
        again = client.get(LIST, {"q": "Regenjacke", "page_size": 2})
    assert again.json() == first.json()


def test_a_kept_answer_is_shared_by_the_same_parameters_only(client, django_assert_num_queries):
    """Its links repeat the parameters: in another order they are the same answer; written
    otherwise it is another answer, with its own links."""
    for n in range(3):
        product_with_variants(1, name=f"Watzmann Regenjacke {n}")
    first = client.get(f"{LIST}?q=Regenjacke&page_size=2").json()
    with django_assert_num_queries(0):
        same = client.get(f"{LIST}?page_size=2&q=Regenjacke").json()
    assert same == first
    assert first["next"].endswith("?page=2&page_size=2&q=Regenjacke")
    spaced = client.get(f"{LIST}?q=+Regenjacke&page_size=2").json()
    assert spaced["results"] == first["results"]
    assert spaced["next"].endswith("?page=2&page_size=2&q=+Regenjacke")


def test_a_kept_answer_is_kept_per_language(client):
    VariantFactory(price=Decimal("12.90"), net_quantity=Decimal("1.000"), quantity_unit="kg")
    english = client.get(LIST).json()["results"][0]["variants"][0]["base_price"]["text"]
    german = client.get(LIST, HTTP_ACCEPT_LANGUAGE="de").json()
    assert english == "1\u00a0kg = €12.90"
    assert german["results"][0]["variants"][0]["base_price"]["text"] == "1\u00a0kg = 12,90\u00a0€"


def test_a_price_write_shows_in_the_next_answer(client, django_capture_on_commit_callbacks):
    product = product_with_variants(1, name="Watzmann Regenjacke")
    assert first_price(client, q="Regenjacke") == "49.90"
    assert first_price(client) == "49.90"
    with django_capture_on_commit_callbacks(execute=True):
        variant_price_set(variant=product.variants.get(), price=Decimal("59.90"))
    assert first_price(client, q="Regenjacke") == "59.90"
    assert first_price(client) == "59.90"


def test_a_product_edit_shows_in_the_next_answer(client, django_capture_on_commit_callbacks):
    product = product_with_variants(1, name="Watzmann Regenjacke", brand="Bergwerk")
    assert client.get(LIST, {"q": "Regenjacke"}).json()["results"][0]["brand"] == "Bergwerk"
    with django_capture_on_commit_callbacks(execute=True):
        product.brand = "Nordwand"
        product.save()
    assert client.get(LIST, {"q": "Regenjacke"}).json()["results"][0]["brand"] == "Nordwand"
    with django_capture_on_commit_callbacks(execute=True):
        product.delete()
    assert client.get(LIST, {"q": "Regenjacke"}).json()["count"] == 0


def test_the_answer_is_not_kept_past_the_start_of_a_sale(client):
    variant = VariantFactory(
        price=Decimal("49.90"),
        sale_price=Decimal("39.90"),
        sale_from=timezone.now() + dt.timedelta(seconds=3),
    )
    assert first_price(client) == "49.90"
    time.sleep(max(0, (variant.sale_from - timezone.now()).total_seconds()) + 0.1)
    assert first_price(client) == "39.90"


def test_answers_are_kept_until_the_first_sale_boundary_of_their_variants():
    now = timezone.now()
    product = product_with_variants(1)
    product.variants.update(
        sale_price=Decimal("1.00"),
        sale_from=now - dt.timedelta(hours=1),
        sale_until=now + dt.timedelta(seconds=90),
    )
    other = product_with_variants(1)
    other.variants.update(sale_price=Decimal("1.00"), sale_from=now + dt.timedelta(seconds=30))
    unpriced = product_with_variants(1)
    unpriced.variants.update(sale_from=now + dt.timedelta(seconds=5))  # no sale price: no sale
    assert next_price_change(variants=product.variants.all(), after=now) == now + dt.timedelta(
        seconds=90
    )
    assert answer_seconds([unpriced], priced_at=now) == ANSWER_SECONDS
    assert 85 <= answer_seconds([product], priced_at=now) <= 90
    assert 25 <= answer_seconds([product, other, unpriced], priced_at=now) <= 30
    assert answer_seconds([product], priced_at=now + dt.timedelta(seconds=91)) == ANSWER_SECONDS


def test_answers_filtered_by_stock_are_not_kept(client):
    store = StoreFactory(code="berlin")
    product = product_with_variants(1)
    assert client.get(LIST, {"in_stock_at": "berlin"}).json()["count"] == 0
    stock(store, product.variants.get(), on_hand=2)
    assert client.get(LIST, {"in_stock_at": "berlin"}).json()["count"] == 1
