"""The checkout with the keyboard alone (BFSG): from the product page to the order confirmation
with Tab, Shift+Tab, Enter, Space and typing — no mouse click — and every control reached shows
where the focus is."""

import re
from decimal import Decimal

import pytest

from shop.demo.seed import SeedReport, _seed_legal
from shop.orders.models import Order, OrderStatus
from tests import factories
from tests.browser.test_legal import german_logged_in

expect = pytest.importorskip("playwright.sync_api").expect

FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const ring = style.boxShadow !== 'none' || (style.outlineStyle !== 'none' && style.outlineWidth !== '0px');
  const label = el.closest('label');
  const labelRing = label ? getComputedStyle(label).boxShadow !== 'none' : false;
  return ring || labelRing;
}"""


def tab_to(page, selector: str, *, backwards: bool = False, most: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus, then check
    that the focus can be seen."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(most):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            assert page.evaluate(FOCUS_SHOWN), f"focus on {selector} is not visible"
            return
    raise AssertionError(f"{selector} not reached with {most} × {key}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 360])
def test_checkout_with_the_keyboard_alone(browser, live_server, width):
    _seed_legal(SeedReport())
    store = factories.StoreFactory(name="Berlin Mitte")
    tent = factories.VariantFactory(product__name="Kuppelzelt", price=Decimal("199.00"))
    factories.stock(store, tent, 3)
    shopper = factories.UserFactory(email="erika@example.com", first_name="Erika")
    page = german_logged_in(
        browser, live_server, shopper, viewport={"width": width, "height": 900}
    ).new_page()
    page.goto(live_server.url + tent.product.get_absolute_url())

    tab_to(page, "[data-testid=add-to-cart]")
    page.keyboard.press("Enter")
    page.get_by_test_id("added").wait_for()

    tab_to(page, "#cart-link", backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cart/$"))

    tab_to(page, "[data-testid=to-checkout]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/checkout/$"))

    tab_to(page, "input[name=store]")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    tab_to(page, "input[name=phone]")
    page.keyboard.type("+49 30 1234567")
    tab_to(page, "[data-testid=place-order]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    expect(page.get_by_test_id("order-status")).to_be_visible()

    order = Order.objects.get()
    assert (order.customer, order.store, order.status) == (shopper, store, OrderStatus.PLACED)
    assert order.phone == "+49 30 1234567"
