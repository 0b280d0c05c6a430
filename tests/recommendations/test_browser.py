"""The product page's "Kunden kauften auch" and the card page's "Für Sie" in Chromium, German and
English, at 1366 and 360 px: the recommended products are there (my store's first), nothing
scrolls sideways, axe-core finds no serious violation, and screenshots are taken (kept with `OMNISHOP_SCREENSHOTS=<folder>`)."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from shop.recommendations.services import recommendations_compute
from tests.browser.accessibility import axe_violations
from tests.browser.test_legal import german_logged_in
from tests.browser_support import logged_in_context
from tests.recommendations.test_recommendations import world  # noqa: F401  (fixture)

expect = pytest.importorskip("playwright.sync_api").expect

TITLES = {
    "de": ("Kunden kauften auch", "Für Sie", "Vorrätig in meiner Filiale"),
    "en": ("Customers also bought", "For you", "In stock in my store"),
}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("width", [1366, 360])
def test_recommendations_on_product_and_card_page(
    browser,
    live_server,
    world,  # noqa: F811
    language,
    width,
    tmp_path,
):
    w = world
    w.u2.preferred_store = w.mine
    w.u2.save(update_fields=["preferred_store"])
    recommendations_compute()
    viewport = {"viewport": {"width": width, "height": 900}}
    if language == "de":
        context = german_logged_in(browser, live_server, w.u2, **viewport)
    else:
        context = logged_in_context(browser, live_server, w.u2, **viewport)
    page = context.new_page()
    folder = Path(os.environ.get("OMNISHOP_SCREENSHOTS") or tmp_path)
    if not folder.is_absolute():
        folder = Path(settings.BASE_DIR) / folder
    folder.mkdir(parents=True, exist_ok=True)
    also, for_you, in_store = TITLES[language]

    page.goto(live_server.url + w.A.get_absolute_url())
    section = page.get_by_test_id("also-bought")
    expect(section.get_by_role("heading", name=also)).to_be_visible()
    cards = section.locator("article.product-card")
    expect(cards).to_have_count(3)
    # E and C are in stock at my store and come first (E scores higher), then B
    assert [cards.nth(i).get_attribute("data-product") for i in range(3)] == [
        w.E.slug,
        w.C.slug,
        w.B.slug,
    ]
    expect(cards.nth(0).get_by_test_id("in-my-store")).to_contain_text(in_store)
    _shoot(page, folder / f"recommendations-product-{width}-{language}.png", width)

    page.goto(live_server.url + reverse("loyalty:card"))
    section = page.get_by_test_id("for-you")
    expect(section.get_by_role("heading", name=for_you)).to_be_visible()
    cards = section.locator("article.product-card")
    assert [cards.nth(i).get_attribute("data-product") for i in range(cards.count())] == [
        w.E.slug,
        w.B.slug,
    ]
    _shoot(page, folder / f"recommendations-card-{width}-{language}.png", width)


def _shoot(page, path: Path, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, path.name
    assert axe_violations(page) == [], path.name
    page.screenshot(path=str(path), full_page=True)
