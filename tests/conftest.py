import pytest
from django.test import RequestFactory
from django.utils import translation

from tests import factories
from tests.components import CHROMIUM, require_chromium

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache: the rate limits (logins, sign-up confirmation
    mails) live there, and one test's attempts must not count against the next test."""
    from django.core.cache import cache

    from inventory import stock_versions

    cache.clear()
    # variant ids come back in the next test (rolled back) belonging to another product
    stock_versions._product_of.clear()
    yield
    cache.clear()


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


@pytest.fixture
def browser(monkeypatch):
    """A fresh headless Chromium for one test; open pages with `tests.browser_support`."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio event loop in the test thread, so Django refuses ORM
    # calls there as "async unsafe". Allow them only while this test runs: set for the whole
    # process, the variable would leak into every later test (and into `check --deploy`).
    # For the same reason the fixture is per test: a session-wide Playwright would keep that
    # loop running through every later test, browser or not.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
