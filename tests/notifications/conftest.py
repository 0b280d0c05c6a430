import pytest
from django.utils import translation

from shop.orders.models import Order
from tests import factories

from .smtp import SmtpServer


@pytest.fixture
def store(db):
    return factories.StoreFactory(email="filiale@omnishop.example", phone="+49 30 999")


@pytest.fixture
def associate(store):
    return factories.staff(store, language="en")


@pytest.fixture
def jacket(store):
    variant = factories.VariantFactory(price="49.90", product__name="Regenjacke Nordkap")
    factories.stock(store, variant, 10)
    return variant


@pytest.fixture
def socks(store):
    variant = factories.VariantFactory(price="5.00", product__name="Wandersocken")
    factories.stock(store, variant, 10)
    return variant


def place(store, items, *, language="de", **kwargs) -> Order:
    """An order placed through the order service, as checkout would, in `language`."""
    with translation.override(language):
        return factories.pickup_order(store, items, **kwargs)


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1; Django's SMTP backend pointed at it."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp_server
