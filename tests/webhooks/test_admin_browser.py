"""The webhook admin in a real browser, German and English, desk and phone widths: the endpoint
list, the add form and the delivery log read in the staff's language and need no sideways
scrolling. `WEBHOOK_SCREENSHOTS=<folder>` keeps a picture of each page."""

import os

import pytest
from django.conf import settings

from tests import factories
from tests.browser_support import logged_in_context
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

TEXTS = {
    "de": {
        "list": [
            "Webhook-Endpunkte",
            "Zustellprotokoll",
            "Nach Fehlern pausiert",
            "Alle Filialen (Zentrale)",
        ],
        "add": [
            "Webhook-Endpunkt hinzufügen",
            "Ereignisse",
            "Signatur-Geheimnis",
            "Bestellung storniert",
        ],
        "log": ["Webhook-Zustellungen", "Letzte Antwort", "Fehlgeschlagen"],
    },
    "en": {
        "list": [
            "Webhook endpoints",
            "Delivery log",
            "Paused after failures",
            "Every store (head office)",
        ],
        "add": ["Add webhook endpoint", "Events", "Signing secret", "Order cancelled"],
        "log": ["Webhook deliveries", "Last answer", "Failed"],
    },
}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("width", [1366, 1024, 360])
def test_endpoint_list_add_form_and_delivery_log(browser, live_server, language, width):
    boss = factories.UserFactory(is_superuser=True, is_staff=True)
    store = factories.StoreFactory(name="Berlin Mitte")
    endpoint = WebhookEndpoint.objects.create(
        name="Warenwirtschaft (ERP) der Zentrale",
        url="https://erp.example.com/omnishop/hooks/with/a/rather/long/path",
        events=["order.placed", "order.ready", "order.collected", "return.refunded"],
        status="paused",
        consecutive_failures=20,
    )
    WebhookEndpoint.objects.create(
        name="Filiale", url="https://kasse.example.com/h", store=store, events=["stock.shortfall"]
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="order.placed",
        event_id="8d3f0c7e-6a61-4c55-9a57-2f0e0f7f3b11",
        subject_key="order:A7K2Q9",
        payload={"event": "order.placed"},
        status=DeliveryStatus.FAILED,
        attempts=14,
        response_status=500,
        last_error="HTTP 500 Internal Server Error: the receiving system did not answer in time",
    )
    context = logged_in_context(
        browser, live_server, boss, viewport={"width": width, "height": 900}
    )
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    shots = os.environ.get("WEBHOOK_SCREENSHOTS")
    pages = {
        "list": "/admin/webhooks/webhookendpoint/",
        "add": "/admin/webhooks/webhookendpoint/add/",
        "log": "/admin/webhooks/webhookdelivery/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        text = page.locator("body").inner_text().casefold()
        for expected in TEXTS[language][name]:
            assert expected.casefold() in text, (name, expected)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
        if shots:
            page.screenshot(path=f"{shots}/{name}-{language}-{width}.png", full_page=True)
    context.close()
