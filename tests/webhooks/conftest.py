import pytest

from tests import factories
from webhooks.models import WebhookEndpoint

from .receiver import Receiver

ORDER_EVENTS = ["order.placed", "order.ready", "order.collected", "order.cancelled"]


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


@pytest.fixture
def store(db):
    return factories.StoreFactory()


@pytest.fixture
def jacket(store):
    variant = factories.VariantFactory(price="49.90")
    factories.stock(store, variant, 10)
    return variant


@pytest.fixture
def endpoint(receiver, store):
    return WebhookEndpoint.objects.create(name="ERP", url=receiver.url, events=ORDER_EVENTS)
