"""The product page's colour and size pickers (issue 14): two radio groups that work as a GET form
without JavaScript and through htmx with it; sizes not at my store marked, sizes sold out
everywhere disabled; pictures follow the colour; price and unit price follow the variant."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from inventory.models import StockLevel
from shop.storefront.selectors import variant_picker
from tests.catalogue.conftest import choose_store
from tests.factories import ProductFactory, ProductImageFactory, VariantFactory, stock

pytestmark = pytest.mark.django_db

DE = {"accept-language": "de"}


@pytest.fixture
def shell(berlin, hamburg):
    """Blue in S, M, L, XL and red in M, L. Berlin has blue M and red M; Hamburg has blue L and
    XL; nobody has blue S or red L. A picture of each colour and one for every colour."""
    product = ProductFactory(name="Softshelljacke", slug="softshelljacke")
    v = {}
    for position, (colour, size, price) in enumerate(
        [
            ("Blau", "XL", "94.00"),  # listed first: the pickers sort sizes S, M, L, XL
            ("Blau", "S", "89.00"),
            ("Blau", "M", "89.00"),
            ("Blau", "L", "94.00"),
            ("Rot", "M", "79.00"),
            ("Rot", "L", "79.00"),
        ]
    ):
        v[colour, size] = VariantFactory(
            product=product,
            sku=f"SS-{colour[:2].upper()}-{size}",
            colour=colour,
            size=size,
            price=Decimal(price),
            position=position,
        )
    stock(berlin, v["Blau", "M"], 4)
    stock(berlin, v["Rot", "M"], 2)
    stock(hamburg, v["Blau", "L"], 3)
    stock(hamburg, v["Blau", "XL"], 1)
    stock(hamburg, v["Blau", "S"], 0)
    ProductImageFactory(product=product, image="products/test/blau.jpg", colour="Blau", position=1)
    ProductImageFactory(product=product, image="products/test/rot.jpg", colour="Rot", position=2)
    ProductImageFactory(product=product, image="products/test/detail.jpg", position=3)
    product.v = v
    return product


def _size_options(html):
    """{size: (checked, disabled, note)} of the size picker."""
    found = {}
    for label in re.findall(
        r'<label class="picker-option picker-option--size[^"]*".*?</label>', html, re.S
    ):
        size = re.search(r'data-size="([^"]+)"', label)[1]
        note = re.search(r'class="picker-note">([^<]*)<', label)
        found[size] = ("checked" in label, "disabled" in label, note[1] if note else "")
    return found


def _gallery(html):
    """The pictures of the gallery, in order (its thumbnails)."""
    return re.findall(r'data-gallery-thumb="[^"]*products/test/(\w+)\.jpg"', html)


def test_without_javascript_colour_and_size_choose_the_variant_and_its_price(client, shell, berlin):
    choose_store(client, berlin)
    html = client.get(shell.get_absolute_url(), {"colour": "Blau", "size": "L"}, headers=DE)
    html = html.content.decode()
    assert 'data-testid="sku">SS-BL-L<' in html
    assert 'data-testid="price">94,00\u00a0€<' in html
    assert _size_options(html) == {
        "S": (False, True, "ausverkauft"),
        "M": (False, False, ""),
        "L": (True, False, "nicht in meiner Filiale"),
        "XL": (False, False, "nicht in meiner Filiale"),
    }
    assert '<noscript><button class="btn secondary small" data-testid="picker-show">' in html
    assert f'name="variant" value="{shell.v["Blau", "L"].pk}"' in html
    # Blue pictures first, then the one for every colour; the red one is not shown.
    assert _gallery(html)[:2] == ["blau", "detail"] and "rot" not in _gallery(html)


def test_another_colour_shows_its_sizes_and_pictures(client, shell, berlin):
    choose_store(client, berlin)
    html = client.get(shell.get_absolute_url(), {"colour": "Rot", "size": "M"}, headers=DE)
    html = html.content.decode()
    assert 'data-testid="sku">SS-RO-M<' in html and "79,00\u00a0€" in html
    assert _size_options(html) == {"M": (True, False, ""), "L": (False, True, "ausverkauft")}
    assert _gallery(html)[:2] == ["rot", "detail"] and "blau" not in _gallery(html)
    # Each colour offers its lowest price; a sold-out colour would say so instead.
    assert 'value="Rot" id="colour-2" checked' in html
    assert "89,00\u00a0€" in html  # blue from 89,00 €


def test_a_size_the_colour_lacks_keeps_the_colour_and_takes_a_size_that_can_be_had(client, shell):
    html = client.get(shell.get_absolute_url(), {"colour": "Rot", "size": "S"}).content.decode()
    assert 'data-testid="sku">SS-RO-M<' in html
    html = client.get(shell.get_absolute_url(), {"colour": "Grün", "size": "XL"}).content
    assert 'data-testid="sku">SS-BL-XL<' in html.decode()  # unknown colour: the size still counts


def test_the_first_variant_that_can_be_had_is_shown_first_and_a_link_keeps_its_variant(
    client, shell
):
    StockLevel.objects.filter(variant=shell.v["Blau", "XL"]).delete()
    html = client.get(shell.get_absolute_url()).content.decode()
    assert 'data-testid="sku">SS-BL-M<' in html  # XL and S are sold out: M, in position order
    sold_out = shell.v["Blau", "S"]
    html = client.get(shell.get_absolute_url(), {"variant": sold_out.pk}).content.decode()
    assert 'data-testid="sku">SS-BL-S<' in html  # a link (or the cart) may show a sold-out one
    assert _size_options(html)["S"] == (True, True, "sold out")


def test_without_a_chosen_store_nothing_is_marked_as_missing_there(client, shell):
    html = client.get(shell.get_absolute_url(), {"colour": "Blau"}).content.decode()
    assert all(note != "not in my store" for _c, _d, note in _size_options(html).values())
    assert _size_options(html)["S"] == (False, True, "sold out")


def test_htmx_swaps_availability_pickers_price_and_pictures_in_one_response(client, shell, berlin):
    choose_store(client, berlin)
    url = reverse("shop:product_availability", kwargs={"slug": shell.slug})
    response = client.get(
        url,
        {"colour": "Rot", "size": "L", "variant": shell.v["Blau", "M"].pk},
        headers={"HX-Request": "true", **DE},
    )
    html = response.content.decode()
    red_m = shell.v["Rot", "M"]  # red L is sold out: red's size that can be had
    assert response["HX-Replace-Url"] == f"{shell.get_absolute_url()}?variant={red_m.pk}"
    assert 'id="variant-summary" class="variant-summary" hx-swap-oob="true"' in html
    assert re.search(r'<form id="variant-picker"[^>]*hx-swap-oob="true"', html, re.S)
    assert (
        'id="gallery" class="gallery" data-gallery data-testid="gallery" hx-swap-oob="true"' in html
    )
    assert "SS-RO-M" in html and "79,00\u00a0€" in html


def test_the_unit_price_follows_the_variant(client, berlin):
    product = ProductFactory(name="Gaskartusche", slug="gaskartusche")
    small = VariantFactory(
        product=product,
        sku="GK-230",
        colour="",
        size="230 g",
        price=Decimal("4.60"),
        net_quantity=Decimal("230"),
        quantity_unit="g",
        position=0,
    )
    large = VariantFactory(
        product=product,
        sku="GK-450",
        colour="",
        size="450 g",
        price=Decimal("7.20"),
        net_quantity=Decimal("450"),
        quantity_unit="g",
        position=1,
    )
    stock(berlin, small, 5)
    stock(berlin, large, 5)
    html = client.get(product.get_absolute_url(), {"size": "450 g"}, headers=DE).content.decode()
    summary = html[html.index('id="variant-summary"') :].split("</div>")[0]
    assert "7,20\u00a0€" in summary and "16,00\u00a0€" in summary  # 7,20 € for 450 g: 16,00 € / kg
    assert 'data-testid="chosen-colour"' not in html  # one colour: no colour picker
    html = client.get(product.get_absolute_url(), {"size": "230 g"}, headers=DE).content.decode()
    summary = html[html.index('id="variant-summary"') :].split("</div>")[0]
    assert "4,60\u00a0€" in summary and "2,00\u00a0€" in summary


def test_variants_that_are_not_one_per_colour_and_size_keep_the_plain_list(client, berlin):
    product = ProductFactory(slug="zwei-gleiche")
    VariantFactory(product=product, sku="ZG-1")
    VariantFactory(product=product, sku="ZG-2")
    assert variant_picker(variants=list(product.variants.all()), images=[], store=None) is None
    html = client.get(product.get_absolute_url()).content.decode()
    assert 'class="variant-options"' in html and "variant-picker--split" not in html
