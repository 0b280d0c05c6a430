"""A shopper applies a coupon code at checkout in real Chromium (German, phone width) and the
order carries the discount; cart, checkout and card page fit 1366, 1024 and 360 px in German and
English without sideways scrolling. `OFFERS_SCREENSHOTS=<dir>` keeps the screenshots."""

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from shop.orders.models import Order
from stores.selectors import SESSION_KEY as MY_STORE_KEY
from tests import factories
from tests.browser_support import new_context
from tests.offers.conftest import promotion

expect = pytest.importorskip("playwright.sync_api").expect


def _context(browser, live_server, user, store, *, language, width):
    client = Client()
    client.force_login(user)
    session = client.session
    session[MY_STORE_KEY] = store.pk
    session.save()
    context = new_context(browser, viewport={"width": width, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    return context


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_apply_a_code_at_checkout_and_reserve(browser, live_server, tmp_path):
    store = factories.StoreFactory(name="Berlin Mitte", code="berlin-mitte")
    jacket = factories.VariantFactory(product__name="Regenjacke", price=Decimal("100.00"))
    factories.stock(store, jacket, 5)
    account = factories.loyalty_account(factories.UserFactory(email="erika@example.com"))
    promotion("SOMMER10", name="Sommer 10 %")
    folder = Path(os.environ.get("OFFERS_SCREENSHOTS") or tmp_path)
    url = live_server.url

    page = _context(browser, live_server, account.user, store, language="de", width=360).new_page()
    page.goto(url + jacket.product.get_absolute_url())
    page.get_by_test_id("add-to-cart").click()
    page.get_by_test_id("added").wait_for()
    page.goto(url + "/checkout/")
    page.get_by_test_id("offer-code").fill("falsch")
    page.get_by_test_id("offer-apply").click()
    expect(page.get_by_role("alert").or_(page.locator(".messages"))).to_contain_text(
        "Der Code „FALSCH“ ist nicht gültig."
    )
    page.get_by_test_id("offer-code").fill("sommer10")
    page.get_by_test_id("offer-apply").click()
    page.wait_for_url(re.compile(r"/checkout/$"))
    expect(page.get_by_test_id("offer-discount")).to_have_text("−10,00\xa0€")
    expect(page.get_by_test_id("amount-due")).to_have_text("90,00\xa0€")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(folder / "checkout-de-360.png"), full_page=True)
    page.get_by_test_id("store-option").filter(has_text="Berlin Mitte").click()
    page.fill("input[name=phone]", "+49 30 1234567")
    page.get_by_test_id("place-order").click()
    page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    expect(page.get_by_test_id("offer-discount")).to_have_text("−10,00\xa0€")
    order = Order.objects.get()
    assert (order.offer_discount, order.amount_due) == (Decimal("10.00"), Decimal("90.00"))

    # The pages with an offer fit every width in both languages.
    promotion("HERBST5", name="Herbst 5 €", kind="amount", amount=Decimal("5"))
    for language in ("de", "en"):
        for width in (1366, 1024, 360):
            context = _context(
                browser, live_server, account.user, store, language=language, width=width
            )
            view = context.new_page()
            view.goto(url + jacket.product.get_absolute_url())
            view.get_by_test_id("add-to-cart").click()
            view.get_by_test_id("added").wait_for()
            view.goto(url + "/cart/")
            view.get_by_test_id("offer-code").fill("HERBST5")
            view.get_by_test_id("offer-apply").click()
            view.get_by_test_id("offer-discount").wait_for()
            for name, path in (
                ("cart", "/cart/"),
                ("checkout", "/checkout/"),
                ("card", "/loyalty/card/"),
            ):
                view.goto(url + path)
                assert view.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
                view.screenshot(path=str(folder / f"{name}-{language}-{width}.png"), full_page=True)
            context.close()
