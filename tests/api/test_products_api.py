import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.request import Request

from shop.catalogue.models import Product, TaxClass
from shop.storefront.api.serializers import (
    ImageSerializer,
    ProductSerializer,
    VariantSerializer,
)
from shop.storefront.selectors import product_list_items
from tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    StoreFactory,
    VariantFactory,
    product_with_variants,
    stock,
)

pytestmark = pytest.mark.django_db
LIST = "/api/v1/products/"


def slugs(response) -> list[str]:
    return [p["slug"] for p in response.json()["results"]]


def test_list_shows_products_with_variants_prices_and_picture(client):
    product = product_with_variants(2, name="Watzmann Hardshelljacke", brand="Bergwerk")
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["results"]
    assert item["slug"] == product.slug
    assert item["name"] == "Watzmann Hardshelljacke"
    assert item["category"]["slug"] == product.category.slug
    assert item["currency"] == "EUR"
    assert item["price_from"] == "49.90"
    assert [v["size"] for v in item["variants"]] == ["S", "M"]
    assert item["variants"][0]["price"] == "49.90"
    assert item["image"]["thumbnail_url"].startswith("http://testserver/media/products/thumbs/")
    assert item["url"] == f"http://testserver/api/v1/products/{product.slug}/"


def test_inactive_products_and_variants_are_hidden(client):
    hidden = ProductFactory(is_active=False)
    shown = product_with_variants(1)
    VariantFactory(product=shown, is_active=False, sku="HIDDEN-1")
    response = client.get(LIST)
    assert slugs(response) == [shown.slug]
    assert hidden.slug not in response.content.decode()
    assert "HIDDEN-1" not in response.content.decode()


def test_search_matches_every_word_in_name_description_or_sku(client):
    jacket = product_with_variants(1, name="Watzmann Regenjacke", description="Wasserdicht.")
    trousers = product_with_variants(1, name="Brocken Wanderhose", description="Robust.")
    VariantFactory(product=trousers, sku="HO-4711-1")
    assert slugs(client.get(LIST, {"q": "regenjacke"})) == [jacket.slug]
    assert slugs(client.get(LIST, {"q": "watzmann wasserdicht"})) == [jacket.slug]
    assert slugs(client.get(LIST, {"q": "watzmann robust"})) == []
    assert slugs(client.get(LIST, {"q": "ho-4711"})) == [trousers.slug]


def test_category_filter_includes_subcategories(client):
    clothing = CategoryFactory(slug="bekleidung")
    jackets = CategoryFactory(slug="jacken", parent=clothing)
    shoes = CategoryFactory(slug="schuhe")
    jacket = product_with_variants(1, category=jackets)
    product_with_variants(1, category=shoes)
    assert slugs(client.get(LIST, {"category": "bekleidung"})) == [jacket.slug]
    assert slugs(client.get(LIST, {"category": "jacken"})) == [jacket.slug]


def test_brand_filter(client):
    ours = product_with_variants(1, brand="Nordwand")
    product_with_variants(1, brand="Bergwerk")
    assert slugs(client.get(LIST, {"brand": "nordwand"})) == [ours.slug]


def test_in_stock_at_keeps_products_available_at_that_store(client):
    store, other = StoreFactory(code="berlin"), StoreFactory(code="hamburg")
    here = product_with_variants(2)
    buffered = product_with_variants(1)
    elsewhere = product_with_variants(1)
    stock(store, here.variants.last(), on_hand=2)
    stock(store, buffered.variants.get(), on_hand=2, safety_buffer=2)
    stock(other, elsewhere.variants.get(), on_hand=5)
    assert slugs(client.get(LIST, {"in_stock_at": "berlin"})) == [here.slug]
    assert slugs(client.get(LIST, {"in_stock_at": "hamburg"})) == [elsewhere.slug]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"in_stock_at": "atlantis"}, "in_stock_at"),
        ({"category": "nope"}, "category"),
        ({"page": "2"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
    ],
)
def test_bad_parameters_are_400_with_a_reason(client, params, field):
    product_with_variants(1)
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    (reason,) = response.json()[field]
    assert reason


def test_pages_hold_48_products_and_link_to_the_next(client):
    category = CategoryFactory()
    Product.objects.bulk_create(
        Product(category=category, name=f"Produkt {i:02d}", slug=f"produkt-{i:02d}")
        for i in range(50)
    )
    first = client.get(LIST).json()
    assert (first["count"], len(first["results"])) == (50, 48)
    assert first["next"].endswith("?page=2")
    second = client.get(LIST, {"page": 2}).json()
    assert [p["slug"] for p in second["results"]] == ["produkt-48", "produkt-49"]
    assert client.get(LIST, {"page": 3}).status_code == 400


def test_detail_has_description_pictures_and_availability_link(client):
    product = product_with_variants(3, description="Wasserdicht und atmungsaktiv.")
    response = client.get(f"{LIST}{product.slug}/")
    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "Wasserdicht und atmungsaktiv."
    assert len(body["variants"]) == 3
    assert len(body["images"]) == 1
    assert body["availability_url"].endswith(f"/api/v1/products/{product.slug}/availability/")


def test_unknown_or_inactive_product_is_a_json_404(client):
    hidden = ProductFactory(is_active=False)
    for slug in ("no-such-thing", hidden.slug):
        response = client.get(f"{LIST}{slug}/")
        assert response.status_code == 404
        assert response.json()["detail"]


def test_the_api_is_read_only(client, shopper):
    product = product_with_variants(1)
    assert client.post(LIST, {"name": "x"}).status_code in (401, 403, 405)
    client.force_login(shopper)
    response = client.delete(f"{LIST}{product.slug}/")
    assert response.status_code in (403, 405)
    assert Product.objects.filter(pk=product.pk).exists()


@pytest.mark.parametrize("count", [5, 50])
def test_list_queries_do_not_grow_with_the_page(client, django_assert_num_queries, count):
    """Store, category, category tree, count, products, variants, pictures: 7 for any page."""
    store = StoreFactory(code="berlin")
    category = CategoryFactory(slug="jacken")
    for _ in range(count):
        product = product_with_variants(3, category=category, brand="Bergwerk")
        stock(store, product.variants.first(), on_hand=1)
    with django_assert_num_queries(7):
        response = client.get(
            LIST,
            {"page_size": 50, "q": "wanderjacke", "category": "jacken", "in_stock_at": "berlin"},
        )
    assert len(response.json()["results"]) == count


def test_prices_are_decimal_strings_with_two_places(client):
    product = product_with_variants(1)
    product.variants.update(price=Decimal("1299"))
    assert client.get(LIST).json()["results"][0]["variants"][0]["price"] == "1299.00"


def test_the_written_out_list_item_is_what_the_declared_fields_give(rf):
    """The list serialises products and variants by hand (for speed); every field and value
    must be the one the declared fields (the documented schema) give, on sale or not, with a
    base price or without, with a picture or without, in German and English."""
    now = timezone.now()
    plain = product_with_variants(2, name="Watzmann Hardshelljacke")
    on_sale = product_with_variants(1, tax_class=TaxClass.REDUCED)
    on_sale.variants.update(
        sale_price=Decimal("39.90"),
        sale_from=now - dt.timedelta(days=1),
        sale_until=now + dt.timedelta(days=1),
        sale_reference_price=Decimal("44.90"),
    )
    later = ProductFactory()
    VariantFactory(
        product=later,
        sale_price=Decimal("9.00"),
        sale_from=now + dt.timedelta(days=2),
        net_quantity=Decimal("0.750"),
        quantity_unit="l",
    )
    ProductImageFactory(product=plain, thumbnail="")  # a second picture, no thumbnail yet
    bare = ProductFactory()  # no variant, no picture
    products = list(product_list_items().filter(pk__in=[plain.pk, on_sale.pk, later.pk, bare.pk]))
    for language in ("de", "en"):
        with translation.override(language):
            request = Request(rf.get("/api/v1/products/"))
            serializer = ProductSerializer(context={"request": request})
            variants = VariantSerializer()
            images = ImageSerializer(context={"request": request})
            for product in products:
                written = serializer.to_representation(product)
                declared = serializers.ModelSerializer.to_representation(serializer, product)
                assert json.loads(json.dumps(written)) == json.loads(json.dumps(declared))
                assert list(written) == list(declared)
                for variant in product.variants.all():
                    written = variants.to_representation(variant)
                    declared = serializers.ModelSerializer.to_representation(variants, variant)
                    assert json.loads(json.dumps(written)) == json.loads(json.dumps(declared))
                    assert list(written) == list(declared)
                for image in product.images.all():
                    written = images.to_representation(image)
                    declared = serializers.ModelSerializer.to_representation(images, image)
                    assert written == declared
                    assert list(written) == list(declared)
