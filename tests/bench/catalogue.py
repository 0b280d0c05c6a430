"""Catalogue benchmark: product list page, product page and availability API on 10,000
products × 50 stores, with a "my store" session.

Targets from issue 20 (2-core machine): list page p50 < 25 ms and ≥ 300 pages/s; product page
≥ 150 pages/s; availability API ≥ 1,000 requests/s. The pages are measured twice: with the cache
as production has it (Redis, warm after the first second) and with no cache at all, so that a
good hit rate is never mistaken for fast rendering.
"""

import os
import time

from .harness import (
    UNCACHED,
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
NO_CACHE = "{}, no cache"
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
        ]
    with Server(env | UNCACHED) as server:
        print(f"{server.description}")
        results += [
            measure(server, NO_CACHE.format(LIST), lists, headers=my_store),
            measure(server, NO_CACHE.format(PRODUCT), products, headers=my_store),
        ]
    print(table(results, TARGETS, floor=FLOOR))
    return checks(results, TARGETS, floor=FLOOR)
