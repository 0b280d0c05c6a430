"""The pickup queue fits the tablet and desktop widths, in German, without sideways scrolling."""

import datetime as dt
import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import timezone

from inventory.models import StockShortfall
from shop.orders.models import Order
from tests import factories
from tests.browser_support import logged_in_context

SIZES = [(1366, 768), (1024, 768), (768, 1024)]


def german_page(browser, live_server, user, width, height):
    context = logged_in_context(
        browser, live_server, user, viewport={"width": width, "height": height}
    )
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "de", "url": live_server.url}]
    )
    return context.new_page()


def overflow(page) -> list[str]:
    """Everything wider than its box: the page itself and any scrolling table wrapper."""
    return page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.results, table, main')]
            .filter(e => e.scrollWidth > e.clientWidth + 1)
            .map(e => (e.id || e.className || e.tagName) + ' ' + e.scrollWidth + '>' + e.clientWidth)"""
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_queue_fits_without_sideways_scrolling(browser, live_server):
    from playwright.sync_api import expect

    store = factories.StoreFactory(name="Omnishop Berlin Alexanderplatz")
    associate = factories.staff(store, first_name="Jonas")
    associate.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    long_name = factories.UserFactory(
        first_name="Maximiliane",
        last_name="Schmidt-Leutheusser",
        email="maximiliane.schmidt-leutheusser@beispiel.example",
    )
    variant = factories.stocked_variant(store, "1249.90", units=50)
    late = factories.pickup_order(store, [(variant, 3)], customer=long_name)
    Order.objects.filter(pk=late.pk).update(created_at=timezone.now() - dt.timedelta(hours=26))
    StockShortfall.objects.create(
        store=store, variant=variant, reference=late.number, units_missing=2
    )
    factories.pickup_order(store, [(variant, 1)], status="picking")
    ready = factories.pickup_order(store, [(variant, 2)], status="ready", customer=long_name)
    Order.objects.filter(pk=ready.pk).update(hold_until=timezone.now() - dt.timedelta(hours=1))

    for width, height in SIZES:
        page = german_page(browser, live_server, associate, width, height)
        page.goto(f"{live_server.url}/admin/orders/order/")
        expect(page.get_by_test_id("queue-states")).to_contain_text("Überfällig")
        expect(page.locator("#result_list")).to_contain_text(late.number)
        expect(page.locator("#result_list")).to_contain_text("überfällig")
        expect(page.locator("#result_list")).to_contain_text("2 Stück fehlen")
        if directory := os.environ.get("BACKOFFICE_SCREENSHOTS"):
            page.screenshot(path=f"{directory}/queue-admin-{width}.png", full_page=True)
        assert overflow(page) == [], (width, overflow(page))
        page.goto(f"{live_server.url}/desk/")
        expect(page.get_by_test_id("column-overdue")).to_contain_text(late.number)
        if directory := os.environ.get("BACKOFFICE_SCREENSHOTS"):
            page.screenshot(path=f"{directory}/queue-desk-{width}.png", full_page=True)
        assert overflow(page) == [], (width, overflow(page))
        page.context.close()
