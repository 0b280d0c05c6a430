"""The Content-Security-Policy holds in real Chromium: the shop's pages, htmx, the desks and the
API docs (Swagger UI) run under it without a single violation (issue 11, item 9)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from tests import factories
from tests.browser_support import logged_in_context, new_context

expect = pytest.importorskip("playwright.sync_api").expect


def _watch(page, problems):
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_work_under_the_csp_without_violations(browser, live_server):
    store = factories.StoreFactory(name="Berlin Mitte", code="berlin-mitte")
    jacket = factories.VariantFactory(product__name="Regenjacke", price=Decimal("89.90"))
    factories.stock(store, jacket, 4)
    associate = factories.staff(store, email="anna@example.com")
    associate.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    url = live_server.url
    problems: list[str] = []

    shop = new_context(browser).new_page()
    _watch(shop, problems)
    response = shop.goto(url + "/")
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["content-security-policy"].split(";")
    )
    assert policy["script-src"].startswith("'self'") and "unsafe" not in policy["script-src"]
    shop.goto(url + jacket.product.get_absolute_url())
    shop.get_by_test_id("add-to-cart").click()
    shop.get_by_test_id("added").wait_for()  # htmx swapped the answer in
    expect(shop.get_by_test_id("cart-count")).to_have_text("1 item")
    shop.goto(url + "/cart/")
    assert shop.get_by_test_id("cart-line").count() == 1

    desk = logged_in_context(browser, live_server, associate).new_page()
    _watch(desk, problems)
    desk.goto(url + "/desk/")
    desk.get_by_test_id("desk-code").fill("NOPE-NOPE")
    desk.get_by_test_id("desk-code").press("Enter")
    desk.get_by_test_id("desk-error").wait_for()  # htmx, then the form is reset by shop.js
    expect(desk.get_by_test_id("desk-code")).to_have_value("")
    expect(desk.get_by_test_id("desk-code")).to_be_focused()

    docs = new_context(browser).new_page()
    _watch(docs, problems)
    response = docs.goto(url + "/api/docs/")
    assert (
        response.headers["cross-origin-opener-policy"] == "same-origin"
    )  # Django's, not unsafe-none
    docs.locator(".swagger-ui .info .title").wait_for()  # the UI started and read the schema
    expect(docs.locator(".swagger-ui .opblock").first).to_be_visible()

    assert problems == []
