"""Pick by scan, one line short (confirmed), ready, then handover by code: in German, at three sizes."""

import os

import pytest

from shop.orders.models import Order, OrderStatus
from tests import factories
from tests.backoffice.test_queue_browser import SIZES, german_page, overflow
from tests.orders.helpers import drop_rescues


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_pick_short_ready_and_hand_over(browser, live_server, width, height):
    from playwright.sync_api import expect

    store = factories.StoreFactory(name="Omnishop Berlin Alexanderplatz")
    associate = factories.staff(store, first_name="Jonas")
    jacket = factories.stocked_variant(store, "89.00", units=10)
    jacket.ean, jacket.size, jacket.colour = "4006381333931", "L", "Himmelblau"
    jacket.save()
    socks = factories.stocked_variant(store, "7.50", units=10)
    socks.ean = "4260000000042"
    socks.save()
    order = factories.pickup_order(store, [(jacket, 1), (socks, 2)], status="picking")

    page = german_page(browser, live_server, associate, width, height)
    page.goto(f"{live_server.url}/desk/")
    page.get_by_test_id(f"order-{order.number}").get_by_role("link").click()
    ean = page.get_by_test_id("pick-ean")
    expect(ean).to_be_focused()
    # A keyboard-wedge scanner types the digits and presses Enter.
    ean.type(jacket.ean)
    ean.press("Enter")
    expect(page.get_by_test_id("pick-feedback")).to_contain_text("(1/1)")
    expect(page.get_by_test_id(f"line-{jacket.sku}")).to_have_class("pick__line pick__line--done")
    ean.type("0000000000000")
    ean.press("Enter")
    expect(page.get_by_test_id("pick-feedback")).to_contain_text("Nicht in dieser Bestellung")
    ean.type(socks.ean)
    ean.press("Enter")
    expect(page.get_by_test_id(f"picked-{socks.sku}")).to_have_text("1")
    assert overflow(page) == [], (width, overflow(page))
    if directory := os.environ.get("BACKOFFICE_SCREENSHOTS"):
        page.screenshot(path=f"{directory}/desk-pick-{width}.png", full_page=True)

    # The second pair of socks is not on the shelf: how many, and confirm.
    page.get_by_test_id(f"short-{socks.sku}").click()
    page.get_by_test_id(f"short-units-{socks.sku}").fill("1")
    page.get_by_test_id(f"short-submit-{socks.sku}").click()  # not confirmed yet: refused
    assert Order.objects.get(pk=order.pk).lines.get(variant=socks).quantity_short == 0
    page.get_by_test_id(f"short-confirm-{socks.sku}").check()
    page.get_by_test_id(f"short-submit-{socks.sku}").click()
    expect(page.locator(".message.success")).to_contain_text("als fehlend gebucht")
    assert Order.objects.get(pk=order.pk).lines.get(variant=socks).quantity_short == 1
    # The tally survived the reload; both lines are complete now.
    expect(page.get_by_test_id("pick-progress")).to_have_text("2")
    drop_rescues(order)  # the shopper answers the short-pick message: leave the sock out
    page.get_by_test_id("mark-ready").click()
    expect(page.locator(".message.success")).to_contain_text("abholbereit")
    order.refresh_from_db()
    assert order.status == OrderStatus.READY and str(order.amount_due) == "96.50"

    code = page.get_by_test_id("desk-code")
    code.type("WRONG123")
    code.press("Enter")
    expect(page.get_by_test_id("tries-left")).to_contain_text("Noch 9 Versuche")
    code.type(order.pickup_code)
    code.press("Enter")
    success = page.get_by_test_id("desk-success")
    expect(success).to_contain_text("Ausgehändigt")
    expect(success).to_contain_text("96,50 €")
    assert overflow(page) == [], (width, overflow(page))
    if directory := os.environ.get("BACKOFFICE_SCREENSHOTS"):
        page.screenshot(path=f"{directory}/desk-handover-{width}.png", full_page=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.COLLECTED
