import pytest
from django.test import RequestFactory
from django.utils import translation

from tests import factories


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch):
    """Tests speak English unless they ask for German.

    The shop's default language is German, and the German catalogue is complete, so without this
    every assertion on an English message would see German. Code outside a request runs in
    English, and every test client (Django's and DRF's) sends `Accept-Language: en` unless the
    test gives its own header. A test of German passes `Accept-Language: de` (or an empty header
    for the shop's default) or uses `translation.override("de")`; the catalogue itself is checked
    in tests/foundation/test_translations.py.
    """
    init = RequestFactory.__init__

    def english_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")

    monkeypatch.setattr(RequestFactory, "__init__", english_init)
    with translation.override("en"):
        yield


@pytest.fixture
def store(db):
    return factories.StoreFactory()


@pytest.fixture
def shopper(db):
    return factories.UserFactory()


@pytest.fixture
def variant(db):
    return factories.VariantFactory()
