"""The shopper's view in real Chromium: choosing a store changes the badges without a reload."""

import pytest
from django.urls import reverse

from tests.browser_support import new_context
from tests.catalogue.conftest import make_store
from tests.factories import ProductFactory, VariantFactory, stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choosing_a_store_on_the_product_list_updates_the_badges(browser, live_server):
    from playwright.sync_api import expect

    berlin = make_store("ber", "Berlin", "10178", 52.5219, 13.4132, name="Berlin Mitte")
    hamburg = make_store("ham", "Hamburg", "20095", 53.5502, 9.9984, name="Hamburg City")
    tent = VariantFactory(product=ProductFactory(name="Zelt", slug="zelt"))
    lamp = VariantFactory(product=ProductFactory(name="Lampe", slug="lampe"))
    stock(berlin, tent, 6)
    stock(hamburg, lamp, 2)

    page = new_context(browser).new_page()
    page.goto(live_server.url + reverse("shop:product_list"))
    tent_badge = page.locator('[data-product="zelt"] [data-testid="badge"]')
    lamp_badge = page.locator('[data-product="lampe"] [data-testid="badge"]')
    expect(tent_badge).to_have_count(0)
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads

    page.select_option('[data-testid="store-select"]', "ber")
    expect(tent_badge).to_have_attribute("data-state", "in-stock")
    expect(lamp_badge).to_have_attribute("data-state", "out-of-stock")
    expect(lamp_badge).to_contain_text("Hamburg City")
    expect(page.locator('[data-testid="my-store"]')).to_contain_text("Berlin Mitte")

    page.select_option('[data-testid="store-select"]', "ham")
    expect(lamp_badge).to_have_attribute("data-state", "low-stock")
    expect(tent_badge).to_have_attribute("data-state", "out-of-stock")
    expect(page.locator('[data-testid="my-store"]')).to_contain_text("Hamburg City")
    assert page.evaluate("window.loadedOnce") is True
