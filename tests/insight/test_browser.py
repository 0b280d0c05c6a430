"""The dashboard in real Chromium: charts drawn under the CSP, German and English, wide and narrow."""

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from loyalty.till.services import ReceiptLineIn, till_receipt_book
from shop.orders.models import Order
from stores.models import StaffRole
from tests import factories
from tests.browser_support import logged_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def _business():
    """Three stores with a month of till receipts and a few pickup orders each."""
    rng = random.Random(16)
    now = timezone.now()
    stores = [
        factories.StoreFactory(name=name)
        for name in ("Berlin Mitte", "Hamburg Altona", "München Schwabing")
    ]
    members = [factories.loyalty_account() for _ in range(6)]
    for index, store in enumerate(stores):
        variants = [
            factories.stocked_variant(store, price, units=200)
            for price in ("19.90", "49.90", "89.00")
        ]
        for n in range(24):
            variant = rng.choice(variants)
            quantity = rng.randint(1, 3)
            price = Decimal(str(variant.price))
            total = price * quantity
            till_receipt_book(
                store=store,
                number=f"B{index}-{n}",
                total=total,
                lines=[ReceiptLineIn(sku=variant.sku, quantity=quantity, unit_price=price)],
                account=rng.choice([*members, None, None]),
                occurred_at=now - dt.timedelta(days=rng.randint(0, 27), hours=rng.randint(0, 8)),
            )
        for n in range(3):
            order = factories.collected_order(store, [(variants[n], 1)], customer=members[n].user)
            placed = now - dt.timedelta(days=3 + n * 5)
            Order.objects.filter(pk=order.pk).update(
                created_at=placed,
                ready_at=placed + dt.timedelta(hours=2 + n),
                collected_at=placed + dt.timedelta(hours=20 + n),
                promised_ready_at=placed + dt.timedelta(hours=3),
            )
    # Shoppers of Berlin were told twice today that the dearest product is not there.
    from insight.models import StockoutShown

    StockoutShown.objects.create(
        day=timezone.localdate(), store=stores[0], product=variants[2].product, shown=2
    )
    return stores


def _open(browser, live_server, user, width, language):
    context = logged_in_context(
        browser, live_server, user, viewport={"width": width, "height": 900}
    )
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    # The page computes a month and the month before for every store: on a loaded CI machine
    # that can take longer than the default 10 s (a test asserts no timings).
    page.goto(live_server.url + "/insight/", timeout=60_000)
    page.wait_for_function(
        "window.Chart && Chart.getChart('in-chart-daily') !== undefined", timeout=60_000
    )
    return page, errors


def test_dashboard_for_head_office_and_manager(browser, live_server, tiers):
    from playwright.sync_api import expect

    stores = _business()
    ARTIFACTS.mkdir(exist_ok=True)
    boss = factories.UserFactory(is_staff=True, is_superuser=True, first_name="Zentrale")
    for width in (1366, 1024):
        for language in ("de", "en"):
            page, errors = _open(browser, live_server, boss, width, language)
            expect(page.locator('[data-testid="in-table-stores"] tbody tr')).to_have_count(3)
            expect(page.locator('[data-testid="in-table-stockouts"] tbody tr')).to_have_count(1)
            assert page.evaluate("Chart.getChart('in-chart-stores').data.labels.length") == 3
            heading = "Kennzahlen" if language == "de" else "Key figures"
            expect(page.locator("h1")).to_have_text(heading)
            assert not errors, errors  # a CSP violation would show here
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(ARTIFACTS / f"insight-{width}-{language}.png"), full_page=True)
            page.context.close()
    manager = factories.staff(stores[0], role=StaffRole.MANAGER, first_name="Filialleitung")
    page, errors = _open(browser, live_server, manager, 360, "de")
    expect(page.locator('[data-testid="in-table-stores"]')).to_have_count(0)
    expect(page.locator('[data-testid="in-period"]')).to_contain_text("Berlin Mitte")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "sideways scroll"
    assert not errors, errors
    page.screenshot(path=str(ARTIFACTS / "insight-360-de.png"), full_page=True)
    with page.expect_download() as download:
        page.click('[data-testid="in-csv-summary"]')
    assert download.value.suggested_filename.startswith("summary_")
