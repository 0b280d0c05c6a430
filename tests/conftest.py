import pytest

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
