"""One card for every channel, in real Chromium: the shopper's phone and the associate's desk."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from loyalty.models import Channel
from loyalty.services import points_earn
from tests import factories
from tests.browser_support import logged_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def test_shopper_card_and_in_store_purchase(browser, live_server, tiers):
    from playwright.sync_api import expect

    store = factories.StoreFactory(name="Berlin Mitte")
    associate = factories.staff(store)
    account = factories.loyalty_account()
    points_earn(
        user=account.user,
        amount=Decimal("120.40"),
        source="order:CC-7K4M-2Q9T",
        channel=Channel.ONLINE,
        description="Order CC-7K4M-2Q9T",
    )
    ARTIFACTS.mkdir(exist_ok=True)

    phone = logged_in_context(
        browser,
        live_server,
        account.user,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    ).new_page()
    phone.goto(live_server.url + reverse("loyalty:card"))
    expect(phone.locator('[data-testid="card-qr"] svg')).to_be_visible()
    expect(phone.locator('[data-testid="card-barcode"] svg')).to_be_visible()
    expect(phone.locator('[data-testid="points-balance"]')).to_have_text("120")
    expect(phone.locator('[data-testid="card-barcode"] svg')).to_have_attribute(
        "data-ean", account.card_number
    )
    qr_box = phone.locator('[data-testid="card-qr"] svg').bounding_box()
    assert qr_box["width"] >= 150 and qr_box["x"] + qr_box["width"] <= 390
    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, "the card page scrolls sideways on a phone"

    desk = logged_in_context(
        browser, live_server, associate, viewport={"width": 1024, "height": 768}
    ).new_page()
    desk.goto(live_server.url + reverse("loyalty:desk"))
    desk.fill('[data-testid="lookup-form"] [name="card_number"]', account.card_number_grouped)
    desk.click('[data-testid="lookup-form"] button[type="submit"]')
    expect(desk.locator('[data-testid="desk-account"]')).to_contain_text("Erika Mustermann")
    expect(desk.locator('[data-testid="desk-balance"]')).to_have_text("120")
    desk.fill('[data-testid="purchase-form"] [name="amount"]', "23.50")
    desk.fill('[data-testid="purchase-form"] [name="receipt_number"]', "K1-0815")
    desk.click('[data-testid="purchase-form"] button[type="submit"]')
    expect(desk.locator('[data-testid="desk-balance"]')).to_have_text("143")
    expect(desk.locator("#desk-result")).to_contain_text("23 points booked")
    expect(desk.locator(".ld-purchases")).to_contain_text("Berlin Mitte")
    card_field = desk.locator('[data-testid="lookup-form"] [name="card_number"]')
    expect(card_field).to_have_value("")
    expect(card_field).to_be_focused()
    desk.screenshot(path=str(ARTIFACTS / "loyalty-desk.png"), full_page=True)

    phone.reload()
    expect(phone.locator('[data-testid="points-balance"]')).to_have_text("143")
    newest = phone.locator('[data-testid="history"] li').first
    expect(newest).to_contain_text("Berlin Mitte")
    expect(newest).to_contain_text("+23")
    expect(newest).to_contain_text("In store")
    expect(phone.locator('[data-testid="history"] li').nth(1)).to_contain_text("Online")
    phone.screenshot(path=str(ARTIFACTS / "loyalty-card.png"), full_page=True)
