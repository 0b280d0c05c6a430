"""The desk page in real Chromium at tablet size: a scanner types the code and presses Enter."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from shop.orders.models import Order, OrderStatus
from tests import factories
from tests.browser_support import logged_in_context


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_scan_a_code_on_the_desk(browser, live_server):
    from playwright.sync_api import expect

    store = factories.StoreFactory(name="Berlin Mitte")
    associate = factories.staff(store)
    jacket = factories.VariantFactory(price="89.00")
    socks = factories.VariantFactory(price="7.50")
    factories.stock(store, jacket, 20)
    factories.stock(store, socks, 20)
    factories.pickup_order(store, [(jacket, 1)])
    factories.pickup_order(store, [(socks, 3)])
    factories.pickup_order(store, [(jacket, 1), (socks, 2)], status="picking")
    late = factories.pickup_order(store, [(socks, 1)])
    Order.objects.filter(pk=late.pk).update(created_at=timezone.now() - dt.timedelta(hours=3))
    ready = factories.pickup_order(store, [(jacket, 1), (socks, 2)], status="ready")

    page = logged_in_context(
        browser, live_server, associate, viewport={"width": 1024, "height": 1366}
    ).new_page()
    page.goto(f"{live_server.url}/desk/")
    expect(page.get_by_test_id("column-overdue")).to_contain_text(late.number)
    code = page.get_by_test_id("desk-code")
    expect(code).to_be_focused()
    code.type(f"{ready.pickup_code[:4]}-{ready.pickup_code[4:]}".lower())
    code.press("Enter")
    success = page.get_by_test_id("desk-success")
    expect(success).to_contain_text(ready.number)
    expect(success).to_contain_text("104.00")
    expect(page.get_by_test_id("column-ready")).not_to_contain_text(ready.number)
    expect(code).to_be_focused()
    if path := os.environ.get("DESK_SCREENSHOT"):
        page.screenshot(path=path, full_page=True)
    ready.refresh_from_db()
    assert ready.status == OrderStatus.COLLECTED
