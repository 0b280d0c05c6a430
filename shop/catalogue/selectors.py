"""Catalogue reads: the text search over products (ranked), spelling suggestions, and the price
history's lowest price (§ 11 PAngV)."""

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.sql.compiler import SQLCompiler

from shop.catalogue.models import Category, PriceChange, Product, Variant
from shop.catalogue.search_index import FTS_BM25
from shop.catalogue.search_text import PART_MIN, parts, query_terms, stem, words
from shop.catalogue.search_vocabulary import Vocabulary, vocabulary_build, vocabulary_cached

# ts_rank weights for D (description), C (category), B (brand), A (name).
PG_WEIGHTS = [0.05, 0.3, 0.6, 1.0]
# pg_trgm: how similar a misspelt word must be to a word of name, brand or category.
TRIGRAM_THRESHOLD = 0.5


def search_vocabulary() -> Vocabulary:
    """The cached vocabulary (kept current by the index writes), built when the cache lost it."""
    cached = vocabulary_cached()
    if cached is not None:
        return cached
    rows = Product.objects.active().values_list("search_words", "description")
    return vocabulary_build(rows.iterator(chunk_size=2000))


@dataclass(frozen=True)
class ParsedQuery:
    """What a shopper typed, as terms; `corrected` is the query shown as "Did you mean"."""

    text: str
    terms: list[str]
    corrected: str = ""
    code: str = ""  # the whole query when it may be a SKU or an EAN
    # Folded words neither known nor correctable: PostgreSQL matches them by trigram
    # similarity instead of by term.
    unknown: dict[str, str] = field(default_factory=dict)  # term → folded word
    # The folded word as typed where it differs from its stem: "Regen" is "reg" or "regen",
    # which finds the head of "Regenhose" (indexed as "regenhos", "regen", …).
    spelled: dict[str, str] = field(default_factory=dict)

    def term_sets(self) -> list[list[str]]:
        """For each term, the index terms any of which matches it."""
        return [
            [term, self.spelled[term]] if term in self.spelled else [term] for term in self.terms
        ]


def parse_query(text: str) -> ParsedQuery:
    """The query's terms, each misspelt word replaced by the nearest indexed one."""
    text = " ".join(text.split())[:100]
    terms = query_terms(text)
    code = text if len(text.split()) == 1 and any(c.isdigit() for c in text) else ""
    if not terms:
        return ParsedQuery(text, [], code=code)
    vocabulary = search_vocabulary()
    corrected_terms, shown, changed = [], [], False
    unknown: dict[str, str] = {}
    for word in words(text):
        term = stem(word)
        if term not in terms:
            continue  # a stop word
        better = vocabulary.correct(term)
        if better:
            changed = True
            corrected_terms.append(better)
            shown.append(vocabulary.display.get(better, better))
            continue
        if term not in vocabulary.known and not code:
            unknown[term] = word
        corrected_terms.append(term)
        shown.append(word)
    corrected_terms = list(dict.fromkeys(corrected_terms))
    spelled = {
        stem(word): word
        for word in shown
        if stem(word) in corrected_terms and stem(word) != word and len(word) >= PART_MIN
    }
    return ParsedQuery(
        text,
        corrected_terms,
        corrected=" ".join(shown) if changed else "",
        code=code,
        unknown=unknown,
        spelled=spelled,
    )


# A code query (SKU prefix or EAN) shows at most this many products.
CODE_MATCHES_MAX = 200


def code_matches(code: str) -> tuple[list[int], set[int]]:
    """Products with an active variant whose SKU starts with `code` (any case) or whose EAN is
    it: (their ids, the ids of those whose SKU or EAN is exactly `code`). One query served by
    the indexes on EAN and on the upper-cased SKU (see migration 0012)."""
    if not code:
        return [], set()
    upper = code.upper()
    rows = (
        Variant.objects.filter(is_active=True, product__is_active=True)
        .filter(Q(sku__istartswith=code) | Q(ean=code))
        .order_by()
        .values_list("product_id", "sku", "ean")[: CODE_MATCHES_MAX * 4]
    )
    found: dict[int, None] = {}
    exact: set[int] = set()
    for product_id, sku, ean in rows:
        found[product_id] = None
        if sku.upper() == upper or ean == code:
            exact.add(product_id)
    return list(found)[:CODE_MATCHES_MAX], exact


def product_text_search(
    products: QuerySet[Product], query: ParsedQuery, *, ranked: bool = True
) -> QuerySet[Product]:
    """`products` matching every term of `query`, annotated with `search_rank` (higher is
    better) and, for a code query, `exact_code` (true for a product whose SKU or EAN is the
    query). Unranked (for counting), it only filters.

    A query that may be a code is looked up as one first (an index hit): when some SKU starts
    with it or some EAN is it, those products are the result and the text search is skipped.
    """
    if query.code:
        ids, exact = code_matches(query.code)
        if ids or not query.terms:
            products = products.filter(pk__in=ids)
            if not ranked:
                return products
            exact_code: Case | Value = Value(False, output_field=BooleanField())
            if exact:
                exact_code = Case(
                    When(pk__in=sorted(exact), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            return products.annotate(
                exact_code=exact_code, search_rank=Value(0.0, output_field=FloatField())
            )
    if not query.terms:
        products = products.none()
        if not ranked:
            return products
        return products.annotate(search_rank=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        # A word the vocabulary could neither find nor correct is matched by trigram
        # similarity to the words of name, brand and category (GIN index on search_words).
        known_sets = [s for s in query.term_sets() if s[0] not in query.unknown]
        # the tsquery ranks; with only unknown words it holds them (and matches nothing)
        rank_sets = known_sets or query.term_sets()
        tsquery = SearchQuery(
            " & ".join("(" + " | ".join(f"'{t}'" for t in s) + ")" for s in rank_sets),
            config="simple",
            search_type="raw",
        )
        text_match = Q(search_vector=tsquery)
        if query.unknown:
            text_match = _trigram_match(list(query.unknown.values()))
            if known_sets:
                text_match &= Q(search_vector=tsquery)
        matched = products.filter(text_match)
        if not ranked:
            return matched
        return matched.annotate(
            search_rank=SearchRank(F("search_vector"), tsquery, weights=PG_WEIGHTS),
        )
    match = " AND ".join("(" + " OR ".join(f'"{t}"' for t in s) + ")" for s in query.term_sets())
    # constant SQL; the match expression (quoted [a-z0-9] terms) is a parameter
    matched_ids = RawSQL(
        "SELECT rowid FROM shop_product_search WHERE shop_product_search MATCH %s", [match]
    )
    matched = products.filter(pk__in=matched_ids)
    if not ranked:
        return matched
    return matched.annotate(search_rank=Fts5Rank(match))


class Fts5Rank(Expression):
    """SQLite: the product's bm25 score for an FTS5 match (negated: higher is better; 0 for a
    product that does not match). The product's id is compiled as a column, so the expression
    stays right inside subqueries with relabelled tables.

    The matches are scored once per statement (a materialised CTE, looked up by id): matching
    again for each product scored every match once per product, 0.2 s for "Jacke" on 10,000
    products."""

    def __init__(self, match: str) -> None:
        super().__init__(output_field=FloatField())
        self.match = match
        self.product_id: Any = F("pk")

    def get_source_expressions(self) -> list[Any]:
        return [self.product_id]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.product_id,) = exprs

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[str | int, ...]]:
        id_sql, id_params = compiler.compile(self.product_id)
        # constants and the compiled id column are formatted in; the match is a parameter
        sql = (
            "COALESCE((WITH ranks AS MATERIALIZED ("  # noqa: S608
            f"SELECT rowid AS id, -{FTS_BM25} AS rank FROM shop_product_search "
            f"WHERE shop_product_search MATCH %s) SELECT rank FROM ranks WHERE id = {id_sql}), 0)"
        )
        return sql, (self.match, *id_params)


def _trigram_match(folded_words: list[str]) -> Q:
    """Every word is similar (pg_trgm word similarity) to a word of the product's name, brand
    or category."""
    condition = Q()
    for word in folded_words[:4]:
        condition &= Q(
            pk__in=RawSQL(
                "SELECT id FROM shop_product WHERE search_words %%> unaccent(%s) "
                "AND word_similarity(unaccent(%s), search_words) >= %s",
                [word, word, TRIGRAM_THRESHOLD],
            )
        )
    return condition


@dataclass(frozen=True)
class NoResultHelp:
    """What the page offers when a search finds nothing: a spelling, categories, brands."""

    spelling: str
    categories: list[Category]
    brands: list[str]


def no_result_help(query: ParsedQuery) -> NoResultHelp:
    """Never a dead end: the nearest spelling of each word, and categories and brands whose
    names share a word (or are close to one) with the query."""
    vocabulary = search_vocabulary()
    terms = set(query.terms)
    spelling_words = []
    for word in words(query.text):
        term = stem(word)
        if term in vocabulary.display:
            spelling_words.append(word)
        elif close := vocabulary.nearest(term):
            spelling_words.append(vocabulary.display[close])
        # a word close to nothing known is left out of the suggestion
    spelling = " ".join(spelling_words)
    if spelling == " ".join(words(query.text)):
        spelling = ""
    categories = [
        category for category in Category.objects.all() if _names_touch(category.name, terms)
    ][:6]
    brands = [
        brand
        for brand in Product.objects.active()
        .exclude(brand="")
        .order_by("brand")
        .values_list("brand", flat=True)
        .distinct()
        if _names_touch(brand, terms)
    ][:6]
    return NoResultHelp(spelling, categories, brands)


def _names_touch(name: str, terms: set[str], *, exact: bool = False) -> bool:
    """A name shares a term (or a compound part) with the query, or one close to it."""
    name_terms = {stem(w) for w in words(name)}
    name_terms |= {p for t in list(name_terms) for p in parts(t)}
    for term in terms:
        if term in name_terms:
            return True
        if not exact and difflib.get_close_matches(term, list(name_terms), n=1, cutoff=0.7):
            return True
    return False


@dataclass(frozen=True)
class Suggestions:
    """What the header search offers while a shopper types."""

    products: list[Product]
    categories: list[Category]
    brands: list[str]

    def __bool__(self) -> bool:
        return bool(self.products or self.categories or self.brands)


SUGGESTIONS_EACH = 5


def search_suggestions(*, text: str) -> Suggestions:
    """Products (best match first), categories and brands for a partly typed query; three
    queries whatever the catalogue's size."""
    query = parse_query(text)
    if not query.terms and not query.code:
        return Suggestions([], [], [])
    products = list(
        product_text_search(Product.objects.active(), query)
        .order_by(F("search_rank").desc(), "name", "pk")
        .only("name", "slug", "brand")[:SUGGESTIONS_EACH]
    )
    terms = set(query.terms)
    folded = " ".join(words(text))
    categories = [
        c
        for c in Category.objects.select_related("parent")
        if _names_touch(c.name, terms, exact=True) or " ".join(words(c.name)).startswith(folded)
    ][:SUGGESTIONS_EACH]
    brands = [
        b
        for b in Product.objects.active()
        .exclude(brand="")
        .order_by("brand")
        .values_list("brand", flat=True)
        .distinct()
        if " ".join(words(b)).startswith(folded) or _names_touch(b, terms, exact=True)
    ][:SUGGESTIONS_EACH]
    return Suggestions(products, categories, brands)


def next_price_change(*, variants: Iterable[Variant], after: dt.datetime) -> dt.datetime | None:
    """The first moment after `after` at which the current price of one of these variants
    changes by the clock (a sale starts or ends); None when none will."""
    return min(
        (
            moment
            for variant in variants
            if variant.sale_price is not None
            for moment in (variant.sale_from, variant.sale_until)
            if moment is not None and moment > after
        ),
        default=None,
    )


REFERENCE_DAYS = 30


def lowest_price_before(
    *, variant: Variant, start: dt.datetime, days: int = REFERENCE_DAYS
) -> Decimal | None:
    """The lowest price the variant was sold at in the `days` days before `start` (§ 11 PAngV),
    from its price history; None when it has no history before `start`.

    The history holds the variant's settings (price and sale with its period) from each change
    on; the price is piecewise constant between changes and sale boundaries, so the lowest price
    is found among the window's start and those instants. The settings of the first entry count
    as the price before it (prices set before the history began).
    """
    rows = list(
        PriceChange.objects.filter(variant=variant, changed_at__lt=start).order_by(
            "changed_at", "id"
        )
    )
    return lowest_price_in(rows, start - dt.timedelta(days=days), start)


def lowest_price_in(
    rows: Sequence[PriceChange], window_start: dt.datetime, window_end: dt.datetime
) -> Decimal | None:
    """The lowest price charged in [window_start, window_end) by history `rows` (oldest first)."""
    rows = [row for row in rows if row.changed_at < window_end]
    if not rows:
        return None
    instants = {window_start}
    for row in rows:
        for moment in (row.changed_at, row.sale_from, row.sale_until):
            if moment is not None and window_start <= moment < window_end:
                instants.add(moment)

    def settings_at(moment: dt.datetime) -> PriceChange:
        current = rows[0]
        for row in rows:
            if row.changed_at > moment:
                break
            current = row
        return current

    return min(settings_at(moment).price_at(moment) for moment in sorted(instants))
