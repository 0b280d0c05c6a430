"""In Chromium: a shopper edits Mein Konto, downloads their data and deletes their account with an
open order that gets cancelled; an associate finds a customer by phone and sees online and till
history. German, with screenshots at 1366, 1024 and 360 px when CUSTOMERS_SCREENSHOTS is set."""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from customers.models import DataExport, Erasure
from customers.services.export import data_export_build
from shop.orders.models import Order, OrderStatus
from tests import factories
from tests.backoffice.test_queue_browser import german_page, overflow

from .conftest import EMAIL, NAME

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [(1366, 900), (1024, 800), (360, 740)]


def _origin(page) -> str:
    return "/".join(page.url.split("/")[:3])


def _shots(page, name: str, *, english: bool = False) -> None:
    """Every width fits without sideways scrolling (German, and English with `english`)."""
    directory = os.environ.get("CUSTOMERS_SCREENSHOTS")
    for language in ("de", "en") if english else ("de",):
        if language == "en":
            page.context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": _origin(page)}]
            )
            page.reload()
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            assert overflow(page) == [], (name, language, width, overflow(page))
            if directory:
                page.screenshot(path=f"{directory}/{name}-{language}-{width}.png", full_page=True)
    if english:
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "de", "url": _origin(page)}]
        )
        page.reload()


def test_shopper_edits_account_exports_data_and_deletes_account(
    browser, live_server, person, history, store
):
    from playwright.sync_api import expect

    page = german_page(browser, live_server, person, 360, 740)
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("my-account").click()
    expect(page.locator("h1")).to_have_text("Mein Konto")
    form = page.get_by_test_id("account-form")
    form.locator("[name=first_name]").fill("Zyxi")
    form.locator("[name=phone]").fill("0171 / 99 88 776")
    form.locator("[name=preferred_store]").select_option(str(store.pk))
    form.locator("[name=marketing]").check()
    form.get_by_role("button", name="Speichern").click()
    expect(page.locator(".messages")).to_contain_text("Ihre Angaben wurden gespeichert.")
    expect(page.get_by_test_id("consent-history")).to_contain_text("eingewilligt")
    person.refresh_from_db()
    assert (person.first_name, person.phone, person.preferred_store) == (
        "Zyxi",
        "0171 / 99 88 776",
        store,
    )
    _shots(page, "account", english=True)

    page.get_by_test_id("export-request").click()
    expect(page.locator(".messages")).to_contain_text("Wir stellen Ihre Daten zusammen")
    data_export_build(export_id=DataExport.objects.get(user=person).pk)  # the worker's part
    page.reload()
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == EMAIL
    assert {o["number"] for o in data["orders"]} == {
        history["open"].number,
        history["collected"].number,
    }

    page.get_by_test_id("erase-link").click()
    expect(page.get_by_test_id("erase-open-orders")).to_contain_text(history["open"].number)
    _shots(page, "erase")
    erase = page.get_by_test_id("erase-form")
    erase.locator("[name=password]").fill("falsch")
    erase.locator("[name=confirm]").check()
    erase.get_by_role("button", name="Mein Konto löschen").click()
    expect(page.locator(".errorlist")).to_contain_text("Das Passwort ist nicht korrekt.")
    erase = page.get_by_test_id("erase-form")
    erase.locator("[name=password]").fill(factories.PASSWORD)
    erase.locator("[name=confirm]").check()
    erase.get_by_role("button", name="Mein Konto löschen").click()
    expect(page.locator(".messages")).to_contain_text("Ihr Konto wurde gelöscht.")
    assert Order.objects.get(pk=history["open"].pk).status == OrderStatus.CANCELLED
    assert Erasure.objects.get().customer_id == person.pk
    expect(page.get_by_test_id("my-account")).to_have_count(0)


def test_associate_finds_customer_by_phone_and_sees_online_and_till_history(
    browser, live_server, person, history, store
):
    from playwright.sync_api import expect

    associate = factories.staff(store, first_name="Jonas")
    page = german_page(browser, live_server, associate, 1366, 900)
    page.goto(f"{live_server.url}/staff/customers/")
    field = page.get_by_test_id("customer-search").locator("[name=q]")
    expect(field).to_be_focused()
    field.type("+49 171 99 88 776")
    field.press("Enter")
    page.get_by_test_id("customer-results").get_by_text(f"{NAME[0]} {NAME[1]}").click()
    expect(page.get_by_test_id("customer-name")).to_have_text(f"{NAME[0]} {NAME[1]}")
    timeline = page.get_by_test_id("c360-timeline")
    expect(timeline).to_contain_text(history["collected"].number)
    expect(timeline).to_contain_text("Kassenbuchung")
    expect(timeline).to_contain_text("R-1001")
    expect(page.get_by_test_id("c360-open-orders")).to_contain_text(history["open"].number)
    _shots(page, "customer-360", english=True)
    page.goto(f"{live_server.url}/staff/customers/?q=Quorb")
    _shots(page, "customer-search")
