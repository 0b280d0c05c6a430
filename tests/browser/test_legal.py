"""German shoppers in real Chromium: the legal pages from the footer, the withdrawal button in the
purchase model (two steps, logged out), and the 404 page in the shop's look."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from inventory.models import StockLevel
from legal.services import contract_model_set
from notifications.models import Notification
from notifications.services import notification_deliver
from shop.demo.seed import SeedReport, _seed_legal
from shop.orders.models import Order, OrderStatus, OrderWithdrawal
from tests import factories
from tests.browser_support import new_context

expect = pytest.importorskip("playwright.sync_api").expect

GERMAN = {"locale": "de-DE", "extra_http_headers": {"Accept-Language": "de"}}


def german_logged_in(browser, live_server, user, **options):
    client = Client()
    client.force_login(user)
    context = new_context(browser, **GERMAN, **options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_legal_pages_are_reachable_from_the_footer(browser, live_server):
    _seed_legal(SeedReport())
    page = new_context(browser, **GERMAN, viewport={"width": 360, "height": 780}).new_page()
    page.goto(live_server.url + "/")
    footer = page.get_by_test_id("footer-legal")
    for label, heading in (
        ("Impressum", "Impressum"),
        ("AGB", "Allgemeine Geschäftsbedingungen (AGB)"),
        ("Datenschutzerklärung", "Datenschutzerklärung"),
        ("Widerrufsbelehrung", "Widerrufsbelehrung und Muster-Widerrufsformular"),
        ("Zahlung & Abholung", "Zahlung & Abholung"),
        ("Erklärung zur Barrierefreiheit", "Erklärung zur Barrierefreiheit"),
    ):
        footer.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_test_id("legal-page")).to_contain_text("Mustertext")
        # No sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        footer = page.get_by_test_id("footer-legal")
        if label == "Datenschutzerklärung":
            for cookie in ("sessionid", "csrftoken", "django_language", "messages"):
                expect(page.get_by_test_id("legal-page")).to_contain_text(cookie)
        if label == "Widerrufsbelehrung":
            expect(page.get_by_test_id("legal-page")).to_contain_text("Muster-Widerrufsformular")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_withdrawing_from_a_purchase_with_the_button_in_the_footer(browser, live_server):
    _seed_legal(SeedReport())
    contract_model_set(model="purchase")
    store = factories.StoreFactory(name="Berlin Mitte")
    tent = factories.VariantFactory(product__name="Zelt", price=Decimal("199.00"))
    factories.stock(store, tent, 3)
    shopper = factories.UserFactory(email="erika@example.com", first_name="Erika")
    url = live_server.url

    # The shopper buys a tent: the button says that the order is binding.
    shop = german_logged_in(
        browser, live_server, shopper, viewport={"width": 1366, "height": 900}
    ).new_page()
    shop.goto(url + tent.product.get_absolute_url())
    shop.get_by_test_id("add-to-cart").click()
    shop.get_by_test_id("added").wait_for()
    shop.goto(url + "/checkout/")
    shop.get_by_test_id("store-option").filter(has_text="Berlin Mitte").click()
    shop.fill("input[name=phone]", "+49 30 1234567")
    expect(shop.get_by_test_id("place-order")).to_have_text("Zahlungspflichtig bestellen")
    shop.get_by_test_id("place-order").click()
    shop.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    order = Order.objects.get()
    assert order.contract_model == "purchase" and order.terms_version is not None
    assert StockLevel.objects.get(store=store, variant=tent).reserved == 1

    # Logged out, on a phone: "Vertrag widerrufen" in the footer, step 1, step 2.
    page = new_context(browser, **GERMAN, viewport={"width": 360, "height": 780}).new_page()
    page.goto(url + "/stores/")
    page.get_by_test_id("withdraw-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vertrag widerrufen")
    page.get_by_label("Bestellnummer").fill(order.number)
    page.get_by_label("E-Mail-Adresse der Bestellung").fill("erika@example.com")
    page.get_by_label("Ihr Name").fill("Erika Mustermann")
    page.get_by_test_id("withdraw-next").click()
    expect(page.get_by_test_id("withdraw-order")).to_have_text(order.number)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED  # nothing happens before the confirmation
    expect(page.get_by_test_id("withdraw-confirm")).to_have_text("Widerruf bestätigen")
    page.get_by_test_id("withdraw-confirm").click()
    expect(page.get_by_test_id("withdraw-done")).to_contain_text("eingegangen")
    expect(page.get_by_test_id("withdraw-received")).to_have_text(
        re.compile(r"Eingegangen: \d{1,2}\. \w+ \d{4}, \d{2}:\d{2} Uhr")
    )

    # The order is cancelled, its stock released, the withdrawal recorded and confirmed by e-mail.
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert StockLevel.objects.get(store=store, variant=tent).reserved == 0
    withdrawal = OrderWithdrawal.objects.get(order=order)
    assert withdrawal.name == "Erika Mustermann"
    outbox = Notification.objects.get(kind="order_withdrawn", channel="email")
    assert outbox.recipient_email == "erika@example.com"
    mail.outbox.clear()
    notification_deliver(notification_id=outbox.pk)
    [message] = mail.outbox
    assert message.subject == f"Widerruf der Bestellung {order.number} eingegangen"
    assert "bei uns eingegangen" in message.body
    assert re.search(r"Eingegangen: \d{1,2}\. \w+ \d{4}, \d{2}:\d{2} Uhr", message.body)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_wrong_address_shows_the_shops_404_page(browser, live_server):
    page = new_context(browser, **GERMAN, viewport={"width": 360, "height": 780}).new_page()
    response = page.goto(live_server.url + "/gibt-es-nicht/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Seite nicht gefunden")
    expect(page.locator(".site-header .brand")).to_be_visible()
    expect(page.get_by_test_id("footer-legal")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_test_id("error-home").click()
    page.wait_for_url(live_server.url + "/")
