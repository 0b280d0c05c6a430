"""Two catalogue feeds at the same moment on PostgreSQL: never a 500, never half a feed."""

import pytest

from shop.catalogue.errors import CatalogueFeedRejected
from shop.catalogue.feed.reading import feed_from_data
from shop.catalogue.feed.services import catalogue_feed_import
from shop.catalogue.models import PriceChange, Product, Variant
from tests import factories
from tests.components import require_postgres
from tests.loyalty.test_concurrency import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def feed(price):
    products = [
        {
            "slug": f"p-{n}",
            "name": f"Produkt {n}",
            "category": "race",
            "variants": [{"sku": f"R-{n}", "price": price}],
        }
        for n in range(50)
    ]
    return feed_from_data({"products": products})[0]


def test_two_feeds_creating_the_same_products_one_wins_the_other_is_refused_whole():
    require_postgres()
    factories.CategoryFactory(slug="race")
    outcomes = run_concurrently(
        [
            lambda p=price: catalogue_feed_import(feed=feed(p), full=False, source="api")
            for price in ("10.00", "12.00")
        ]
    )
    refused = [o for o in outcomes if isinstance(o, CatalogueFeedRejected)]
    applied = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(applied) == 1 and len(refused) == 1, outcomes
    assert Product.objects.count() == 50 and Variant.objects.count() == 50
    assert len(set(Variant.objects.values_list("price", flat=True))) == 1
    assert PriceChange.objects.count() == 50


def test_two_feeds_changing_the_same_prices_are_applied_one_after_the_other():
    require_postgres()
    factories.CategoryFactory(slug="race")
    catalogue_feed_import(feed=feed("9.00"), full=False, source="api")
    outcomes = run_concurrently(
        [
            lambda p=price: catalogue_feed_import(feed=feed(p), full=False, source="api")
            for price in ("10.00", "12.00")
        ]
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    # Both were applied in turn (the variant rows are locked): the history has both changes
    # and the price is the later one's, the same for every variant.
    assert len(set(Variant.objects.values_list("price", flat=True))) == 1
    assert PriceChange.objects.count() == 50 * 3
