import pytest

from tests import factories
from tests.fake_stripe import FakeStripeServer

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def fake_stripe(settings):
    """The local Stripe stand-in, with the `stripe` client and Stripe.js pointed at it."""
    with FakeStripeServer(WEBHOOK_SECRET) as fake:
        settings.STRIPE_SECRET_KEY = "sk_test_omnishop"
        settings.STRIPE_PUBLISHABLE_KEY = "pk_test_omnishop"
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = fake.url
        settings.STRIPE_JS_URL = f"{fake.url}/v3/"
        settings.STRIPE_TIMEOUT = 3
        yield fake


@pytest.fixture
def associate(store):
    return factories.staff(store)


@pytest.fixture
def jacket(store):
    return factories.stocked_variant(store, "49.90")


@pytest.fixture
def socks(store):
    return factories.stocked_variant(store, "5.00")
