"""A count by scans (repeated scans count up, a correction, the summary) and a manager's approval."""

import os

import pytest

from inventory.models import CountStatus, StockCount, StockLevel
from notifications.models import Notification
from stores.models import StaffRole
from tests import factories
from tests.backoffice.test_queue_browser import SIZES, german_page, overflow


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_count_by_scans_and_manager_approval(browser, live_server, width, height):
    from playwright.sync_api import expect

    store = factories.StoreFactory(name="Omnishop Berlin Alexanderplatz")
    associate = factories.staff(store, first_name="Jonas")
    manager = factories.staff(store, role=StaffRole.MANAGER, first_name="Petra")
    jacket = factories.stocked_variant(store, "89.00", units=12)
    jacket.ean = "4006381333931"
    jacket.save()
    socks = factories.stocked_variant(store, "7.50", units=3)

    page = german_page(browser, live_server, associate, width, height)
    page.goto(f"{live_server.url}/stock/count/")
    code = page.get_by_test_id("count-ean")
    expect(code).to_be_focused()
    for _ in range(3):  # three scans of the same jacket count up
        code.type(jacket.ean)
        code.press("Enter")
        expect(page.get_by_test_id("count-feedback")).to_contain_text(jacket.product.name)
    expect(page.get_by_test_id(f"counted-{jacket.sku}").locator("input")).to_have_value("3")
    page.get_by_test_id("count-qty").fill("4")  # quantity first, then the scan
    code.type(socks.sku)
    code.press("Enter")
    expect(page.get_by_test_id(f"counted-{socks.sku}").locator("input")).to_have_value("4")
    code.type("9999999999999")
    code.press("Enter")
    expect(page.get_by_test_id("count-feedback")).to_contain_text("Kein Artikel")
    # A correction: one pair of socks was counted twice.
    page.get_by_test_id(f"counted-{socks.sku}").get_by_role("button", name="Eins weniger").click()
    expect(page.get_by_test_id(f"counted-{socks.sku}").locator("input")).to_have_value("3")
    page.get_by_test_id("count-review").click()
    summary = page.get_by_test_id("count-summary")
    expect(summary).to_contain_text("2 Artikel, 6 Stück gezählt")
    if directory := os.environ.get("BACKOFFICE_SCREENSHOTS"):
        page.screenshot(path=f"{directory}/count-{width}.png", full_page=True)
    assert overflow(page) == [], (width, overflow(page))
    page.get_by_test_id("count-submit").click()
    expect(page.get_by_test_id("count-status")).to_have_text("Wartet auf Freigabe")
    count = StockCount.objects.get()
    assert count.status == CountStatus.SUBMITTED
    assert Notification.objects.filter(kind="stock_count_waiting", recipient=manager).exists()
    page.context.close()

    page = german_page(browser, live_server, manager, width, height)
    page.goto(f"{live_server.url}/stock/count/")
    waiting = page.get_by_test_id(f"waiting-{count.public_id}")
    expect(waiting).to_contain_text("-9")
    expect(waiting).to_contain_text("-801,00 €")
    if directory := os.environ.get("BACKOFFICE_SCREENSHOTS"):
        page.screenshot(path=f"{directory}/count-waiting-{width}.png", full_page=True)
    assert overflow(page) == [], (width, overflow(page))
    waiting.get_by_role("link").click()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("count-status")).to_have_text("Gebucht")
    assert StockLevel.objects.get(store=store, variant=jacket).on_hand == 3
    assert StockLevel.objects.get(store=store, variant=socks).on_hand == 3
