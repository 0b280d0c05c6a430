"""In real Chromium: type a query, pick a suggestion with the keyboard, apply a size facet and
the store facet (without a page reload), then go back."""

import pytest
from django.urls import reverse

from tests.browser_support import new_context
from tests.catalogue.conftest import make_store
from tests.factories import CategoryFactory, ProductFactory, VariantFactory, stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_suggestion_facets_and_back(browser, live_server):
    from playwright.sync_api import expect

    berlin = make_store("ber", "Berlin", "10178", 52.5219, 13.4132, name="Berlin Mitte")
    jackets = CategoryFactory(name="Jacken", slug="jacken")
    rain = ProductFactory(name="Regenjacke Nordkap", slug="regenjacke", category=jackets)
    soft = ProductFactory(name="Softshelljacke Lofoten", slug="softshell", category=jackets)
    down = ProductFactory(name="Daunenjacke Polar", slug="daunen", category=jackets)
    stock(berlin, VariantFactory(product=rain, size="M", colour="Rot"), 4)
    VariantFactory(product=soft, size="M", colour="Blau")
    VariantFactory(product=down, size="L", colour="Schwarz")

    page = new_context(browser, viewport={"width": 1366, "height": 900}).new_page()
    page.goto(live_server.url + reverse("shop:home"))
    search = page.locator("#site-search")
    search.click()
    search.press_sequentially("jacken", delay=40)
    options = page.locator("#search-suggestions [role=option]")
    expect(options.first).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "true")
    category_option = page.locator("#search-suggestions [role=option]", has_text="Jacken").last
    index = [o.inner_text().strip() for o in options.all()].index(
        category_option.inner_text().strip()
    )
    for _ in range(index + 1):
        search.press("ArrowDown")
    expect(search).to_have_attribute("aria-activedescendant", category_option.get_attribute("id"))
    search.press("Enter")
    page.wait_for_url("**/products/?category=jacken")
    cards = page.locator("[data-product]")
    expect(cards).to_have_count(3)
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads

    page.locator('[data-testid="facet-size"] input[value="M"]').check()
    expect(cards).to_have_count(2)
    page.wait_for_url("**size=M**")
    # the store facet asks for a store first; choosing one refreshes the list and its facets
    expect(page.locator('[data-testid="choose-store-hint"]')).to_be_visible()
    page.select_option('[data-testid="store-select"]', "ber")
    in_stock = page.locator('[data-testid="in-stock-filter"]')
    expect(in_stock).to_be_visible()
    in_stock.check()
    expect(cards).to_have_count(1)
    expect(page.locator('[data-product="regenjacke"]')).to_be_visible()
    page.wait_for_url("**in_stock=1**")
    assert page.evaluate("window.loadedOnce") is True

    page.go_back()
    expect(cards).to_have_count(2)
    expect(page.locator('[data-testid="facet-size"] input[value="M"]')).to_be_checked()
    assert "in_stock" not in page.url
    page.go_back()
    expect(cards).to_have_count(3)
