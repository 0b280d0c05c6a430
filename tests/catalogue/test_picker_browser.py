"""The product page's colour and size pickers in a browser: choosing by mouse and keyboard swaps
price, item number and pictures; sizes not at my store are marked and sold-out sizes cannot be
chosen; "Add to cart" takes the chosen variant; without JavaScript the form reloads the page.
Screenshots (PICKER_SCREENSHOTS=dir) at 1366 and 360 px in German and English."""

import os
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from shop.catalogue.services import product_image_add
from shop.demo.catalogue_data import COLOURS
from shop.demo.drawing import draw_product
from shop.orders.models import CartLine
from tests import factories
from tests.browser_support import new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _picture(name: str, colour: str) -> ContentFile:
    data = draw_product(
        shape="jacket", colour=COLOURS[colour], title="Softshelljacke", subtitle=name
    )
    return ContentFile(data, name=f"softshell-{colour.lower()}.jpg")


def _shop():
    berlin = factories.StoreFactory(code="ber", name="Omnishop Berlin Alexanderplatz")
    hamburg = factories.StoreFactory(
        code="ham",
        name="Omnishop Hamburg Mönckebergstraße",
        city="Hamburg",
        latitude=Decimal("53.5502"),
        longitude=Decimal("9.9984"),
    )
    product = factories.ProductFactory(
        name="Gipfelglück Softshelljacke Herren Windabweisend",
        slug="softshell",
        brand="Gipfelglück",
    )
    v = {}
    for position, (colour, size, price) in enumerate(
        [
            ("Marine", "S", "89.00"),
            ("Marine", "M", "89.00"),
            ("Marine", "L", "94.00"),
            ("Marine", "XL", "94.00"),
            ("Waldgrün", "M", "79.00"),
            ("Waldgrün", "L", "79.00"),
        ]
    ):
        v[colour, size] = factories.VariantFactory(
            product=product,
            sku=f"SS-{colour[:3].upper()}-{size}",
            colour=colour,
            size=size,
            price=Decimal(price),
            position=position,
        )
    factories.stock(berlin, v["Marine", "M"], 4)
    factories.stock(berlin, v["Waldgrün", "M"], 2)
    factories.stock(hamburg, v["Marine", "L"], 3)
    factories.stock(hamburg, v["Marine", "XL"], 1)
    for colour in ("Marine", "Waldgrün"):
        product_image_add(
            product=product,
            file=_picture("Gipfelglück", colour),
            alt_text=f"{product.name} ({colour})",
            colour=colour,
        )
    return berlin, product, v


def _context(browser, live_server, store, language, width, **options):
    """A shopper's browser with `store` chosen (through the real view) and `language` set."""
    client = Client()
    client.post(reverse("stores:choose"), {"store": store.code, "next": "/"})
    context = new_context(browser, viewport={"width": width, "height": 900}, **options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    return context


def _size(page, size):
    return page.locator(f'[data-testid="size-option"][data-size="{size}"]')


def test_colour_and_size_pickers_by_mouse_and_keyboard(browser, live_server):
    from playwright.sync_api import expect

    berlin, product, v = _shop()
    page = _context(browser, live_server, berlin, "de", 1366).new_page()
    page.goto(live_server.url + product.get_absolute_url())
    expect(page.get_by_test_id("sku")).to_have_text("SS-MAR-M")
    expect(_size(page, "S")).to_contain_text("ausverkauft")
    expect(_size(page, "S").locator("input")).to_be_disabled()
    expect(_size(page, "L")).to_contain_text("nicht in meiner Filiale")
    expect(_size(page, "M")).not_to_contain_text("nicht in meiner Filiale")
    expect(page.locator("[data-gallery-main]")).to_have_attribute(
        "src", re.compile("softshell-marine")
    )

    _size(page, "L").click()
    expect(page.get_by_test_id("sku")).to_have_text("SS-MAR-L")
    expect(page.get_by_test_id("price")).to_have_text("94,00\u00a0€")
    expect(page.get_by_test_id("chosen-size")).to_have_text("L")
    assert page.url.endswith(f"?variant={v['Marine', 'L'].pk}")

    page.get_by_test_id("colour-option").filter(has_text="Waldgrün").click()
    # Green L is sold out everywhere: the colour changes, the size goes to one that can be had.
    expect(page.get_by_test_id("sku")).to_have_text("SS-WAL-M")
    expect(page.get_by_test_id("price")).to_have_text("79,00\u00a0€")
    expect(page.locator("[data-gallery-main]")).to_have_attribute(
        "src", re.compile("softshell-waldgr")
    )
    expect(page.get_by_test_id("size-option")).to_have_count(2)
    expect(_size(page, "L").locator("input")).to_be_disabled()

    # Keyboard: arrow keys move through the group; the focus stays on the chosen option.
    page.locator("input[name=colour]:checked").focus()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_test_id("sku")).to_have_text("SS-MAR-M")
    expect(page.get_by_test_id("price")).to_have_text("89,00\u00a0€")
    page.wait_for_function(
        "document.activeElement && document.activeElement.name === 'colour'"
        " && document.activeElement.value === 'Marine'"
    )
    page.keyboard.press("Tab")  # on to the size group: the chosen size
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("sku")).to_have_text("SS-MAR-L")

    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_test_id("added")).to_be_visible()
    assert list(CartLine.objects.values_list("variant__sku", flat=True)) == ["SS-MAR-L"]


def test_pickers_work_without_javascript(browser, live_server):
    from playwright.sync_api import expect

    berlin, product, _variants = _shop()
    context = _context(browser, live_server, berlin, "en", 1366, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + product.get_absolute_url())
    expect(page.get_by_test_id("sku")).to_have_text("SS-MAR-M")
    _size(page, "XL").click()
    page.get_by_test_id("picker-show").click()
    expect(page.get_by_test_id("sku")).to_have_text("SS-MAR-XL")
    expect(_size(page, "XL")).to_contain_text("not in my store")
    assert "size=XL" in page.url and "colour=Marine" in page.url


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_product_page_with_pickers_fits_every_width(browser, live_server, language):
    from playwright.sync_api import expect

    berlin, product, v = _shop()
    for width in (1366, 1024, 360):
        context = _context(browser, live_server, berlin, language, width)
        page = context.new_page()
        page.goto(live_server.url + product.get_absolute_url() + f"?variant={v['Marine', 'L'].pk}")
        expect(page.get_by_test_id("variant-picker")).to_be_visible()
        if directory := os.environ.get("PICKER_SCREENSHOTS"):
            page.screenshot(path=f"{directory}/picker-{language}-{width}.png", full_page=True)
        width_used = page.evaluate("document.documentElement.scrollWidth")
        assert width_used <= page.evaluate("window.innerWidth"), (language, width, width_used)
        context.close()
