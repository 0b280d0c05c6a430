"""Click & collect end to end in real Chromium: reserve online, pick in the admin, hand over at the desk."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from inventory.models import MovementKind, StockLevel, StockMovement
from shop.orders.models import Order, OrderStatus
from tests import factories
from tests.browser_support import new_context

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reserve_pick_and_hand_over(browser, live_server):
    store = factories.StoreFactory(name="Berlin Mitte", code="berlin-mitte")
    jacket = factories.VariantFactory(product__name="Regenjacke", price=Decimal("89.90"))
    boots = factories.VariantFactory(product__name="Wanderschuh", price=Decimal("120.00"))
    factories.stock(store, jacket, 4)
    factories.stock(store, boots, 3)
    shopper = factories.UserFactory(email="erika@example.com")
    associate = factories.staff(store, email="anna@example.com")
    associate.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    url = live_server.url

    # The shopper puts two products into the cart from their product pages ...
    shop = new_context(browser, viewport={"width": 390, "height": 844}).new_page()
    shop.goto(url + jacket.product.get_absolute_url())
    shop.get_by_test_id("add-to-cart").click()
    shop.get_by_test_id("added").wait_for()
    shop.goto(url + boots.product.get_absolute_url())
    shop.fill(".add-to-cart input[name=quantity]", "2")
    shop.get_by_test_id("add-to-cart").click()
    shop.get_by_test_id("added").wait_for()
    expect(shop.get_by_test_id("cart-count")).to_have_text("3 items")  # refreshed by htmx

    # ... reviews it, logs in on the way to checkout and reserves at Berlin Mitte.
    shop.goto(url + "/cart/")
    assert shop.get_by_test_id("cart-line").count() == 2
    shop.get_by_test_id("to-checkout").click()
    shop.fill("input[name=login]", shopper.email)
    shop.fill("input[name=password]", factories.PASSWORD)
    shop.locator("form button[type=submit]").last.click()
    shop.wait_for_url(re.compile(r"/checkout/$"))
    shop.get_by_test_id("store-option").filter(has_text="Berlin Mitte").click()
    shop.fill("input[name=phone]", "+49 30 1234567")
    shop.get_by_test_id("place-order").click()
    shop.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    assert shop.get_by_test_id("order-status").inner_text() == "Placed"
    order = Order.objects.get()
    assert StockLevel.objects.get(store=store, variant=boots).reserved == 2

    # The associate starts picking and marks the order ready in the admin.
    desk = new_context(browser, viewport={"width": 1024, "height": 768}).new_page()
    desk.goto(url + "/admin/login/?next=/admin/orders/order/")
    desk.fill("input[name=username]", associate.email)
    desk.fill("input[name=password]", factories.PASSWORD)
    desk.locator("input[type=submit]").click()
    for action in ("start_picking", "mark_ready"):
        desk.locator(f"input[name=_selected_action][value='{order.pk}']").check()
        desk.select_option("select[name=action]", action)
        desk.locator("button[name=index]").click()
        desk.wait_for_load_state()
    order.refresh_from_db()
    assert order.status == OrderStatus.READY

    # The shopper's order page now shows the code (and its QR code).
    shop.reload()
    code = shop.get_by_test_id("pickup-code").inner_text()
    assert code.replace(" ", "") == order.pickup_code
    assert shop.locator(".qr svg").count() == 1

    # At the counter the associate types the code on the desk page; the goods leave the store.
    desk.goto(url + "/desk/")
    desk.get_by_test_id("desk-code").fill(code)
    desk.get_by_test_id("desk-code").press("Enter")
    desk.get_by_test_id("desk-success").wait_for()

    order.refresh_from_db()
    assert order.status == OrderStatus.COLLECTED
    jacket_level = StockLevel.objects.get(store=store, variant=jacket)
    boots_level = StockLevel.objects.get(store=store, variant=boots)
    assert (jacket_level.on_hand, jacket_level.reserved) == (3, 0)
    assert (boots_level.on_hand, boots_level.reserved) == (1, 0)
    collected = StockMovement.objects.filter(
        reference=order.number, kind=MovementKind.PICKUP_COLLECTED
    )
    assert sorted(collected.values_list("variant_id", "quantity")) == sorted(
        [(jacket.pk, -1), (boots.pk, -2)]
    )
    shop.reload()
    assert shop.get_by_test_id("order-status").inner_text() == "Collected"
