"""The product search: pg_trgm and unaccent on PostgreSQL, the search columns, the GIN indexes
(PostgreSQL) or the FTS5 table (SQLite), and the documents of the products already there."""

import django.contrib.postgres.search
from django.contrib.postgres.operations import CreateExtension
from django.db import migrations, models

from shop.catalogue.search_index import (
    create_storage,
    drop_storage,
    search_document,
    write_documents,
)


def build_storage(apps, schema_editor):
    create_storage(schema_editor.connection)
    Product = apps.get_model("shop", "Product")
    Variant = apps.get_model("shop", "Variant")
    colours: dict[int, dict[str, None]] = {}
    for product_id, colour in Variant.objects.filter(is_active=True).values_list(
        "product_id", "colour"
    ):
        if colour:
            colours.setdefault(product_id, {})[colour] = None
    rows = Product.objects.values_list(
        "pk", "name", "brand", "description", "category__name", "category__parent__name"
    )
    documents = [
        search_document(
            product_id=pk,
            name=name,
            brand=brand,
            categories=[c for c in (category, parent) if c],
            description=description,
            colours=colours.get(pk, {}),
        )
        for pk, name, brand, description, category, parent in rows.iterator(chunk_size=2000)
    ]
    write_documents(schema_editor.connection, documents)


class PostgresExtension(CreateExtension):
    """CreateExtension skips other databases going forwards but not backwards; this does both."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def remove_storage(apps, schema_editor):
    drop_storage(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0010_product_manufacturer_safety"),
    ]

    operations = [
        PostgresExtension("pg_trgm"),
        PostgresExtension("unaccent"),
        migrations.AddField(
            model_name="product",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="product",
            name="search_words",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(build_storage, remove_storage, elidable=False),
    ]
