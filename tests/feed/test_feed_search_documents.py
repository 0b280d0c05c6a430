"""A feed writes its new products' search documents from the values in hand (speed): they are
exactly the documents a refresh from the database writes."""

import pytest
from django.db import connection

from shop.catalogue.models import Product
from shop.catalogue.services import product_search_index_refresh
from tests.factories import CategoryFactory
from tests.feed.test_catalogue_feed import jacket, run

pytestmark = pytest.mark.django_db


def stored_documents() -> dict:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT id, search_words, search_vector::text FROM shop_product")
        else:
            cursor.execute(
                "SELECT p.id, p.search_words, s.name || '|' || s.brand || '|' || s.category "
                "|| '|' || s.body FROM shop_product p "
                "LEFT JOIN shop_product_search s ON s.rowid = p.id"
            )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def test_new_products_documents_equal_a_refresh_from_the_database():
    outdoor = CategoryFactory(slug="outdoor", name="Outdoor")
    CategoryFactory(slug="jacken", name="Regenjacken", parent=outdoor)
    two_colours = jacket("zwei-farben", ("ZF-S", "ZF-M", "ZF-L"))
    two_colours["variants"][1]["colour"] = "Dunkelblau"
    two_colours["variants"][2]["colour"] = "Grün"
    two_colours["variants"][2]["active"] = False  # an inactive variant's colour is not indexed
    two_colours["description"] = "Wasserdichte Wanderjacke für Regentage, induktionsgeeignet."
    run([jacket(), two_colours, jacket("ohne-farbe", ("OF-1",), brand="")])
    written = stored_documents()
    assert all(words for words, _rest in written.values())
    product_search_index_refresh(product_ids=list(written))
    assert stored_documents() == written
    words = dict(Product.objects.values_list("slug", "search_words"))
    assert "dunkelblau" in words["zwei-farben"].split()
    assert "grun" not in words["zwei-farben"].split()
    assert {"regenjacken", "outdoor"} <= set(words["ohne-farbe"].split())
