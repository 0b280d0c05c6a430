"""The back office has a look of its own: desk pages and the admin share it, without the shop's chrome."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

DESK_PAGES = ["pickup:desk", "returns:desk", "loyalty:desk", "stock:count_new", "stock:low_stock"]
SHOPPER_CHROME = [
    'class="site-header',
    'data-testid="cart-link"',
    'data-testid="my-store"',
    "site-footer",
]


@pytest.mark.parametrize("name", DESK_PAGES)
def test_desk_pages_use_the_staff_base_without_shopper_chrome(client, store, name):
    client.force_login(factories.staff(store))
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="staff-bar"' in html
    assert "css/staff.css" in html
    for chrome in SHOPPER_CHROME:
        assert chrome not in html, chrome
    assert "Back office" in html and "Log out" in html


def test_desk_pages_speak_german(client, store):
    client.force_login(factories.staff(store))
    html = client.get(reverse("pickup:desk"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Backoffice" in html and "Abholung" in html and "Bestand" in html
    assert "Filiale wählen" not in html and "Warenkorb" not in html


def test_admin_wears_the_same_look_and_links_the_desks(client, store):
    client.force_login(factories.staff(store))
    html = client.get(reverse("admin:index")).content.decode()
    assert "css/staff-admin.css" in html
    assert 'data-testid="staff-admin-nav"' in html
    for name in ("pickup:desk", "returns:desk", "loyalty:desk", "stock:count_new"):
        assert f'href="{reverse(name)}"' in html
