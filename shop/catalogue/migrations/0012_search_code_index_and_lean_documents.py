"""Faster product search: an index for SKU lookups in any case (exact and prefix), and the search
documents rewritten without the compound parts of descriptions (shop.catalogue.search_index)."""

import importlib

from django.db import migrations

# PostgreSQL: `sku__iexact` / `sku__istartswith` compare UPPER(sku); text_pattern_ops serves
# both `=` and `LIKE 'prefix%'`. SQLite: LIKE is case-insensitive, served by a NOCASE index.
CREATE = {
    "postgresql": "CREATE INDEX IF NOT EXISTS variant_sku_upper "
    "ON shop_variant (UPPER(sku::text) text_pattern_ops)",
    "sqlite": "CREATE INDEX IF NOT EXISTS variant_sku_upper ON shop_variant (sku COLLATE NOCASE)",
}


def create_index(apps, schema_editor):
    sql = CREATE.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor in CREATE:
        schema_editor.execute("DROP INDEX IF EXISTS variant_sku_upper")


def rewrite_documents(apps, schema_editor):
    # the documents as 0011 builds them, with today's shop.catalogue.search_index
    importlib.import_module("shop.catalogue.migrations.0011_product_search").build_storage(
        apps, schema_editor
    )


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0011_product_search"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
        migrations.RunPython(rewrite_documents, migrations.RunPython.noop, elidable=False),
    ]
