"""The shopper's pages in German, checked by axe-core at desktop and phone width: zero serious
or critical violations (BFSG). Rules are not switched off; pages are fixed instead."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from legal.models import LegalPage
from returns.services import return_request_create
from shop.demo.seed import SeedReport, _seed_legal
from tests import factories
from tests.browser.accessibility import axe_violations
from tests.browser.test_legal import german_logged_in

pytest.importorskip("playwright.sync_api")


@pytest.fixture
def shop_world(transactional_db):
    _seed_legal(SeedReport())
    store = factories.StoreFactory(name="Berlin Mitte", code="berlin-mitte")
    tent = factories.VariantFactory(
        product__name="Kuppelzelt Nordkap", price=Decimal("199.00"), sku="ZELT-1"
    )
    cartridge = factories.VariantFactory(product__name="Gaskartusche", price=Decimal("6.90"))
    factories.stock(store, tent, 5)
    factories.stock(store, cartridge, 20)
    shopper = factories.UserFactory(email="erika@example.com", first_name="Erika", language="de")
    factories.loyalty_account(shopper)
    with translation.override("de"):
        placed = factories.pickup_order(store, [(tent, 1)], customer=shopper)
        collected = factories.collected_order(store, [(cartridge, 2)], customer=shopper)
        ret = return_request_create(
            order=collected, lines=[(collected.lines.get(), 1)], reason="too_small", actor=shopper
        )
    return store, tent, shopper, placed, ret


def _pages(tent, placed, ret) -> dict[str, str]:
    return {
        "home": "/",
        "product list": reverse("shop:product_list"),
        "search results": reverse("shop:product_list") + "?q=zelt",
        "product": tent.product.get_absolute_url(),
        "store finder": reverse("stores:finder"),
        "cart": reverse("pickup:cart"),
        "checkout": reverse("pickup:checkout"),
        "order": placed.get_absolute_url(),
        "loyalty card": reverse("loyalty:card"),
        "returns": reverse("returns:list"),
        "return": ret.get_absolute_url(),
        **{f"legal {page}": reverse("legal:page", args=[page]) for page in LegalPage.values},
    }


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 360])
def test_german_shop_pages_have_no_serious_axe_violations(browser, live_server, shop_world, width):
    _store, tent, shopper, placed, ret = shop_world
    context = german_logged_in(
        browser, live_server, shopper, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto(live_server.url + tent.product.get_absolute_url())
    page.get_by_test_id("add-to-cart").click()
    page.get_by_test_id("added").wait_for()
    found = {}
    for name, path in _pages(tent, placed, ret).items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    assert not found, "\n".join(
        f"{name}: {line}" for name, lines in found.items() for line in lines
    )
