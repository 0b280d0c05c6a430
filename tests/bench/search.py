"""Search benchmark (issue 14): search page and search API on the 10,000-product catalogue, by
kind of query, and the list page with two facets against the plain list.

Targets: search p50 < 30 ms; the list with two facets active costs at most 1.5 × the plain list
(CPU per request). The searches are measured warm (every query of the run asked once before it,
the cache on Redis as in production) and with every query one the caches have not seen (product
names, page and API): a hit rate is not a search speed.
"""

from pathlib import Path
from urllib.parse import quote

from .catalogue import FLOOR, FRESH, PRODUCTS, STORES, my_store_cookie, prepare
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

# Queries as shoppers type them, by kind.
QUERIES = {
    "word": ["Jacke", "Zelt", "Rucksack", "Kocher"],
    "plural/compound": ["Jacken", "Schlafsäcke", "Rucksäcke", "Wanderschuhe"],
    "umlaut folded": ["gipfelgluck", "Waldlaeufer", "Koenigssee", "kustenkind"],
    "typo": ["Regenjake", "Schlafsak", "Fahradhelm", "Wandershuh"],
    "two words": [
        "Regenjacke Damen",
        "Gipfelglück Zelt",
        "Daunenjacke Beere",
        "Wanderschuh Herren",
    ],
    "SKU/EAN": ["JK-00117-1", "4260000107000", "ws-00036", "4260000058005"],
}
PAGE = "search page: {}"
API = "search API: {}"
PLAIN = "product list page (plain)"
FACETED = "product list page (size + brand)"
SUGGEST = "suggestions (partial)"
TARGETS = {
    **{PAGE.format(kind): Target(max_p50_ms=30) for kind in QUERIES},
    **{API.format(kind): Target(max_p50_ms=30) for kind in QUERIES},
}


def _backend_cpu() -> float:
    """CPU seconds used so far by this process and its PostgreSQL backend."""
    import os
    import time

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return time.process_time() + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def facet_costs(rounds: int = 5) -> str:
    """CPU per facet count (this process + its PostgreSQL backend): the facet index as the
    pages use it (warm) next to the same counts in SQL (what the pages did before)."""
    from django.db import connection

    from shop.catalogue.models import Category
    from shop.catalogue.selectors import parse_query
    from shop.storefront.selectors import (
        PRICE_RANGES,
        ProductFilters,
        database_facets,
        product_facets,
    )
    from stores.models import Store

    with connection.cursor() as cursor:
        # all work in this backend, where its CPU is counted (parallel workers come and go)
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    store = Store.objects.get(code="berlin").pk
    categories = list(Category.objects.all())
    cases = {
        "plain list, my store": (None, ProductFilters()),
        "size + brand": (None, ProductFilters(sizes=("M",), brands=("Bergwerk",))),
        "search Jacke + colour": (parse_query("Jacke"), ProductFilters(colours=("Rot",))),
    }
    lines = ["facet counts, CPU per count (this process + PostgreSQL):"]
    for name, (query, filters) in cases.items():
        arguments = {
            "query": query,
            "categories": categories,
            "category_ids": None,
            "filters": filters,
            "in_stock_store_id": None,
            "store_id": store,
            "price_labels": {key: key for key in PRICE_RANGES},
        }
        costs = []
        for count in (product_facets, database_facets):
            count(**arguments)  # warm (the index is built once per process)
            start = _backend_cpu()
            for _ in range(rounds):
                count(**arguments)
            costs.append((_backend_cpu() - start) / rounds * 1000)
        lines.append(f"  {name:<24} index {costs[0]:7.1f} ms   SQL {costs[1]:7.1f} ms")
    return "\n".join(lines)


def run() -> list[Check]:
    env = server_env(database_url())
    print(f"Search on {env['DATABASE_URL']}: {PRODUCTS:,} products × {STORES} stores")
    setup_django(env)
    prepare()
    from django.core.management import call_command

    call_command("search_reindex")  # a database seeded before the search existed
    cookie = {"Cookie": my_store_cookie("berlin")}

    from shop.catalogue.models import Product

    names = [quote(name) for name in Product.objects.values_list("name", flat=True).distinct()]
    with Server(env) as server:
        print(f"{server.description}; {load_description()}")
        results = [measure(server, FLOOR, ["/bench/floor/"])]
        for kind, queries in QUERIES.items():
            results.append(
                measure(
                    server,
                    PAGE.format(kind),
                    [f"/products/?q={quote(q)}" for q in queries],
                    headers=cookie,
                )
            )
            results.append(
                measure(
                    server, API.format(kind), [f"/api/v1/products/?q={quote(q)}" for q in queries]
                )
            )
        results.append(
            measure(
                server, SUGGEST, [f"/search/suggest/?q={quote(q[:5])}" for q in QUERIES["word"]]
            )
        )
        plain = measure(server, PLAIN, ["/products/", "/products/?page=2"], headers=cookie)
        faceted = measure(
            server,
            FACETED,
            ["/products/?size=M&brand=Bergwerk", "/products/?size=L&brand=Nordwand"],
            headers=cookie,
        )
        results += [
            plain,
            faceted,
            measure(
                server,
                FRESH.format("search page: product names"),
                [f"/products/?q={name}" for name in names],
                headers=cookie,
                once=True,
            ),
            measure(
                server,
                FRESH.format("search API: product names"),
                [f"/api/v1/products/?q={name}" for name in reversed(names)],
                once=True,
            ),
        ]
    print(table(results, TARGETS, floor=FLOOR))
    print(facet_costs())
    ratio = faceted.cpu_ms / plain.cpu_ms if plain.cpu_ms else float("nan")
    p50_ratio = faceted.percentile(50) / plain.percentile(50)
    print(f"two facets / plain list: CPU {ratio:.2f}×, p50 {p50_ratio:.2f}× (target ≤ 1.5×)")
    return [
        *checks(results, TARGETS, floor=FLOOR),
        Check(
            "list with two facets / plain list (CPU per request)",
            f"{ratio:.2f}× (p50 {p50_ratio:.2f}×)",
            "≤ 1.5×",
            ratio <= 1.5,
        ),
    ]
