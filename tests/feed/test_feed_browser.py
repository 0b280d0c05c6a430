"""The catalogue feed upload in the admin, in a real browser: upload, preview, apply."""

import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission

from shop.catalogue.models import Product
from tests import factories
from tests.browser_support import logged_in_context

CSV = (
    "slug;name;category;brand;sku;size;colour;price\n"
    "zelt-alpin;Zelt Alpin;outdoor;Bergwerk;ZA-2;2 Pers.;Grün;199,00\n"
    "zelt-alpin;Zelt Alpin;outdoor;Bergwerk;ZA-3;3 Pers.;Grün;249,00\n"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("width", [1366, 1024, 360])
def test_upload_preview_apply(browser, live_server, tmp_path, language, width):
    from playwright.sync_api import expect

    factories.CategoryFactory(slug="outdoor", name="Outdoor")
    old = factories.ProductFactory(slug="altes-zelt", name="Altes Zelt")
    factories.VariantFactory(product=old, sku="ALT-1", price="99.00")
    user = factories.UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="import_catalogue"),
        Permission.objects.get(codename="view_catalogueimport"),
    )
    context = logged_in_context(
        browser, live_server, user, viewport={"width": width, "height": 800}
    )
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    shots = os.environ.get("FEED_SCREENSHOTS")
    feed = tmp_path / "feed.csv"
    feed.write_text(CSV)

    page.goto(f"{live_server.url}/admin/shop/catalogueimport/")
    page.get_by_role("link", name="Feed hochladen" if language == "de" else "Upload a feed").click()
    page.locator("input[type=file]").set_input_files(str(feed))
    page.locator("input[name=full]").check()
    if shots:
        page.screenshot(path=f"{shots}/upload-{language}-{width}.png", full_page=True)
    page.locator("input[type=submit]").click()

    expect(page.get_by_test_id("feed-new")).to_contain_text("zelt-alpin")
    expect(page.get_by_test_id("feed-deactivated")).to_contain_text("altes-zelt")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    if shots:
        page.screenshot(path=f"{shots}/preview-{language}-{width}.png", full_page=True)
    assert not Product.objects.filter(slug="zelt-alpin").exists()
    page.locator("input[name=apply]").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "übernommen" if language == "de" else "applied"
    )
    if shots:
        page.screenshot(path=f"{shots}/applied-{language}-{width}.png", full_page=True)
    assert Product.objects.get(slug="zelt-alpin").variants.count() == 2
    assert not Product.objects.get(slug="altes-zelt").is_active
