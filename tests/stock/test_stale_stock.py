"""The cached list page and availability answer never show stale stock (issue 20).

Every stock-changing service moves my store's and the product's stock version when its
transaction commits (`inventory.stock_versions`); the next list page and the next availability
answer are built anew. Runs on SQLite and, with DATABASE_URL and CACHE_URL, on PostgreSQL and
Redis. The writes run inside `django_capture_on_commit_callbacks(execute=True)`: the test's
transaction never commits, and the versions move on commit.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from inventory.counts import stock_count_take
from returns.models import LineCondition
from returns.services import return_receive, return_request_create
from stores.tokens import store_token_create
from tests import factories
from tests.catalogue.conftest import choose_store, make_store
from tests.clock import freeze
from tests.returns.helpers import inspect_all, line_of

pytestmark = pytest.mark.django_db
LIST = reverse("shop:product_list")


@pytest.fixture
def berlin(db):
    return make_store("ber", "Berlin", "10178", 52.5219, 13.4132, name="Berlin Alexanderplatz")


@pytest.fixture
def jacket(berlin, django_capture_on_commit_callbacks):
    variant = factories.VariantFactory(price="49.90", product__name="Regenjacke Nordkap")
    with django_capture_on_commit_callbacks(execute=True):
        factories.stock(berlin, variant, on_hand=10)
    return variant


def list_units(client, product) -> int:
    """The units the list page's card of `product` shows for my store."""
    html = client.get(LIST).content.decode()
    card = re.search(rf'data-product="{re.escape(product.slug)}">.*?data-units="(\d+)"', html, re.S)
    assert card, "the product's card has no store badge"
    return int(card[1])


def answer_units(product, store) -> int:
    """The units the availability API answers for `store`."""
    response = APIClient().get(
        f"/api/v1/products/{product.slug}/availability/", {"near": "52.52,13.41"}
    )
    assert response.status_code == 200
    (row,) = [row for row in response.json()["stores"] if row["code"] == store.code]
    return row["total"]


def seen(client, product, store) -> tuple[int, int]:
    return list_units(client, product), answer_units(product, store)


def assert_cached(client, product, store):
    """A second look is served from the cache: no query for the answer, and for the list page
    only the session's and my store's (the results, facets and navigation cost none)."""
    with CaptureQueriesContext(connection) as answer:
        answer_units(product, store)
    assert len(answer.captured_queries) == 0
    with CaptureQueriesContext(connection) as page:
        list_units(client, product)
    assert len(page.captured_queries) <= 2, [q["sql"][:80] for q in page.captured_queries]


def test_a_reservation_changes_the_next_page_and_answer(
    client, berlin, jacket, django_capture_on_commit_callbacks
):
    choose_store(client, berlin)
    assert seen(client, jacket.product, berlin) == (10, 10)
    assert_cached(client, jacket.product, berlin)
    with django_capture_on_commit_callbacks(execute=True):
        factories.pickup_order(berlin, [(jacket, 3)])  # checkout: order_place reserves
    assert seen(client, jacket.product, berlin) == (7, 7)


def test_a_till_sale_changes_the_next_page_and_answer(
    client, berlin, jacket, django_capture_on_commit_callbacks
):
    choose_store(client, berlin)
    assert seen(client, jacket.product, berlin) == (10, 10)
    assert_cached(client, jacket.product, berlin)
    till = APIClient()
    till.credentials(
        HTTP_AUTHORIZATION=f"StoreToken {store_token_create(store=berlin, name='Till 1')[1]}"
    )
    body = {
        "receipt_number": "R-1",
        "total": "99.80",
        "lines": [{"sku": jacket.sku, "quantity": 2, "unit_price": "49.90"}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = till.post("/api/v1/loyalty/receipts/", body, format="json")
    assert response.status_code == 201, response.json()
    assert seen(client, jacket.product, berlin) == (8, 8)


def test_a_count_changes_the_next_page_and_answer(
    client, berlin, jacket, django_capture_on_commit_callbacks
):
    choose_store(client, berlin)
    assert seen(client, jacket.product, berlin) == (10, 10)
    assert_cached(client, jacket.product, berlin)
    with django_capture_on_commit_callbacks(execute=True):
        stock_count_take(store=berlin, user=factories.staff(berlin), counted={jacket.pk: 9})
    assert seen(client, jacket.product, berlin) == (9, 9)


def test_a_return_changes_the_next_page_and_answer(
    client, berlin, jacket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = factories.collected_order(berlin, [(jacket, 2)])
    choose_store(client, berlin)
    assert seen(client, jacket.product, berlin) == (8, 8)
    assert_cached(client, jacket.product, berlin)
    with django_capture_on_commit_callbacks(execute=True):
        ret = return_request_create(
            order=order,
            lines=[(line_of(order, jacket), 1)],
            reason="too_small",
            actor=order.customer,
        )
        return_receive(
            ret=ret,
            store=berlin,
            actor=factories.staff(berlin),
            inspections=inspect_all(ret, condition=LineCondition.SELLABLE),
        )
    assert seen(client, jacket.product, berlin) == (9, 9)


def test_elsewhere_hint_follows_the_other_store(client, berlin, django_capture_on_commit_callbacks):
    """A card not at my store says where it is; that store selling out changes the card, though
    my store's stock did not move."""
    potsdam = make_store("pdm", "Potsdam", "14467", 52.3989, 13.0657, name="Potsdam Mitte")
    variant = factories.VariantFactory(price="20.00")
    with django_capture_on_commit_callbacks(execute=True):
        factories.stock(berlin, factories.VariantFactory(), on_hand=1)  # my store has stock
        factories.stock(potsdam, variant, on_hand=1)
    choose_store(client, berlin)
    assert "available at Potsdam Mitte" in client.get(LIST).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        factories.pickup_order(potsdam, [(variant, 1)])
    assert "available at Potsdam Mitte" not in client.get(LIST).content.decode()


def test_nothing_of_one_shopper_reaches_another_through_the_cache(client, berlin, jacket):
    client.force_login(factories.UserFactory(first_name="Adelheid"))
    choose_store(client, berlin)
    html = client.get(LIST).content.decode()
    assert "Adelheid" in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]

    other = Client()
    other.force_login(factories.UserFactory(first_name="Bertram"))
    choose_store(other, berlin)
    with CaptureQueriesContext(connection) as hit:
        theirs = other.get(LIST).content.decode()
    assert not any("shop_product" in q["sql"] for q in hit.captured_queries)  # from the cache
    assert "Bertram" in theirs and 'name="csrfmiddlewaretoken"' in theirs
    assert "Adelheid" not in theirs and token not in theirs


def test_an_entry_ends_at_the_next_sale_boundary(client, berlin, jacket, monkeypatch):
    """A sale that starts by the clock (no write moves a version) shows on the next page."""
    now = timezone.now()
    jacket.sale_price, jacket.sale_from = Decimal("39.90"), now + dt.timedelta(minutes=2)
    jacket.save(update_fields=["sale_price", "sale_from"])
    choose_store(client, berlin)
    assert "49.90" in client.get(LIST).content.decode()
    freeze(monkeypatch, now + dt.timedelta(minutes=1))
    assert "49.90" in client.get(LIST).content.decode()  # still the same entry
    freeze(monkeypatch, now + dt.timedelta(minutes=2, seconds=1))
    page = client.get(LIST).content.decode()
    assert "39.90" in page and "49.90" not in page


def test_a_renamed_store_shows_in_the_cached_navigation(
    client, berlin, jacket, django_capture_on_commit_callbacks
):
    choose_store(client, berlin)
    assert ">Berlin Alexanderplatz</option>" in client.get(LIST).content.decode()
    berlin.name = "Berlin Mitte"
    with django_capture_on_commit_callbacks(execute=True):
        berlin.save(update_fields=["name"])
    page = client.get(LIST).content.decode()
    assert ">Berlin Mitte</option>" in page and "Alexanderplatz" not in page


def in_stock_count(client) -> int:
    html = client.get(LIST).content.decode()
    found = re.search(r'data-testid="in-stock-filter".*?class="facet-count">(\d+)<', html, re.S)
    assert found, "no in-stock facet"
    return int(found[1])


def test_selling_the_last_units_changes_the_in_stock_count_at_once(
    client, berlin, jacket, django_capture_on_commit_callbacks
):
    """The facet index keeps each store's in-stock set under the store's stock version."""
    choose_store(client, berlin)
    assert in_stock_count(client) == 1
    with django_capture_on_commit_callbacks(execute=True):
        factories.pickup_order(berlin, [(jacket, 10)])
    assert in_stock_count(client) == 0
