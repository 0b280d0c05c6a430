"""Paying online in real Chromium: checkout, the pay page with (the fake server's) Stripe.js,
a declined card, 3-D Secure, and the order placed once the authorisation is confirmed."""

import re
from decimal import Decimal

import pytest

from payments.models import Payment, PaymentStatus
from shop.orders.models import Cart, CartLine, Order, OrderStatus
from tests import factories
from tests.browser_support import logged_in_context

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def screenshots(tmp_path):
    """Where the pages are photographed: $SCREENSHOT_DIR when set (to look at them), else tmp."""
    import os
    from pathlib import Path

    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 360])
def test_pay_with_a_card_after_a_decline_and_3d_secure(
    browser, live_server, fake_stripe, width, screenshots
):
    from tests.orders.helpers import level

    store = factories.StoreFactory(name="Berlin Mitte")
    jacket = factories.VariantFactory(product__name="Regenjacke", price=Decimal("89.90"))
    factories.stock(store, jacket, 4)
    shopper = factories.UserFactory(email="erika@example.com")
    cart = Cart.objects.create(user=shopper)
    CartLine.objects.create(cart=cart, variant=jacket, quantity=1)
    fake_stripe.webhook_url = None
    url = live_server.url
    errors: list[str] = []
    page = logged_in_context(
        browser, live_server, shopper, viewport={"width": width, "height": 900}
    ).new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(url + "/checkout/")
    page.get_by_test_id("store-option").filter(has_text="Berlin Mitte").click()
    page.fill("input[name=phone]", "+49 30 1234567")
    expect(page.get_by_test_id("place-order")).to_have_accessible_name("Reserve without obligation")
    page.get_by_test_id("payment-stripe").check()
    # The card is entered on the checkout page (Stripe's Payment Element, deferred mode), and
    # the page says what happens: authorised now, charged at pickup; the button obliges to pay.
    expect(page.get_by_test_id("place-order")).to_have_accessible_name(
        "Order with obligation to pay"
    )
    expect(page.get_by_test_id("checkout-online-summary")).to_contain_text("authorised")
    expect(page.get_by_test_id("amount-authorised")).to_have_text("€89.90")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=screenshots / f"checkout-online-en-{width}.png", full_page=True)

    # A declined card: nothing is ordered or reserved, the form says why, the cart stays.
    page.fill("input[name=cardnumber]", "4000 0000 0000 0002")
    page.get_by_test_id("place-order").click()
    expect(page.locator("p.pickup-alert.error[role=alert]").first).to_contain_text(
        "Your card was declined. Nothing was ordered."
    )
    assert not Order.objects.exists()
    assert level(store, jacket) == (4, 0)
    assert CartLine.objects.filter(cart=cart).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=screenshots / f"checkout-declined-en-{width}.png", full_page=True)

    # Another card at once, one that asks for 3-D Secure: the bank's page, then the order.
    expect(page.get_by_test_id("payment-stripe")).to_be_checked()
    page.fill("input[name=cardnumber]", "4000 0027 6000 3184")
    page.get_by_test_id("place-order").click()
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    expect(page.get_by_test_id("order-status")).to_have_text("Placed")
    expect(page.get_by_test_id("payment-status")).to_have_text("Authorised")
    order = Order.objects.get()
    assert order.status == OrderStatus.PLACED
    assert Payment.objects.get(order=order).status == PaymentStatus.AUTHORISED
    assert level(store, jacket) == (4, 1)
    assert not [e for e in errors if "Content Security Policy" in e]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 1024, 360])
def test_checkout_and_pay_page_in_german_fit_the_screen(
    browser, live_server, fake_stripe, width, screenshots
):
    from django.conf import settings as django_settings

    store = factories.StoreFactory(name="Berlin Mitte")
    jacket = factories.VariantFactory(product__name="Regenjacke", price=Decimal("89.90"))
    factories.stock(store, jacket, 4)
    shopper = factories.UserFactory()
    cart = Cart.objects.create(user=shopper)
    CartLine.objects.create(cart=cart, variant=jacket, quantity=1)
    context = logged_in_context(
        browser, live_server, shopper, viewport={"width": width, "height": 900}
    )
    context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "de", "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + "/checkout/")
    expect(page.get_by_test_id("payment-methods")).to_contain_text("Jetzt online bezahlen")
    page.get_by_test_id("store-option").filter(has_text="Berlin Mitte").click()
    page.fill("input[name=phone]", "+49 30 1234567")
    page.get_by_test_id("payment-stripe").check()
    expect(page.get_by_test_id("place-order")).to_have_accessible_name(
        "Zahlungspflichtig bestellen"
    )
    expect(page.get_by_test_id("amount-authorised")).to_have_text("89,90\u00a0€")
    page.locator("details.billing-fields summary").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=screenshots / f"checkout-de-{width}.png", full_page=True)
    # 3-D Secure fails: back on the pay page, the shopper may try another card there.
    page.fill("input[name=cardnumber]", "4000 0027 6000 3184")
    page.get_by_test_id("place-order").click()
    page.get_by_role("button", name="Fail authentication").click()
    page.wait_for_url(re.compile(r"/payments/pay/[0-9a-f-]{36}/$"))
    expect(page.get_by_test_id("pay-button")).to_have_text("89,90\u00a0€ autorisieren")
    expect(page.get_by_test_id("pay-error")).to_have_text(
        "Die Bestätigung bei Ihrer Bank ist fehlgeschlagen. Bitte versuchen Sie es erneut oder "
        "nutzen Sie eine andere Karte oder Zahlungsart."
    )
    assert page.locator("[role=alert]:visible").count() == 1  # said once, in German
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=screenshots / f"pay-de-{width}.png", full_page=True)
    page.fill("input[name=cardnumber]", "4242 4242 4242 4242")
    page.get_by_test_id("pay-button").click()
    page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    assert Order.objects.get().status == OrderStatus.PLACED
