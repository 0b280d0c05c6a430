"""Back in stock at my store in real Chromium: choose a store, ask for the alert on a product
that is out there (by e-mail with double opt-in, and with one click when logged in), a goods
receipt arrives through the stock API, one e-mail and one in-app message go out, and their link
puts the product into the cart with that store chosen.

With OMNISHOP_SCREENSHOTS=<folder> the product page with the alert form is written there at
1366 and 360 px in German and English.
"""

import json
import os
import re
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail

from inventory.models import AlertStatus, StockAlert
from notifications.models import Channel, Notification
from tests import factories
from tests.browser.accessibility import axe_violations
from tests.browser_support import logged_in_context, new_context
from tests.notifications.helpers import deliver

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _book_receipt(live_server, store, variant, quantity):
    """The ERP books a goods receipt over the stock API (real HTTP, the store's token)."""
    request = urllib.request.Request(
        live_server.url + "/api/v1/stock/movements/",
        data=json.dumps(
            {
                "movements": [
                    {
                        "external_id": "WE-4711",
                        "sku": variant.sku,
                        "kind": "receipt",
                        "quantity": quantity,
                    }
                ]
            }
        ).encode(),
        headers={
            "Authorization": f"StoreToken {factories.store_token(store)}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def _choose_store(page, code):
    page.locator(f"li[data-store='{code}'] .choose-cell button").click()
    page.get_by_test_id("stock-alert").wait_for()


def test_alert_from_product_page_to_cart(browser, live_server):
    mine = factories.StoreFactory(name="Berlin Mitte", code="berlin-mitte")
    other = factories.StoreFactory(name="Potsdam", code="potsdam", latitude=Decimal("52.39"))
    variant = factories.VariantFactory(
        product__name="Regenjacke", price=Decimal("89.90"), size="L", colour="Rot"
    )
    factories.stock(other, variant, 4)
    factories.stock(mine, variant, 0)
    shopper = factories.UserFactory(email="erika@example.com", language="en")
    product_url = f"{live_server.url}{variant.product.get_absolute_url()}?variant={variant.pk}"

    # Without login: choose Berlin Mitte, then ask by e-mail.
    anon = new_context(browser, viewport={"width": 1366, "height": 900}).new_page()
    anon.goto(product_url)
    expect(anon.get_by_test_id("stock-alert")).to_have_count(0)
    _choose_store(anon, "berlin-mitte")
    expect(anon.get_by_test_id("badge")).to_have_attribute("data-state", "out-of-stock")
    anon.fill("#stock-alert-email", "kundin@example.com")
    anon.get_by_test_id("stock-alert-submit").click()
    expect(anon.get_by_test_id("stock-alert-done")).to_contain_text("kundin@example.com")
    assert StockAlert.objects.get(email="kundin@example.com").status == AlertStatus.PENDING

    # The confirmation e-mail; its link needs one more click (GET only shows).
    deliver(kind="stock_alert_confirm")
    [confirmation] = mail.outbox
    confirm_path = re.search(r"/alerts/confirm/[^/\s]+/", confirmation.body).group(0)
    anon.goto(live_server.url + confirm_path)
    anon.get_by_test_id("stock-alert-link-submit").click()
    expect(anon.get_by_test_id("stock-alert-state")).to_contain_text("Your alert is active")

    # Logged in: one click.
    member = logged_in_context(
        browser, live_server, shopper, viewport={"width": 390, "height": 844}
    )
    page = member.new_page()
    page.goto(product_url)
    _choose_store(page, "berlin-mitte")
    expect(page.locator("#stock-alert-email")).to_have_count(0)
    page.get_by_test_id("stock-alert-submit").click()
    expect(page.get_by_test_id("stock-alert-done")).to_contain_text("Berlin Mitte")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The goods receipt: one message per alert.
    _book_receipt(live_server, mine, variant, 3)
    assert set(StockAlert.objects.values_list("status", flat=True)) == {AlertStatus.SENT}
    back = Notification.objects.filter(kind="stock_back_in_store")
    assert sorted((n.channel, n.recipient_email) for n in back) == [
        (Channel.EMAIL, "erika@example.com"),
        (Channel.EMAIL, "kundin@example.com"),
        (Channel.IN_APP, "erika@example.com"),
    ]
    mail.outbox.clear()
    deliver(kind="stock_back_in_store")
    assert sorted(m.to[0] for m in mail.outbox) == ["erika@example.com", "kundin@example.com"]
    anon_mail = next(m for m in mail.outbox if m.to == ["kundin@example.com"])
    cart_path = re.search(r"/alerts/cart/[^/\s]+/", anon_mail.body).group(0)

    # The e-mail's link in a fresh, logged-out browser: the cart with Berlin Mitte.
    fresh = new_context(browser, viewport={"width": 1366, "height": 900}).new_page()
    fresh.goto(live_server.url + cart_path)
    fresh.wait_for_url(re.compile(r"/cart/$"))
    expect(fresh.get_by_test_id("cart-line")).to_have_count(1)
    expect(fresh.get_by_test_id("cart-line")).to_contain_text("Regenjacke")
    expect(fresh.locator("body")).to_contain_text("Berlin Mitte")

    # The member's in-app message leads there too.
    page.goto(live_server.url + "/messages/")
    expect(page.get_by_test_id("message")).to_have_count(1)
    page.get_by_test_id("message").locator("button").click()
    page.wait_for_url(re.compile(r"/cart/$"))
    expect(page.get_by_test_id("cart-line")).to_contain_text("Regenjacke")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_screenshots_of_the_alert_form(browser, live_server):
    folder = os.environ.get("OMNISHOP_SCREENSHOTS")
    mine = factories.StoreFactory(name="Berlin Mitte", code="berlin-mitte")
    other = factories.StoreFactory(name="Potsdam", code="potsdam", latitude=Decimal("52.39"))
    variant = factories.VariantFactory(product__name="Regenjacke", price=Decimal("89.90"))
    factories.stock(other, variant, 4)
    factories.stock(mine, variant, 0)
    url = f"{live_server.url}{variant.product.get_absolute_url()}?variant={variant.pk}"
    for language, locale, heading in (
        ("de", "de-DE", "Benachrichtigen Sie mich"),
        ("en", "en-US", "Tell me when it is available"),
    ):
        for width in (1366, 360):
            context = new_context(browser, locale=locale, viewport={"width": width, "height": 900})
            context.add_cookies([{"name": "django_language", "value": language, "url": url}])
            page = context.new_page()
            page.goto(url)
            _choose_store(page, "berlin-mitte")
            expect(page.get_by_test_id("stock-alert")).to_contain_text(heading)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                language,
                width,
            )
            assert axe_violations(page) == [], (language, width)
            if folder:
                Path(folder).mkdir(parents=True, exist_ok=True)
                page.get_by_test_id("stock-alert").scroll_into_view_if_needed()
                page.screenshot(path=f"{folder}/stock-alert-{language}-{width}.png")
            context.close()


def test_account_page_and_link_pages_fit_a_phone(browser, live_server):
    folder = os.environ.get("OMNISHOP_SCREENSHOTS")
    mine = factories.StoreFactory(name="Berlin Mitte", code="berlin-mitte")
    variant = factories.VariantFactory(product__name="Regenjacke mit sehr langem Namen")
    factories.stock(mine, variant, 0)
    shopper = factories.UserFactory(language="de")
    from inventory.alerts import stock_alert_subscribe, stock_alert_token

    stock_alert_subscribe(user=shopper, store=mine, variant=variant)
    anonymous = StockAlert.objects.create(
        store=mine, variant=variant, email="kundin@example.com", status=AlertStatus.PENDING
    )
    context = logged_in_context(
        browser, live_server, shopper, viewport={"width": 360, "height": 800}
    )
    page = context.new_page()
    page.goto(live_server.url + "/account/")
    expect(page.get_by_test_id("stock-alert-row")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if folder:
        page.get_by_test_id("stock-alerts").scroll_into_view_if_needed()
        page.screenshot(path=f"{folder}/stock-alert-account-360.png")
    page.get_by_test_id("stock-alert-end").click()
    expect(page.get_by_test_id("stock-alert-row")).to_have_count(0)
    token = stock_alert_token(alert=anonymous, purpose="confirm")
    page.goto(f"{live_server.url}/alerts/confirm/{token}/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if folder:
        page.screenshot(path=f"{folder}/stock-alert-confirm-360.png")
