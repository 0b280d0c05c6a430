"""Catalogue benchmark: product list page, product page and availability API on 10,000
products × 50 stores, with a "my store" session.

Targets from issue 20 (2-core machine): list page p50 < 25 ms and ≥ 300 pages/s; product page
≥ 150 pages/s; availability API ≥ 1,000 requests/s. The pages are measured twice: warm (every
page of the run requested once before it, the cache on Redis as in production) and with every
request one the caches have not seen (another sort, page, category or product each time), so
that a good hit rate is never mistaken for fast rendering.
"""

import os
import time

from .harness import (
    Check,
    Server,
    Target,
    checks,
    database_url,
    load_description,
    measure,
    server_env,
    setup_django,
    table,
)

PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", 10_000))
STORES = int(os.environ.get("BENCH_STORES", 50))
# Where shoppers stand when they ask for availability: a few German city centres.
NEAR = ["52.52,13.40", "53.55,10.00", "48.14,11.58", "50.94,6.96", "50.11,8.68", "51.34,12.37"]

FLOOR = "floor (minimal Django view)"
LIST = "product list page (48, my store)"
PRODUCT = "product page (my store)"
AVAILABILITY = "availability API (?near=)"
FRESH = "{}, each one new"
TARGETS = {
    LIST: Target(min_rps=300, max_p50_ms=25),
    PRODUCT: Target(min_rps=150),
    AVAILABILITY: Target(min_rps=1000),
}


def prepare() -> None:
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("seed_demo", size=f"products={PRODUCTS},stores={STORES}")
    print(f"seed_demo: {time.monotonic() - started:.1f} s (nothing to do when already seeded)")
    # As autovacuum leaves a live database: statistics and visibility map up to date (the
    # product count is then an index-only scan).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    call_command("collectstatic", interactive=False, verbosity=0)


def my_store_cookie(code: str) -> str:
    """A session whose "my store" is `code`, as the store finder would leave it."""
    from django.contrib.sessions.backends.db import SessionStore

    from stores.models import Store
    from stores.selectors import SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = Store.objects.get(code=code).pk
    session.create()
    return f"sessionid={session.session_key}"


def product_slugs(server: Server, count: int = 200) -> list[str]:
    """The first `count` products' slugs, from the API."""
    slugs: list[str] = []
    page = 1
    while len(slugs) < count:
        body = server.get_json(f"/api/v1/products/?page={page}&page_size=100")
        slugs += [p["slug"] for p in body["results"]]
        if not body.get("next"):
            break
        page += 1
    return slugs


def fresh_lists(warm: int) -> list[str]:
    """List pages none of which the warm run (the first `warm` pages in the default sort) asked
    for: every sort × page, and each category's first page in every sort (1,000 on the bench
    data; at the target rate the run ends early, when all were sent)."""
    from shop.catalogue.models import Category
    from shop.storefront.selectors import SORTS

    pages = range(1, max(1, PRODUCTS // 48) + 1)
    found = [
        f"/products/?sort={sort}&page={n}"
        for n in pages
        for sort in SORTS
        if sort != "name" or n > warm
    ]
    slugs = Category.objects.values_list("slug", flat=True)
    return found + [f"/products/?category={slug}&sort={sort}" for slug in slugs for sort in SORTS]


def fresh_products(warm: list[str]) -> list[str]:
    """Product pages the warm run did not ask for."""
    from shop.catalogue.models import Product

    seen = set(warm)
    pages = (f"/products/{slug}/" for slug in Product.objects.values_list("slug", flat=True))
    return [page for page in pages if page not in seen]


def run() -> list[Check]:
    env = server_env(database_url())
    print(f"Catalogue on {env['DATABASE_URL']}: {PRODUCTS:,} products × {STORES} stores")
    setup_django(env)
    prepare()
    my_store = {"Cookie": my_store_cookie("berlin")}
    lists = [f"/products/?page={n}" for n in range(1, max(1, min(50, PRODUCTS // 48)) + 1)]
    with Server(env) as server:
        slugs = product_slugs(server)
        products = [f"/products/{slug}/" for slug in slugs]
        print(f"{server.description}; {load_description()}")
        results = [
            measure(server, FLOOR, ["/bench/floor/"]),
            measure(server, LIST, lists, headers=my_store),
            measure(server, PRODUCT, products, headers=my_store),
            measure(
                server,
                AVAILABILITY,
                [
                    f"/api/v1/products/{slug}/availability/?near={NEAR[i % len(NEAR)]}"
                    for i, slug in enumerate(slugs)
                ],
            ),
            measure(
                server, FRESH.format(LIST), fresh_lists(len(lists)), headers=my_store, once=True
            ),
            measure(
                server, FRESH.format(PRODUCT), fresh_products(products), headers=my_store, once=True
            ),
        ]
    print(table(results, TARGETS, floor=FLOOR))
    return checks(results, TARGETS, floor=FLOOR)
