"""Product page, cart, checkout and order page on a phone (360 px), in German and English: VAT,
the unit price and the legal links are there, nothing scrolls sideways, and screenshots are
taken of each. `OMNISHOP_SCREENSHOTS=docs/screenshots` keeps them for the docs (otherwise they
go to the test's temporary folder)."""

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from shop.catalogue.models import TaxClass
from shop.demo.seed import SeedReport, _seed_legal
from tests import factories
from tests.browser.test_legal import german_logged_in
from tests.browser_support import logged_in_context

expect = pytest.importorskip("playwright.sync_api").expect

TEXTS = {
    "de": {"vat": r"inkl\. 19\s%\sMwSt\.", "unit": r"1\sl\s=\s", "imprint": "Impressum"},
    "en": {"vat": r"incl\. 19% VAT", "unit": r"1\sl\s=\s", "imprint": "Imprint"},
}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_phone_pages_show_vat_unit_price_and_legal_links(browser, live_server, language, tmp_path):
    _seed_legal(SeedReport())
    store = factories.StoreFactory(name="Berlin Mitte")
    bottle = factories.VariantFactory(
        product__name="Trinkflasche Edelstahl",
        product__tax_class=TaxClass.STANDARD,
        price=Decimal("24.90"),
        net_quantity=Decimal("0.75"),
        quantity_unit="l",
    )
    factories.stock(store, bottle, 5)
    shopper = factories.UserFactory(email="erika@example.com", first_name="Erika")
    with translation.override(language):
        order = factories.pickup_order(store, [(bottle, 2)], customer=shopper)
    phone = {"viewport": {"width": 360, "height": 780}}
    if language == "de":
        context = german_logged_in(browser, live_server, shopper, **phone)
    else:
        context = logged_in_context(browser, live_server, shopper, **phone)
    page = context.new_page()
    folder = Path(os.environ.get("OMNISHOP_SCREENSHOTS") or tmp_path)
    if not folder.is_absolute():
        folder = Path(settings.BASE_DIR) / folder
    folder.mkdir(parents=True, exist_ok=True)
    texts = TEXTS[language]

    page.goto(live_server.url + bottle.product.get_absolute_url())
    expect(page.get_by_test_id("base-price")).to_contain_text(re.compile(texts["unit"]))
    page.get_by_test_id("add-to-cart").click()
    page.get_by_test_id("added").wait_for()
    _check_and_shoot(page, folder / f"product-360-{language}.png", texts, vat=False)

    page.goto(live_server.url + "/cart/")
    _check_and_shoot(page, folder / f"cart-360-{language}.png", texts)

    page.goto(live_server.url + "/checkout/")
    page.get_by_test_id("store-option").filter(has_text="Berlin Mitte").click()
    _check_and_shoot(page, folder / f"checkout-360-{language}.png", texts)

    page.goto(live_server.url + order.get_absolute_url())
    _check_and_shoot(page, folder / f"order-360-{language}.png", texts)


def _check_and_shoot(page, path: Path, texts: dict, *, vat: bool = True) -> None:
    main = page.locator("main")
    expect(main.get_by_test_id("base-price").first).to_contain_text(re.compile(texts["unit"]))
    if vat:
        expect(main.get_by_test_id("vat-notes").first).to_contain_text(re.compile(texts["vat"]))
    footer = page.get_by_test_id("footer-legal")
    expect(footer.get_by_role("link", name=texts["imprint"], exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, path.name
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header stays on top of the picture
    page.screenshot(path=str(path), full_page=True)
