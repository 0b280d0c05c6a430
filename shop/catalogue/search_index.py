"""Where the search documents are stored, per database; shared by the service and the migration.

PostgreSQL: `shop_product.search_vector`, a tsvector built with the `simple` configuration from
the normalised terms (name weight A, brand B, category C, description and colours D), served by
a GIN index; `search_words` (the folded words of name, brand, category and colours) carries a trigram
GIN index for misspelt words.
SQLite: the FTS5 table `shop_product_search` (rowid = product id), one column per field.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

from .search_text import description_terms, index_terms, words

# SQLite: the FTS5 table (columns name, brand, category, body) and its bm25 call with the
# column weights: name before brand before category before description.
FTS_TABLE = "shop_product_search"
FTS_BM25 = "bm25(shop_product_search, 10.0, 5.0, 2.5, 1.0)"


@dataclass(frozen=True)
class SearchDocument:
    product_id: int
    name: str
    brand: str
    category: str
    body: str
    words: str


def search_document(
    *,
    product_id: int,
    name: str,
    brand: str,
    categories: Sequence[str],
    description: str,
    colours: Iterable[str] = (),
) -> SearchDocument:
    """The normalised fields of one product (terms joined by spaces)."""
    category_text = " ".join(categories)
    colour_text = " ".join(colours)
    return SearchDocument(
        product_id=product_id,
        name=index_terms(name),
        brand=index_terms(brand),
        category=index_terms(category_text),
        # the description without the tails of its long words (see description_terms)
        body=f"{description_terms(description)} {index_terms(colour_text)}".strip(),
        words=" ".join(dict.fromkeys(words(f"{name} {brand} {category_text} {colour_text}"))),
    )


def create_storage(connection: BaseDatabaseWrapper) -> None:
    """The index structures; the migration calls this once."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS product_search_vector "
                "ON shop_product USING gin (search_vector)"
            )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS product_search_words_trgm "
                "ON shop_product USING gin (search_words gin_trgm_ops)"
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS shop_product_search USING fts5("
                "name, brand, category, body, tokenize = 'unicode61')"
            )


def drop_storage(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS product_search_vector")
            cursor.execute("DROP INDEX IF EXISTS product_search_words_trgm")
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS shop_product_search")


def write_documents(connection: BaseDatabaseWrapper, documents: Sequence[SearchDocument]) -> None:
    """Store (replace) the documents of these products."""
    if not documents:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.executemany(
                "UPDATE shop_product SET search_words = %s, search_vector = "
                "setweight(to_tsvector('simple', %s), 'A') || "
                "setweight(to_tsvector('simple', %s), 'B') || "
                "setweight(to_tsvector('simple', %s), 'C') || "
                "setweight(to_tsvector('simple', %s), 'D') WHERE id = %s",
                [(d.words, d.name, d.brand, d.category, d.body, d.product_id) for d in documents],
            )
            return
        cursor.executemany(
            "UPDATE shop_product SET search_words = %s WHERE id = %s",
            [(d.words, d.product_id) for d in documents],
        )
        if connection.vendor == "sqlite":
            delete_documents(connection, [d.product_id for d in documents])
            cursor.executemany(
                "INSERT INTO shop_product_search (rowid, name, brand, category, body) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(d.product_id, d.name, d.brand, d.category, d.body) for d in documents],
            )


def delete_documents(connection: BaseDatabaseWrapper, product_ids: Sequence[int]) -> None:
    if connection.vendor != "sqlite" or not product_ids:
        return
    with connection.cursor() as cursor:
        for start in range(0, len(product_ids), 500):
            chunk = list(product_ids[start : start + 500])
            marks = ", ".join(["%s"] * len(chunk))
            # only placeholders are formatted in; the ids are parameters
            sql = f"DELETE FROM shop_product_search WHERE rowid IN ({marks})"  # noqa: S608
            cursor.execute(sql, chunk)
