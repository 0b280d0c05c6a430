"""`product.changed` for what the catalogue feed writes in bulk (no signals): one event per
created, changed or deactivated product, in the feed's transaction, written in bulk."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.catalogue.errors import CatalogueFeedRejected
from shop.catalogue.feed.reading import feed_from_data
from shop.catalogue.feed.services import catalogue_feed_import
from shop.catalogue.models import Product
from tests.factories import CategoryFactory
from tests.notifications.broker import eager_tasks
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.selectors import webhook_subscriptions

pytestmark = pytest.mark.django_db


def item(n, price="10.00", **extra):
    return {
        "slug": f"artikel-{n}",
        "name": f"Artikel {n}",
        "category": "jacken",
        "variants": [{"sku": f"SKU-{n}-{size}", "price": price} for size in ("S", "M")],
        **extra,
    }


def run(products, full=False):
    feed, _full = feed_from_data({"products": products, "full": full})
    return catalogue_feed_import(feed=feed, full=full, source="api")


@pytest.fixture
def jacken(db):
    return CategoryFactory(slug="jacken", name="Jacken")


@pytest.fixture
def catalogue_endpoint(receiver):
    return WebhookEndpoint.objects.create(
        name="Marketplace", url=receiver.url, events=["product.changed"]
    )


def _events():
    return {
        row.subject_key: row.payload
        for row in WebhookDelivery.objects.filter(event="product.changed").order_by("pk")
    }


def test_one_event_per_created_changed_or_deactivated_product(
    jacken, catalogue_endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run([item(1), item(2), item(3)])
    ids = dict(Product.objects.values_list("slug", "pk"))
    assert set(_events()) == {f"product:{ids[f'artikel-{n}']}" for n in (1, 2, 3)}
    WebhookDelivery.objects.all().delete()

    # 1: a new price; 2: unchanged; 3: left out of a full feed (deactivated); 4: new.
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        report = run([item(1, price="12.50"), item(2), item(4)], full=True)
    assert report.products_deactivated == ["artikel-3"]
    ids = dict(Product.objects.values_list("slug", "pk"))
    events = _events()
    assert set(events) == {
        f"product:{ids[slug]}" for slug in ("artikel-1", "artikel-3", "artikel-4")
    }
    changed = events[f"product:{ids['artikel-1']}"]["data"]
    assert changed["id"] == ids["artikel-1"] and changed["is_active"] is True
    assert {v["sku"]: v["price"] for v in changed["variants"]} == {
        "SKU-1-S": "12.50",
        "SKU-1-M": "12.50",
    }
    assert events[f"product:{ids['artikel-3']}"]["data"]["is_active"] is False
    assert events[f"product:{ids['artikel-4']}"]["data"]["name"] == "Artikel 4"
    # Each is its own event and arrives at the receiver, signed.
    assert len({payload["id"] for payload in events.values()}) == 3
    arrived = receiver.accepted()
    assert sorted(body["data"]["slug"] for body in arrived) == [
        "artikel-1",
        "artikel-3",
        "artikel-4",
    ]
    assert all(receiver.verified(r, catalogue_endpoint.secret) for r in receiver.received)


def test_a_variant_dropped_from_the_feed_changes_its_product(jacken, catalogue_endpoint):
    run([item(1)])
    WebhookDelivery.objects.all().delete()
    shrunk = item(1)
    shrunk["variants"] = shrunk["variants"][:1]
    run([shrunk])
    [payload] = _events().values()
    assert {v["sku"]: v["is_active"] for v in payload["data"]["variants"]} == {
        "SKU-1-S": True,
        "SKU-1-M": False,
    }


def test_many_products_are_written_in_a_few_statements(jacken, catalogue_endpoint):
    run([item(n) for n in range(60)])
    WebhookDelivery.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        report = run([item(n, price="11.00") for n in range(60)])
    assert len(report.price_changes) == 120
    assert WebhookDelivery.objects.filter(event="product.changed").count() == 60
    sql = [q["sql"] for q in queries.captured_queries]
    inserts = [s for s in sql if s.startswith('INSERT INTO "webhooks_webhookdelivery"')]
    assert len(inserts) == 1
    # The endpoints once, the products once, their variants once: not a query per product.
    assert len([s for s in sql if 'FROM "webhooks_webhookendpoint"' in s]) == 1
    product_reads = [s for s in sql if s.startswith("SELECT") and 'FROM "shop_variant"' in s]
    assert len(product_reads) < 10


def test_no_endpoint_no_event_and_no_query(jacken, receiver):
    WebhookEndpoint.objects.create(name="Orders", url=receiver.url, events=["order.placed"])
    run([item(n) for n in range(5)])
    webhook_subscriptions()
    with CaptureQueriesContext(connection) as queries:
        run([item(n, price="11.00") for n in range(5)])
    assert not WebhookDelivery.objects.exists()
    assert not [q for q in queries.captured_queries if "webhooks_" in q["sql"]]


def test_a_rejected_feed_sends_nothing(jacken, catalogue_endpoint):
    with pytest.raises(CatalogueFeedRejected):
        run([item(1), item(2, price="-1")])
    assert not WebhookDelivery.objects.exists()
    assert not Product.objects.exists()
