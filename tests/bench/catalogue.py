"""Catalogue benchmark: product list page and availability API on 10,000 products × 50 stores.

Targets from issue 2 (2-core machine): list page p50 < 25 ms and ≥ 300 pages/s;
availability API ≥ 1,000 requests/s.
"""

import os
import time

from .harness import (
    Server,
    Target,
    ensure_database,
    manage,
    measure,
    server_env,
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


def prepare(env: dict[str, str]) -> None:
    ensure_database(env["DATABASE_URL"])
    manage("migrate", "--noinput", "-v0", env=env)
    started = time.monotonic()
    manage("seed_demo", "--size", f"products={PRODUCTS},stores={STORES}", env=env)
    print(f"seed_demo: {time.monotonic() - started:.1f} s (nothing to do when already seeded)")
    manage("collectstatic", "--noinput", "-v0", env=env)


def my_store_cookie(env: dict[str, str], code: str) -> str:
    """A session whose "my store" is `code`, as the store finder would leave it."""
    script = (
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from stores.models import Store\n"
        "from stores.selectors import SESSION_KEY\n"
        "s = SessionStore()\n"
        f"s[SESSION_KEY] = Store.objects.get(code={code!r}).pk\n"
        "s.create()\n"
        "print(s.session_key)\n"
    )
    key = manage("shell", "-c", script, env=env, capture=True).strip().splitlines()[-1]
    return f"sessionid={key}"


def main() -> None:
    env = server_env()
    print(f"Catalogue benchmark on {env['DATABASE_URL']}: {PRODUCTS:,} products × {STORES} stores")
    prepare(env)
    cookie = my_store_cookie(env, "berlin")
    load_before = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    with Server(env) as server:
        slugs = []
        page = 1
        while len(slugs) < 200:
            body = server.get_json(f"/api/v1/products/?page={page}&page_size=100")
            slugs += [p["slug"] for p in body["results"]]
            page += 1
        pages = max(1, min(50, PRODUCTS // 48))
        print(f"{server.description}; load: keep-alive connections from one asyncio client")
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
    concurrency = os.environ.get("BENCH_CONCURRENCY", 8)
    seconds = os.environ.get("BENCH_SECONDS", 10)
    print(f"\n{concurrency} concurrent connections, {seconds} s per endpoint after 1 s warm-up")
    print(f"machine: {os.cpu_count()} cores, load average {load_before} before the run\n")
    print(table(results, TARGETS, floor=FLOOR))
    for r in results:
        if r.errors:
            print(f"{r.name}: statuses {dict(r.statuses)}")
