"""Browser contexts for the Playwright tests (the `browser` fixture lives in `tests/conftest.py`)."""

from django.conf import settings
from django.test import Client

TIMEOUT_MS = 10_000


def new_context(browser, *, locale="en-US", **options):
    """A fresh context (own cookies and storage) that gives up on a missing element after 10 s."""
    context = browser.new_context(locale=locale, **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def logged_in_context(browser, live_server, user, **options):
    """A context already logged in as `user`, with the site in English.

    Logs in through Django's test Client instead of the login form and hands the session cookie
    over to the browser; the language cookie keeps German (the default) out of the assertions.
    """
    client = Client()
    client.force_login(user)
    context = new_context(browser, **options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
        ]
    )
    return context
