"""The hooks ask the cache, not the database, whether an endpoint wants an event.

The statement counts below were measured on commit 7207e01, the last commit before the webhooks
were merged (the same steps, SQLite and PostgreSQL; a step may take one fewer when an earlier
test in the process warmed a cache of another app): with no endpoint that wants an event, the
webhooks add no statement to a checkout, a status change, a collection that earns points, a
cancellation or a product's save. If another change adds statements to these steps, raise the
number there and say why; the webhooks' own share must stay zero.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.orders.services import orders as services
from tests import factories
from webhooks.models import EndpointStatus, WebhookDelivery, WebhookEndpoint
from webhooks.selectors import ENTRY_KEY, VERSION_KEY, webhook_event_wanted, webhook_subscriptions
from webhooks.services import webhook_deliver, webhook_endpoints_resume

pytestmark = pytest.mark.django_db

# Statements per step on 7207e01 (before the webhooks). Since, a cancellation takes one more for
# the back-in-stock alerts (is anybody waiting for the released units at that store?) and one
# for the offers (a coupon use to give back?), and placing two for the offers (the shopper's
# account, locked, with its tier; the automatic offers for that tier). Placing was then made
# cheaper (issue 20): the stock in one statement on PostgreSQL (three on SQLite), no savepoint,
# nothing read back, the order's messages in one INSERT; here the caches of the store's
# calendar (one statement), the legal texts (two) and the automatic offers (one) are cold.
BEFORE_WEBHOOKS = {"picking": 5, "ready": 12, "collect": 38, "cancel": 18}
PLACE = {"sqlite": 16, "postgresql": 14}
PRODUCT_SAVE_BEFORE_WEBHOOKS = {"sqlite": 6, "postgresql": 4}


@pytest.fixture
def shopper(db):
    user = factories.UserFactory()
    factories.loyalty_account(user)  # the collection earns points: a loyalty entry
    return user


def _order_steps(store, jacket, shopper, django_assert_max_num_queries):
    associate = factories.UserFactory(is_superuser=True, is_staff=True)
    with django_assert_max_num_queries(PLACE[connection.vendor]):
        order = services.order_place(
            customer=shopper, store=store, lines=[(jacket, 1)], phone="+49 30 1234567"
        )
    with django_assert_max_num_queries(BEFORE_WEBHOOKS["picking"]):
        order = services.order_start_picking(order=order, actor=associate)
    with django_assert_max_num_queries(BEFORE_WEBHOOKS["ready"]):
        order = services.order_mark_ready(order=order, actor=associate)
    with django_assert_max_num_queries(BEFORE_WEBHOOKS["collect"]):
        services.order_collect(order=order, code=order.pickup_code, actor=associate)
    second = services.order_place(
        customer=shopper, store=store, lines=[(jacket, 1)], phone="+49 30 1234567"
    )
    with django_assert_max_num_queries(BEFORE_WEBHOOKS["cancel"]):
        services.order_cancel(order=second, actor=shopper)


def test_no_endpoint_costs_no_statement(store, jacket, shopper, django_assert_max_num_queries):
    webhook_subscriptions()  # the cache is warm (it is after the first event of a process)
    _order_steps(store, jacket, shopper, django_assert_max_num_queries)
    product = jacket.product
    with django_assert_max_num_queries(PRODUCT_SAVE_BEFORE_WEBHOOKS[connection.vendor]):
        product.name = "Regenjacke Aria"
        product.save()
    assert not WebhookDelivery.objects.exists()


def test_endpoints_for_other_events_or_stores_cost_no_statement(
    store, jacket, shopper, receiver, django_assert_max_num_queries
):
    other = factories.StoreFactory()
    WebhookEndpoint.objects.create(name="Catalogue", url=receiver.url, events=["return.refunded"])
    WebhookEndpoint.objects.create(
        name="Other store", url=receiver.url, store=other, events=["order.placed", "loyalty.entry"]
    )
    WebhookEndpoint.objects.create(
        name="Off",
        url=receiver.url,
        events=["order.placed", "loyalty.entry"],
        status=EndpointStatus.DISABLED,
    )
    webhook_subscriptions()
    _order_steps(store, jacket, shopper, django_assert_max_num_queries)
    assert not WebhookDelivery.objects.exists()


def test_a_cold_cache_costs_one_query_then_none(store, django_assert_num_queries):
    cache.clear()
    with django_assert_num_queries(1):
        assert not webhook_event_wanted(event="order.placed", store_id=store.pk)
    with django_assert_num_queries(0):
        assert not webhook_event_wanted(event="order.placed", store_id=store.pk)
        assert not webhook_event_wanted(event="loyalty.entry")


def test_saving_deleting_or_resuming_an_endpoint_is_seen_at_once(
    store, receiver, django_assert_num_queries, django_capture_on_commit_callbacks
):
    other = factories.StoreFactory()
    assert not webhook_event_wanted(event="order.ready", store_id=store.pk)

    with django_capture_on_commit_callbacks(execute=True):
        endpoint = WebhookEndpoint.objects.create(
            name="ERP", url=receiver.url, store=store, events=["order.ready"]
        )
    assert webhook_event_wanted(event="order.ready", store_id=store.pk)
    assert not webhook_event_wanted(event="order.ready", store_id=other.pk)
    assert not webhook_event_wanted(event="order.placed", store_id=store.pk)

    endpoint.store = None  # head office: every store's
    endpoint.events = ["order.placed"]
    endpoint.save()
    assert webhook_event_wanted(event="order.placed", store_id=other.pk)
    assert not webhook_event_wanted(event="order.ready", store_id=store.pk)

    endpoint.status = EndpointStatus.DISABLED
    endpoint.save(update_fields=["status"])
    assert not webhook_event_wanted(event="order.placed", store_id=store.pk)
    webhook_endpoints_resume(endpoint_ids=[endpoint.pk])  # a bulk update, no signal
    assert webhook_event_wanted(event="order.placed", store_id=store.pk)

    endpoint.delete()
    assert not webhook_event_wanted(event="order.placed", store_id=store.pk)


def test_the_version_is_replaced_again_after_commit(receiver, django_capture_on_commit_callbacks):
    """Another process may read the endpoints before the commit and cache what it read; the
    token replaced after commit makes that entry stale for everyone (on a shared cache)."""
    webhook_subscriptions()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        WebhookEndpoint.objects.create(name="ERP", url=receiver.url, events=["order.placed"])
    during = cache.get(VERSION_KEY)
    # What a process that read before the commit would have cached: nothing wanted.
    cache.set(ENTRY_KEY, {"version": during, "subscriptions": {}})
    assert not webhook_event_wanted(event="order.placed")
    for callback in callbacks:
        callback()
    assert cache.get(VERSION_KEY) != during
    assert webhook_event_wanted(event="order.placed")


def test_a_delivery_does_not_forget_the_cached_subscriptions(
    store, jacket, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        factories.pickup_order(store, [(jacket, 1)])
    webhook_subscriptions()
    version = cache.get(VERSION_KEY)
    receiver.statuses = [500]
    delivery = WebhookDelivery.objects.get()
    assert webhook_deliver(delivery_id=delivery.pk) == "pending"  # failed: counted
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1
    assert cache.get(VERSION_KEY) == version
    with CaptureQueriesContext(connection) as queries:
        assert webhook_event_wanted(event="order.placed", store_id=store.pk)
    assert len(queries) == 0
