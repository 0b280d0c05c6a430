"""Catalogue benchmark: product list page and availability API on 10,000 products × 50 stores.

Targets from issue 2 (2-core machine): list page p50 < 25 ms and ≥ 300 pages/s;
availability API ≥ 1,000 requests/s.
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
AVAILABILITY = "availability API (?near=)"
TARGETS = {
    LIST: Target(min_rps=300, max_p50_ms=25),
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


def run() -> list[Check]:
    env = server_env(database_url())
    print(f"Catalogue on {env['DATABASE_URL']}: {PRODUCTS:,} products × {STORES} stores")
    setup_django(env)
    prepare()
    cookie = my_store_cookie("berlin")
    with Server(env) as server:
        slugs = []
        page = 1
        while len(slugs) < 200:
            body = server.get_json(f"/api/v1/products/?page={page}&page_size=100")
            slugs += [p["slug"] for p in body["results"]]
            page += 1
        pages = max(1, min(50, PRODUCTS // 48))
        print(f"{server.description}; {load_description()}")
        results = [
            measure(server, FLOOR, ["/bench/floor/"]),
            measure(
                server,
                LIST,
                [f"/products/?page={n}" for n in range(1, pages + 1)],
                headers={"Cookie": cookie},
            ),
            measure(
                server,
                AVAILABILITY,
                [
                    f"/api/v1/products/{slug}/availability/?near={NEAR[i % len(NEAR)]}"
                    for i, slug in enumerate(slugs)
                ],
            ),
        ]
    print(table(results, TARGETS, floor=FLOOR))
    return checks(results, TARGETS)
