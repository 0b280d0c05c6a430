"""The catalogue feed from the ERP: API, checks, idempotency, deactivation, price history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shop.catalogue.errors import CatalogueFeedRejected
from shop.catalogue.feed.reading import feed_from_data
from shop.catalogue.feed.services import catalogue_feed_import
from shop.catalogue.models import CatalogueImport, PriceChange, Product, Variant
from tests.factories import CategoryFactory, ProductFactory, UserFactory, VariantFactory

URL = "/api/v1/catalogue/import/"


def jacket(slug="regenjacke-aria", skus=("ARIA-S", "ARIA-M"), price="89.90", **extra):
    return {
        "slug": slug,
        "name": "Regenjacke Aria",
        "category": "jacken",
        "brand": "Nordwind",
        "tax_class": "standard",
        "variants": [
            {"sku": sku, "ean": "", "size": sku.rsplit("-", 1)[-1], "colour": "Rot", "price": price}
            for sku in skus
        ],
        **extra,
    }


def run(products, full=False, **kwargs):
    feed, _full = feed_from_data({"products": products, "full": full})
    return catalogue_feed_import(feed=feed, full=full, source="api", **kwargs)


@pytest.fixture
def jacken(db):
    return CategoryFactory(slug="jacken", name="Jacken")


@pytest.fixture
def importer(db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="import_catalogue"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_new_products_are_created_with_variants_and_price_history(jacken):
    report = run([jacket(), jacket("tasse", ("TASSE-1",), "9.50")])

    assert report.applied
    assert report.counts()["products_created"] == 2
    assert report.counts()["variants_created"] == 3
    product = Product.objects.get(slug="regenjacke-aria")
    assert product.category == jacken and product.brand == "Nordwind"
    assert sorted(product.variants.values_list("sku", "price")) == [
        ("ARIA-M", Decimal("89.90")),
        ("ARIA-S", Decimal("89.90")),
    ]
    # The 30-day rule needs a history from the first price on.
    assert PriceChange.objects.filter(variant__sku="ARIA-S").count() == 1
    log = CatalogueImport.objects.get()
    assert log.status == "applied" and log.summary["variants_created"] == 3


def test_the_same_feed_twice_changes_nothing(jacken):
    run([jacket()])
    again = run([jacket()])

    assert not again.changed
    assert Product.objects.count() == 1 and Variant.objects.count() == 2
    assert PriceChange.objects.count() == 2


def test_a_known_sku_updates_its_product_and_price_goes_through_the_history(jacken):
    run([jacket()])
    # The ERP renames the product, changes a price and omits the slug: the SKUs identify it.
    changed = jacket(price="79.90")
    changed.pop("slug")
    changed["name"] = "Regenjacke Aria II"
    report = run([changed])

    product = Product.objects.get()
    assert product.name == "Regenjacke Aria II" and product.slug == "regenjacke-aria"
    assert report.counts()["price_changes"] == 2
    history = PriceChange.objects.filter(variant__sku="ARIA-M").order_by("changed_at", "id")
    assert [h.price for h in history] == [Decimal("89.90"), Decimal("79.90")]
    assert history.last().note == "catalogue feed"


def test_a_sale_from_the_feed_gets_the_reference_price_of_the_30_days_before(jacken):
    run([jacket(price="100.00")])
    sale = jacket(price="100.00")
    for variant in sale["variants"]:
        variant["sale_price"] = "70.00"
    run([sale])

    variant = Variant.objects.get(sku="ARIA-S")
    assert variant.sale_price == Decimal("70.00")
    assert variant.sale_reference_price == Decimal("100.00")
    # A feed without the sale fields leaves the sale alone ...
    run([jacket(price="100.00")])
    assert Variant.objects.get(sku="ARIA-S").sale_price == Decimal("70.00")
    # ... and one with an empty sale price ends it.
    ended = jacket(price="100.00")
    for variant in ended["variants"]:
        variant["sale_price"] = None
    run([ended])
    assert Variant.objects.get(sku="ARIA-S").sale_price is None


def test_full_feed_deactivates_what_it_leaves_out_and_deletes_nothing(jacken):
    run([jacket(), jacket("tasse", ("TASSE-1",), "9.50")])
    old = ProductFactory(slug="alt")
    VariantFactory(product=old, sku="ALT-1")

    report = run([jacket(skus=("ARIA-S",))], full=True)

    assert sorted(report.products_deactivated) == ["alt", "tasse"]
    assert report.variants_deactivated == ["ARIA-M"]
    assert set(Product.objects.filter(is_active=False).values_list("slug", flat=True)) == {
        "alt",
        "tasse",
    }
    assert not Variant.objects.get(sku="ARIA-M").is_active
    assert Product.objects.count() == 3 and Variant.objects.count() == 4
    # Listed again, they come back.
    run([jacket(), jacket("tasse", ("TASSE-1",), "9.50")])
    assert Product.objects.get(slug="tasse").is_active
    assert Variant.objects.get(sku="ARIA-M").is_active


def test_a_partial_feed_leaves_unlisted_products_alone(jacken):
    run([jacket(), jacket("tasse", ("TASSE-1",), "9.50")])
    run([jacket()], full=False)
    assert Product.objects.get(slug="tasse").is_active


def test_every_bad_row_is_listed_and_nothing_is_written(jacken):
    run([jacket()])
    bad = [
        jacket("gut", ("GUT-1",)),
        {**jacket("kaputt", ("K-1", "K-2")), "category": "gibtsnicht", "tax_class": "luxus"},
        jacket("doppelt", ("GUT-1",)),
        {
            "slug": "preise",
            "name": "",
            "category": "jacken",
            "variants": [
                {"sku": "P-1", "price": "-1"},
                {"sku": "P-2", "price": "abc", "ean": "123"},
                {"sku": "P-3", "price": "5.999"},
                {"sku": "P-4", "price": "5", "net_quantity": "0.5"},
                {"sku": "P-5", "price": "5", "sale_price": "6"},
                {"price": "5"},
            ],
        },
    ]
    with pytest.raises(CatalogueFeedRejected) as caught:
        run(bad)

    found = {(p.product, p.variant, p.field) for p in caught.value.problems}
    assert found == {
        (1, None, "category"),
        (1, None, "tax_class"),
        (2, 0, "sku"),
        (3, None, "name"),
        (3, 0, "price"),
        (3, 1, "price"),
        (3, 1, "ean"),
        (3, 2, "price"),
        (3, 3, "net_quantity"),
        (3, 4, "sale_price"),
        (3, 5, "sku"),
    }
    assert Product.objects.count() == 1 and Variant.objects.count() == 2
    log = CatalogueImport.objects.latest("id")
    assert log.status == "rejected" and len(log.problems) == len(found)


def test_skus_of_two_products_in_one_feed_product_are_refused(jacken):
    run([jacket(), jacket("tasse", ("TASSE-1",), "9.50")])
    with pytest.raises(CatalogueFeedRejected) as caught:
        run([jacket("mix", ("ARIA-S", "TASSE-1"))])
    assert [(p.product, p.field) for p in caught.value.problems] == [(0, "variants")]
    assert "ARIA-S" in caught.value.problems[0].reason


def test_a_taken_slug_is_refused(jacken):
    ProductFactory(slug="regenjacke-aria")
    with pytest.raises(CatalogueFeedRejected) as caught:
        run([jacket()])
    assert caught.value.problems[0].field == "slug"


def test_dry_run_reports_without_writing(jacken):
    report = run([jacket()], dry_run=True)
    assert not report.applied and report.counts()["products_created"] == 1
    assert not Product.objects.exists()


def test_queries_do_not_grow_with_the_number_of_products(jacken):
    def queries(n, offset):
        feed = [jacket(f"p-{offset + i}", (f"S-{offset + i}",)) for i in range(n)]
        with CaptureQueriesContext(connection) as captured:
            run(feed)
        return len(captured)

    queries(1, 1000)  # the first feed builds the search vocabulary once
    # Twice the products, the same statements: at most the search vocabulary's own rebuild
    # (when its cached copy is outgrown) adds one.
    small, large = queries(40, 0), queries(80, 100)
    assert small <= large <= small + 1, (small, large)


# --- the API -------------------------------------------------------------------------------


def test_api_applies_a_feed(importer, jacken):
    response = importer.post(URL, {"products": [jacket()]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["products_created"] == 1
    assert response.json()["applied"] is True


def test_api_dry_run(importer, jacken):
    response = importer.post(URL + "?dry_run=true", {"products": [jacket()]}, format="json")
    assert response.status_code == 200
    assert response.json()["applied"] is False and response.json()["products_created"] == 1
    assert not Product.objects.exists()


def test_api_lists_bad_rows_with_position_and_reason(importer, jacken):
    feed = {"products": [jacket(), {**jacket("b", ("B-1",)), "category": "nope"}]}
    feed["products"][0]["variants"][1]["price"] = "x"
    response = importer.post(URL, feed, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "feed_rejected"
    assert [(e["product"], e["variant"], e["field"]) for e in body["errors"]] == [
        (0, 1, "price"),
        (1, None, "category"),
    ]
    assert "nope" in body["errors"][1]["reason"]
    assert not Product.objects.exists()


@pytest.mark.parametrize("body", [[], {"products": "x"}, {"products": [], "full": "yes"}])
def test_api_refuses_a_malformed_body_clearly(importer, body):
    response = importer.post(URL, body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "feed_rejected"


def test_api_needs_the_catalogue_scope(db, jacken):
    client = APIClient()
    assert client.post(URL, {"products": []}, format="json").status_code == 401
    plain_staff = UserFactory(is_staff=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=plain_staff).key}")
    assert client.post(URL, {"products": [jacket()]}, format="json").status_code == 403
    assert not Product.objects.exists()


def test_api_refuses_more_than_10000_products(importer, jacken):
    feed = {"products": [{"name": "x"}] * 10_001}
    response = importer.post(URL, feed, format="json")
    assert response.status_code == 400
    assert "10000" in response.json()["detail"] or "10,000" in response.json()["detail"]


def test_sale_dates_are_read(jacken):
    sale = jacket(price="50.00")
    sale["variants"][0].update(
        sale_price="40.00", sale_from="2030-01-01T00:00:00+01:00", sale_until="2030-02-01"
    )
    run([sale])
    variant = Variant.objects.get(sku="ARIA-S")
    assert variant.sale_from == dt.datetime(2029, 12, 31, 23, 0, tzinfo=dt.UTC)


def test_a_product_whose_slug_cannot_be_made_is_refused(jacken):
    nameless = {"name": "€€€", "category": "jacken", "variants": [{"sku": "---", "price": "1"}]}
    with pytest.raises(CatalogueFeedRejected) as caught:
        run([nameless])
    assert [(p.product, p.field) for p in caught.value.problems] == [(0, "slug")]
    assert not Product.objects.exists()
