"""Issue 13 in real Chromium: the short-pick rescue end to end, and no shopper page wider than a
360 px phone."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from inventory.models import StockLevel
from loyalty.selectors import account_balance
from loyalty.services import loyalty_account_open
from notifications.services import Recipient, notify
from returns.models import ReturnReason
from returns.services import return_request_create
from shop.orders.links import collector_url, rescue_url
from shop.orders.models import Order, OrderStatus, RescueChoice, ShortPickRescue
from shop.orders.services.collector import order_collector_set
from shop.orders.services.orders import order_mark_line_short, order_start_picking
from tests import factories
from tests.browser_support import logged_in_context, new_context
from tests.wiring.conftest import give_points

expect = pytest.importorskip("playwright.sync_api").expect


def _level(store, variant) -> tuple[int, int]:
    row = StockLevel.objects.get(store=store, variant=variant)
    return row.on_hand, row.reserved


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_marked_short_then_the_shopper_chooses_the_other_store(browser, live_server):
    berlin = factories.StoreFactory(name="Berlin Mitte", code="berlin-mitte")
    potsdam = factories.StoreFactory(
        name="Potsdam Zentrum",
        code="potsdam",
        city="Potsdam",
        latitude=Decimal("52.390569"),
        longitude=Decimal("13.064473"),
    )
    jacket = factories.VariantFactory(product__name="Regenjacke", price=Decimal("80.00"))
    socks = factories.VariantFactory(product__name="Wandersocken", price=Decimal("10.00"))
    factories.stock(berlin, jacket, 2)
    factories.stock(berlin, socks, 5)
    factories.stock(potsdam, jacket, 3)
    shopper = factories.UserFactory(email="erika@example.com")
    balance = give_points(shopper, "1000.00")
    order = factories.pickup_order(
        berlin, [(jacket, 2), (socks, 1)], customer=shopper, points_to_redeem=400
    )
    associate = factories.staff(berlin, email="anna@example.com")
    associate.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    order_start_picking(order=order, actor=associate)
    url = live_server.url

    # The associate finds only one jacket and marks the other short on the order's admin page.
    staff = logged_in_context(browser, live_server, associate).new_page()
    staff.goto(f"{url}/admin/orders/order/{order.pk}/change/")
    jacket_line = order.lines.get(variant=jacket)
    staff.fill(f"#short-{jacket_line.pk}", "1")
    staff.locator(f"#short-{jacket_line.pk} ~ button").click()
    staff.wait_for_load_state()
    expect(staff.get_by_test_id("rescues")).to_contain_text("waiting for the customer")

    # The shopper sees it on the order page and chooses to collect the jacket in Potsdam.
    shop = logged_in_context(browser, live_server, shopper, viewport={"width": 360, "height": 740})
    page = shop.new_page()
    page.goto(url + order.get_absolute_url())
    page.get_by_test_id("rescue-link").click()
    page.wait_for_url(re.compile(r"/orders/rescue/"))
    expect(page.get_by_test_id("rescue")).to_contain_text("Potsdam Zentrum")
    page.get_by_test_id("rescue-other-store").first.click()
    expect(page.get_by_test_id("rescue-result")).to_contain_text("Potsdam Zentrum")

    rescue = ShortPickRescue.objects.get(order=order)
    second = rescue.rescue_order
    assert rescue.choice == RescueChoice.OTHER_STORE
    assert (second.store, second.status, second.customer) == (potsdam, OrderStatus.PLACED, shopper)
    assert list(second.lines.values_list("variant_id", "quantity")) == [(jacket.pk, 1)]
    # Stock: the jacket is reserved in Potsdam; Berlin wrote off the missing one, keeps the rest.
    assert _level(potsdam, jacket) == (3, 1)
    assert _level(berlin, jacket) == (1, 1)
    assert _level(berlin, socks) == (5, 1)
    # Points: 400 were used on 170 €; after the short pick 90 € are left, still within half.
    order.refresh_from_db()
    assert (order.total, order.points_redeemed, order.amount_due) == (
        Decimal("90.00"),
        400,
        Decimal("86.00"),
    )
    assert account_balance(loyalty_account_open(user=shopper)) == balance - 400
    assert second.amount_due == Decimal("80.00") and second.points_redeemed == 0

    # The new order is the shopper's, reserved; staff see the choice on the first one.
    page.goto(url + second.get_absolute_url())
    expect(page.get_by_test_id("order-status")).to_have_text("Placed")
    staff.reload()
    expect(staff.get_by_test_id("rescues")).to_contain_text(second.number)
    assert Order.objects.count() == 2


def _shopper_with_everything():
    """A shopper with a cart, orders in every state, a rescue, a named collector, a return and
    messages; long German words and amounts with points and store credit."""
    berlin = factories.StoreFactory(name="Omnishop Berlin Alexanderplatz", code="berlin-alex")
    hamburg = factories.StoreFactory(
        name="Omnishop Hamburg Mönckebergstraße",
        code="hamburg",
        city="Hamburg",
        latitude=Decimal("53.551086"),
        longitude=Decimal("9.993682"),
    )
    jacket = factories.VariantFactory(
        product__name="Hochkönig Hardshelljacke Damen Wasserdicht", price=Decimal("452.95")
    )
    socks = factories.VariantFactory(product__name="Merino-Wandersocken", price=Decimal("19.90"))
    for store in (berlin, hamburg):
        factories.stock(store, jacket, 20)
        factories.stock(store, socks, 20)
    shopper = factories.UserFactory(email="erika.mustermann-schneider@example.com")
    give_points(shopper, "2000.00")
    from loyalty.models import StoreCreditEntry

    StoreCreditEntry.objects.create(user=shopper, amount=Decimal("25.00"), source="refund:T1")
    associate = factories.UserFactory(is_superuser=True, is_staff=True)
    placed = factories.pickup_order(
        berlin,
        [(jacket, 1), (socks, 2)],
        customer=shopper,
        points_to_redeem=100,
        use_store_credit=True,
    )
    picking = factories.pickup_order(berlin, [(jacket, 1), (socks, 3)], customer=shopper)
    order_start_picking(order=picking, actor=associate)
    order_mark_line_short(line=picking.lines.get(variant=socks), units=2, actor=associate)
    ready = factories.pickup_order(berlin, [(jacket, 1)], customer=shopper, status="ready")
    ready = order_collector_set(
        order=ready, actor=shopper, name="Anna-Katharina Berger-Schmidtke", email="a@example.com"
    )
    collected = factories.pickup_order(
        berlin, [(jacket, 1), (socks, 1)], customer=shopper, status="collected"
    )
    ret = return_request_create(
        order=collected,
        lines=[(collected.lines.get(variant=jacket), 1)],
        reason=ReturnReason.TOO_SMALL,
        actor=shopper,
    )
    notify(kind="order_ready", subject=ready, recipients=[Recipient(user=shopper)])
    return {
        "shopper": shopper,
        "jacket": jacket,
        "pages": {
            "home": "/",
            "list": "/products/",
            "product": jacket.product.get_absolute_url(),
            "stores": "/stores/",
            "cart": "/cart/",
            "checkout": "/checkout/",
            "orders": "/orders/",
            "order placed": placed.get_absolute_url(),
            "order picking": picking.get_absolute_url(),
            "order ready": ready.get_absolute_url(),
            "order collected": collected.get_absolute_url(),
            "rescue": rescue_url(ShortPickRescue.objects.get(order=picking)),
            "collector": collector_url(ready),
            "returns": "/returns/",
            "return start": f"/returns/start/{collected.public_id}/",
            "return": ret.get_absolute_url(),
            "loyalty card": "/loyalty/card/",
            "messages": "/messages/",
        },
        "ready": ready,
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_shopper_page_scrolls_sideways_at_360_px(browser, live_server):
    data = _shopper_with_everything()
    url = live_server.url
    too_wide = []
    for language in ("de", "en"):
        context = logged_in_context(
            browser, live_server, data["shopper"], viewport={"width": 360, "height": 740}
        )
        context.add_cookies([{"name": "django_language", "value": language, "url": url}])
        page = context.new_page()
        page.goto(url + data["jacket"].product.get_absolute_url())
        page.get_by_test_id("add-to-cart").click()
        page.get_by_test_id("added").wait_for()
        for name, path in data["pages"].items():
            response = page.goto(url + path)
            assert response.status == 200, (language, name, response.status)
            width = page.evaluate("document.documentElement.scrollWidth")
            viewport = page.evaluate("window.innerWidth")
            if width > viewport:
                too_wide.append((language, name, width))
        if language == "de":
            page.goto(url + data["ready"].get_absolute_url())
            text = page.evaluate("document.body.innerText")
            assert text.count("Abholbereit") == 1, text
            # One row per amount: label and amount side by side, each amount on its own row.
            page.goto(url + data["pages"]["order placed"])
            rows = page.eval_on_selector_all(
                ".totals dd", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
            )
            assert len(rows) == 4 and len(set(rows)) == 4, rows
        context.close()
    assert too_wide == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_codes_look_the_same_on_every_page(browser, live_server):
    data = _shopper_with_everything()
    ready = data["ready"]
    formatted = f"{ready.collector_code[:4]} {ready.collector_code[4:]}"
    page = new_context(browser, viewport={"width": 360, "height": 740}).new_page()
    page.goto(live_server.url + data["pages"]["collector"])
    expect(page.get_by_test_id("collector-code")).to_have_text(formatted)
