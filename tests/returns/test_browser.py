"""Return in store end to end in real Chromium: a shopper returns one of two collected items
online; an associate of a DIFFERENT store receives it as sellable on the desk and refunds it."""

import os
from decimal import Decimal

import pytest

from returns.models import Refund, ReturnRequest, ReturnStatus
from tests import factories
from tests.browser_support import logged_in_context

from .helpers import on_hand, points_balance

expect = pytest.importorskip("playwright.sync_api").expect

# Set to a folder to keep screenshots of the shopper's return page and the desk.
SCREENSHOT_DIR = os.environ.get("RETURNS_SCREENSHOT_DIR")
VIEWPORT = {"width": 1280, "height": 900}


def shot(page, name):
    if SCREENSHOT_DIR:
        page.screenshot(path=os.path.join(SCREENSHOT_DIR, f"returns-{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_return_one_of_two_items_in_another_store(browser, live_server):
    pickup = factories.StoreFactory(name="Berlin Mitte", code="berlin-mitte")
    potsdam = factories.StoreFactory(
        name="Potsdam Zentrum",
        code="potsdam",
        city="Potsdam",
        postcode="14467",
        latitude="52.390569",
        longitude="13.064473",
    )
    jacket = factories.VariantFactory(product__name="Regenjacke", price=Decimal("49.90"))
    socks = factories.VariantFactory(product__name="Wandersocken", price=Decimal("5.00"))
    factories.stock(pickup, jacket, 3)
    factories.stock(pickup, socks, 3)
    shopper = factories.UserFactory(email="erika@example.com", preferred_store=pickup)
    order = factories.collected_order(pickup, [(jacket, 1), (socks, 1)], customer=shopper)
    assert points_balance(shopper) == 54  # 54.90 €
    associate = factories.staff(potsdam, email="paul@example.com", first_name="Paul")

    # The shopper returns the jacket, not the socks.
    page = logged_in_context(browser, live_server, shopper, viewport=VIEWPORT).new_page()
    page.goto(f"{live_server.url}/returns/start/{order.public_id}/")
    jacket_line = order.lines.get(variant=jacket)
    page.select_option(f"select[name=qty_{jacket_line.pk}]", "1")
    page.get_by_label("Too small").check()
    shot(page, "start")
    page.get_by_test_id("return-submit").click()
    expect(page.get_by_test_id("return-status")).to_have_text("Requested")
    ret = ReturnRequest.objects.get()
    expect(page.get_by_test_id("return-code")).to_have_text(f"{ret.code[:4]} {ret.code[4:]}")
    expect(page.get_by_test_id("return-stores")).to_contain_text("Potsdam Zentrum")
    shot(page, "shopper")

    # An associate in Potsdam (not the pickup store) scans the code and receives it as sellable.
    desk = logged_in_context(browser, live_server, associate, viewport=VIEWPORT).new_page()
    desk.goto(f"{live_server.url}/returns/desk/")
    expect(desk.get_by_test_id("desk-store")).to_have_text("Potsdam Zentrum")
    desk.get_by_label("Return code, order number or loyalty card").fill(ret.code.lower())
    shot(desk, "desk-find")
    desk.get_by_role("button", name="Find").click()
    expect(desk.get_by_test_id("desk-line")).to_have_count(1)
    expect(desk.get_by_test_id("desk-line")).to_contain_text("Regenjacke")
    desk.get_by_test_id("desk-line").get_by_label("Accepted, sellable").check()
    shot(desk, "desk-receive")
    desk.get_by_test_id("receive-submit").click()
    expect(desk.get_by_test_id("desk-status")).to_have_text("Received in store")
    desk.get_by_label("Original payment, at the counter").check()
    desk.get_by_test_id("refund-submit").click()
    expect(desk.get_by_test_id("desk-status")).to_have_text("Refunded")
    shot(desk, "desk")

    assert on_hand(potsdam, jacket) == 1
    assert on_hand(pickup, jacket) == 2
    assert points_balance(shopper) == 54 - 49  # ⌊54 × 49.90 / 54.90⌋ taken back
    refund = Refund.objects.get()
    assert (refund.amount, refund.points_taken_back) == (Decimal("49.90"), 49)

    # The shopper sees the refund on the return page.
    page.reload()
    expect(page.get_by_test_id("return-status")).to_have_text("Refunded")
    expect(page.get_by_test_id("refund-amount")).to_have_text("€49.90")
    expect(page.get_by_test_id("return-timeline")).to_contain_text("Potsdam Zentrum")
    shot(page, "shopper-refunded")
    assert ReturnRequest.objects.get().status == ReturnStatus.REFUNDED
