"""The relevance set: queries as German shoppers type them, against the demo catalogue.

Each query names demo products (by their number in shop.demo.catalogue_data) that must be among
the first ten results. Runs on SQLite and on PostgreSQL (the same test, whichever DATABASE_URL).
"""

import pytest
from django.core.management import call_command

from shop.demo.catalogue_data import CATEGORY_TREE, demo_products
from shop.storefront.selectors import product_search

# Products 0-7 are the demo's special goods (unit prices, VAT classes); 122 products hold ten
# named "…jacke".
PRODUCTS = 122

# Clothing: the "Bekleidung" branch and the other branches' "…bekleidung" (Radbekleidung).
BEKLEIDUNG = {
    leaf.slug
    for slug, _name, leaves in CATEGORY_TREE
    for leaf in leaves
    if slug == "bekleidung" or "bekleidung" in leaf.slug
}


def of_brand(brand):
    """Every one of the first ten is of this brand (its products tie; any ten of them will do)."""
    return lambda product: product.brand == brand


def in_categories(slugs):
    return lambda product: product.category_slug in slugs


# (what the shopper types, demo product numbers that must be in the first ten — or a test that
# each of the first ten must pass —, what it tests)
CASES = [
    # plurals and inflections
    ("Jacken", [116], "plural of a word inside compounds"),
    ("Zelte", [13, 42, 71], "plural"),
    ("Rucksäcke", [10, 11, 39], "plural with umlaut"),
    ("Fahrradhelme", [20, 49, 78], "plural of a compound"),
    ("Wanderschuhe", [35, 64], "plural; also the category name"),
    ("Hosen", [59, 117], "plural"),
    ("Trinkflaschen", [47, 105], "plural"),
    ("Handschuhe", [82, 111], "category name / compound part"),
    ("Schlafsäcke", [14, 43, 101], "plural of compounds' part"),
    ("Stirnlampen", [48], "plural"),
    ("Gaskartuschen", [0], "plural of a special good"),
    ("Sonnencremes", [1], "plural of a special good"),
    # compounds
    ("Jacke", [116, 87], "word inside compounds"),
    ("Rucksack", [10, 11, 39], "tail of compounds"),
    ("Schlafsack", [14, 72, 101], "tail of compounds"),
    ("Stiefel", [9, 38, 96], "tail of compounds"),
    ("Regen", [116, 59], "head of compounds"),
    ("Helm", [20, 49], "tail"),
    ("Kocher", [16, 45, 74], "tail; category name"),
    ("Socken", [55, 84, 113], "tail; category name"),
    # umlauts written as ae/oe/ue or dropped
    ("gipfelgluck", of_brand("Gipfelglück"), "brand without umlaut"),
    ("Gipfelglueck", of_brand("Gipfelglück"), "brand with ue"),
    ("Gipfelglück", of_brand("Gipfelglück"), "brand as written"),
    ("Koenigssee", [18], "name with oe"),
    ("konigssee trinkblase", [18], "dropped umlaut, two words"),
    ("Rucksaecke", [10, 11, 39], "ae for ä"),
    ("Faustling", [24, 53], "dropped umlaut"),
    ("Waldlaeufer", [11, 31], "brand with ae"),
    ("kustenkind", of_brand("Küstenkind"), "brand, dropped umlaut"),
    ("Wanderstoecke", [115], "oe for ö"),
    # typos
    ("Regenjake", [116], "missing letter"),
    ("Schlafsak", [14, 43, 101], "missing letter"),
    ("Fahradhelm", [20, 49], "missing letter"),
    ("Kuppelzlt", [13, 100], "missing vowel"),
    ("Wandershuh", [35], "missing letter"),
    # brand, SKU, EAN
    ("Nordwand", of_brand("Nordwand"), "brand"),
    ("Isarwelle", of_brand("Isarwelle"), "brand"),
    ("JK-00117-1", [116], "exact SKU"),
    ("jk-00117", [116], "SKU prefix"),
    ("4260000107000", [107], "EAN"),
    # two words
    ("Regenjacke Allgäu", [116], "name words"),
    ("Wanderschuh Damen", [35, 64], "noun and gender"),
    ("Gipfelglück Zelt", [100], "brand and noun"),
    ("Daunenjacke Beere", [87], "noun and a colour of its variants"),
    # category names
    (
        "Bekleidung",
        in_categories(BEKLEIDUNG),
        "top category: only clothing (also Rad-/Skibekleidung)",
    ),
    ("Zelte", [13], "leaf category"),
    ("Isomatten", [15, 44, 73], "leaf category, plural"),
    ("Campinggeschirr", [17, 46], "category only"),
    ("Sonnenbrillen", [27, 56, 85], "category / compound"),
]


@pytest.fixture
def demo_catalogue(db):
    call_command(
        "seed_demo", "--products", str(PRODUCTS), "--stores", "2", "--images", "none", verbosity=0
    )
    return {p.number: p for p in demo_products(PRODUCTS)}


def first_ten(query):
    return list(product_search(query=query).products.values_list("slug", flat=True)[:10])


def test_the_relevance_set_finds_what_shoppers_mean(demo_catalogue):
    assert len(CASES) >= 40
    failures = []
    by_slug = {p.slug: p for p in demo_catalogue.values()}
    for query, expected, what in CASES:
        found = first_ten(query)
        if callable(expected):
            missing = [slug for slug in found if not expected(by_slug[slug])]
        else:
            missing = [
                f"{n} {demo_catalogue[n].name}"
                for n in expected
                if demo_catalogue[n].slug not in found
            ]
        if missing or not found:
            failures.append(f"{query!r} ({what}): missing {missing}; first ten {found}")
    assert not failures, "\n".join(failures)


def test_exact_sku_and_ean_come_first(demo_catalogue):
    assert first_ten("JK-00117-1")[0] == demo_catalogue[116].slug
    assert first_ten("4260000107000")[0] == demo_catalogue[107].slug


def test_name_ranks_before_brand_category_and_description(demo_catalogue):
    """ "Jacke": products named …jacke come before those only in a jacket category or
    mentioning a jacket in their description."""
    found = first_ten("Jacke")
    named = {p.slug for p in demo_catalogue.values() if "jacke" in p.name.lower()}
    assert len(named) >= 10
    assert set(found) <= named
