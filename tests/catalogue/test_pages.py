import pytest
from django.test import Client
from django.urls import reverse

from tests.catalogue.conftest import choose_store
from tests.factories import PASSWORD, ProductFactory, VariantFactory, stock

pytestmark = pytest.mark.django_db


def test_home_shows_categories_products_with_badges_in_few_queries(
    client, berlin, django_assert_max_num_queries
):
    for units in (0, 2, 7):
        stock(berlin, VariantFactory(product=ProductFactory()), units)
    choose_store(client, berlin)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("shop:home"))
    html = response.content.decode()
    assert html.count('class="product-card"') == 3
    assert {"in-stock", "low-stock", "out-of-stock"} <= {
        s.split('"')[0] for s in html.split('data-state="')[1:]
    }
    assert berlin.name in html


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_email_verification_sent",
    ],
)
def test_account_pages_wear_the_shop_layout(client, name):
    html = client.get(reverse(name)).content.decode()
    assert 'class="site-header"' in html
    assert 'class="card auth-card"' in html
    assert 'class="btn' in html or name == "account_email_verification_sent"


def test_account_management_pages_wear_the_shop_layout(client, shopper):
    client.login(email=shopper.email, password=PASSWORD)
    for name in ("account_email", "account_change_password", "account_logout"):
        html = client.get(reverse(name)).content.decode()
        assert 'class="site-header"' in html, name
        assert 'class="card auth-card"' in html, name


def test_language_switch_changes_the_price_format():
    client = Client(headers={"accept-language": "de"})  # a German browser
    VariantFactory(product=ProductFactory(slug="lampe"), price="1234.50")
    url = reverse("shop:product_detail", kwargs={"slug": "lampe"})
    assert "1.234,50\u00a0€" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert "€1,234.50" in client.get(url).content.decode()
