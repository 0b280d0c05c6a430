"""Only technically necessary cookies, all of them named on the privacy page: a real browsing
and checkout session (language switch, cart, login, checkout, logout) collects what the browser
actually got, and each cookie must be listed, with a lifetime that matches what the page says."""

import re
import time
from decimal import Decimal

import pytest

from shop.demo.seed import SeedReport, _seed_legal
from shop.orders.models import Order
from tests import factories
from tests.browser_support import new_context

expect = pytest.importorskip("playwright.sync_api").expect

DAY = 24 * 3600
# The lifetimes the privacy page gives each cookie, in days (None: until the browser closes).
# sessionid lasts 2 weeks with "Stay signed in", else until the browser closes; csrftoken is
# Django's 52 weeks ("1 year" on the page).
LIFETIMES = {
    "sessionid": (None, 14),
    "csrftoken": (364,),
    "django_language": (None,),
    "messages": (None,),
}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_cookie_of_a_shopping_session_is_listed_on_the_privacy_page(browser, live_server):
    _seed_legal(SeedReport())
    store = factories.StoreFactory(name="Berlin Mitte")
    tent = factories.VariantFactory(product__name="Kuppelzelt", price=Decimal("199.00"))
    factories.stock(store, tent, 3)
    shopper = factories.UserFactory(email="erika@example.com")
    url = live_server.url
    context = new_context(
        browser,
        locale="de-DE",
        extra_http_headers={"Accept-Language": "de"},
        viewport={"width": 1366, "height": 900},
    )
    page = context.new_page()

    page.goto(url + "/")
    page.locator(".lang-switch button[value=en]").click()  # sets the language cookie
    page.wait_for_load_state()
    page.locator(".lang-switch button[value=de]").click()
    page.goto(url + tent.product.get_absolute_url())
    page.get_by_test_id("add-to-cart").click()
    page.get_by_test_id("added").wait_for()
    page.goto(url + "/cart/")
    page.get_by_test_id("to-checkout").click()
    page.fill("input[name=login]", shopper.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/checkout/$"))
    page.get_by_test_id("store-option").filter(has_text="Berlin Mitte").click()
    page.fill("input[name=phone]", "+49 30 1234567")
    page.get_by_test_id("place-order").click()
    page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    assert Order.objects.count() == 1
    seen = {cookie["name"]: cookie for cookie in context.cookies()}
    page.goto(url + "/loyalty/card/")
    seen |= {cookie["name"]: cookie for cookie in context.cookies()}

    assert {"sessionid", "csrftoken", "django_language"} <= set(seen), sorted(seen)
    host = re.sub(r"^https?://|:\d+$", "", url)
    for name, cookie in seen.items():
        assert cookie["domain"].lstrip(".") == host, f"third-party cookie {name}"
        assert name in LIFETIMES, f"{name} is not a cookie the privacy page describes"
        if cookie["expires"] == -1:
            assert None in LIFETIMES[name], f"{name} should not end with the browser session"
        else:
            left = (cookie["expires"] - time.time()) / DAY
            assert any(
                days is not None and days - 1 < left <= days + 0.01 for days in LIFETIMES[name]
            ), f"{name} lasts {left:.1f} days, not {LIFETIMES[name]}"

    for language, heading in (("de", "Datenschutzerklärung"), ("en", "Privacy policy")):
        reader = new_context(
            browser, locale=language, extra_http_headers={"Accept-Language": language}
        ).new_page()
        reader.goto(url + "/legal/privacy/")
        expect(reader.get_by_role("heading", level=1)).to_contain_text(heading)
        text = reader.get_by_test_id("legal-page").inner_text()
        for name in LIFETIMES:
            assert re.search(rf"\b{name}\b", text), (language, name)
