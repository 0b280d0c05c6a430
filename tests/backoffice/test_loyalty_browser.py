"""Loyalty desk in German: find a customer by phone, then redeem points at the till."""

import os
from decimal import Decimal

import pytest

from loyalty.models import Channel
from loyalty.selectors import account_balance
from loyalty.services import points_earn
from tests import factories
from tests.backoffice.test_queue_browser import SIZES, german_page, overflow


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_lookup_by_phone_and_redeem(browser, live_server, width, height):
    from playwright.sync_api import expect

    store = factories.StoreFactory(name="Omnishop Berlin Alexanderplatz")
    associate = factories.staff(store, first_name="Jonas")
    user = factories.UserFactory(first_name="Erika", last_name="Mustermann", phone="030 1234567")
    account = factories.loyalty_account(user)
    points_earn(
        user=user, amount=Decimal("25.00"), source="receipt:1", store=store, channel=Channel.STORE
    )

    page = german_page(browser, live_server, associate, width, height)
    page.goto(f"{live_server.url}/loyalty/desk/")
    field = page.get_by_test_id("lookup-form").locator("[name=card_number]")
    expect(field).to_be_focused()
    field.type("+49 30 123 45 67")
    field.press("Enter")
    expect(page.get_by_test_id("desk-account")).to_contain_text("Erika Mustermann")
    expect(page.get_by_test_id("desk-balance")).to_have_text("25")
    form = page.get_by_test_id("redeem-form")
    form.locator("[name=points]").fill("20")
    form.locator("[name=amount]").fill("12,50")
    form.locator("[name=receipt_number]").fill("K1-0815")
    form.get_by_test_id("redeem-submit").click()
    expect(page.get_by_test_id("desk-balance")).to_have_text("5")
    expect(page.locator("#desk-result")).to_contain_text("20 Punkte eingelöst")
    expect(page.get_by_test_id("desk-history")).to_contain_text("-20")
    assert account_balance(account) == 5
    assert overflow(page) == [], (width, overflow(page))
    if directory := os.environ.get("BACKOFFICE_SCREENSHOTS"):
        page.screenshot(path=f"{directory}/loyalty-{width}.png", full_page=True)
