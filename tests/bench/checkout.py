"""Checkout throughput through the API on PostgreSQL, next to a bare reservation request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/omni_bench \
        .venv/bin/python -m tests.bench.checkout [--clients 16] [--orders 2000] [--port 8301]

Starts gunicorn (production-like settings, `tests.bench.checkout_settings`) against the given
database, then measures, with the same concurrent clients:

1. bare: `POST /bench/reserve/<id>/` — one conditional UPDATE behind a minimal view, the floor
   of what any reservation can cost through HTTP + Django + PostgreSQL;
2. checkout: `POST /api/v1/orders/` with token auth, two random lines out of a small set of
   popular variants whose stock runs out near the end, so shortages (409) happen under load.

Afterwards it checks the database: oversold units (reserved beyond on-hand, or more units
promised in open orders than were on the shelf) must be 0, and every stock row's `reserved`
must equal the sum of its open reservations. It prints the figures, whatever they are.
`run()` returns them as a dict for a harness.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.bench.checkout_settings"
TARGET_ORDERS_PER_S = 250
TARGET_P95_MS = 60


def _setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("The checkout benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_data(run_id: str, clients: int, variants: int, units: int):
    """A fresh store, products and shoppers named after `run_id`, so runs can share a database."""
    from decimal import Decimal

    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from inventory.models import StockLevel
    from inventory.services import stock_receive
    from shop.models import Category, Product, Variant
    from stores.models import Store

    store = Store.objects.create(
        code=f"bench-{run_id}",
        name=f"Bench {run_id}",
        street="Benchstraße 1",
        postcode="10115",
        city="Berlin",
        latitude=Decimal("52.52"),
        longitude=Decimal("13.40"),
    )
    category = Category.objects.create(name=f"Bench {run_id}", slug=f"bench-{run_id}")
    product = Product.objects.create(
        category=category, name=f"Bench product {run_id}", slug=f"bench-{run_id}"
    )
    popular = [
        Variant.objects.create(product=product, sku=f"B{run_id}-{i:03d}", price=Decimal("19.90"))
        for i in range(variants)
    ]
    for variant in popular:
        stock_receive(store_id=store.pk, variant_id=variant.pk, quantity=units, reference="bench")
    baseline = Variant.objects.create(product=product, sku=f"B{run_id}-bare", price=Decimal("1"))
    stock_receive(store_id=store.pk, variant_id=baseline.pk, quantity=10**8, reference="bench")
    bare_level = StockLevel.objects.get(store=store, variant=baseline)
    tokens = [
        Token.objects.create(user=User.objects.create_user(f"bench-{run_id}-{i}@example.com")).key
        for i in range(clients)
    ]
    return store, popular, bare_level, tokens


def _wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start on port {port}")


def _request(port, method, path, body=None, headers=None) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    finally:
        conn.close()


def _load(clients: int, total: int, make_request) -> dict:
    """Run `total` requests over `clients` threads; return throughput and latency figures."""
    results: list[list[tuple[int, float]]] = [[] for _ in range(clients)]
    counter = iter(range(total))
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(i):
        barrier.wait()
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            results[i].append(make_request(i, n))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    flat = [r for rs in results for r in rs]
    latencies = sorted(ms for _status, ms in flat)
    by_status: dict[int, int] = {}
    for status, _ms in flat:
        by_status[status] = by_status.get(status, 0) + 1
    return {
        "requests": len(flat),
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(flat) / elapsed, 1),
        "created_per_s": round(by_status.get(201, 0) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1),
        "statuses": dict(sorted(by_status.items())),
    }


def _verify(store, units: int) -> dict:
    from django.db.models import Sum

    from inventory.models import Reservation, StockLevel
    from shop.models import OrderLine

    oversold = 0
    mismatched = 0
    for level in StockLevel.objects.filter(store=store).exclude(variant__sku__endswith="-bare"):
        promised = (
            OrderLine.objects.filter(
                order__store=store, variant=level.variant, order__status="placed"
            ).aggregate(n=Sum("quantity"))["n"]
            or 0
        )
        reserved = (
            Reservation.objects.filter(store=store, variant=level.variant).aggregate(
                n=Sum("quantity")
            )["n"]
            or 0
        )
        oversold += max(level.reserved - level.on_hand, 0) + max(promised - units, 0)
        mismatched += int(level.reserved != reserved or reserved != promised)
    return {"oversold_units": oversold, "rows_out_of_balance": mismatched}


def _queries_per_checkout(store, skus, token) -> int:
    """SQL statements behind one successful checkout request (measured in this process)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from inventory.services import stock_receive
    from shop.models import Variant

    variant = Variant.objects.get(sku=skus[0])
    stock_receive(store_id=store.pk, variant_id=variant.pk, quantity=1, reference="bench")
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    body = json.dumps(
        {"store": store.code, "lines": [{"sku": skus[0], "quantity": 1}], "phone": "+49 30 123456"}
    )
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/api/v1/orders/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return len(ctx.captured_queries)


def run(clients: int = 16, orders: int = 2000, port: int = 8301, workers: int = 8) -> dict:
    _setup_django()
    run_id = secrets.token_hex(3)
    variants = 20
    # Demand ≈ orders × 2 lines × 1.5 units; stock covers ~90 % so the last checkouts run short.
    units = int(orders * 2 * 1.5 * 0.9 / variants)
    store, popular, bare_level, tokens = _create_data(run_id, clients, variants, units)
    skus = [v.sku for v in popular]

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "CONN_MAX_AGE": "600"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_for(port)
        bare_path = f"/bench/reserve/{bare_level.pk}/"
        for _ in range(workers * 4):  # warm every worker up: imports, connections
            _request(port, "POST", bare_path)
            _request(
                port, "GET", "/api/v1/orders/", headers={"Authorization": f"Token {tokens[0]}"}
            )

        bare = _load(clients, orders, lambda i, n: _request(port, "POST", bare_path))

        rng = random.Random(42)
        bodies = [
            json.dumps(
                {
                    "store": store.code,
                    "lines": [
                        {"sku": sku, "quantity": rng.randint(1, 2)} for sku in rng.sample(skus, 2)
                    ],
                    "phone": "+49 30 1234567",
                }
            )
            for _ in range(orders)
        ]

        def checkout(i, n):
            return _request(
                port,
                "POST",
                "/api/v1/orders/",
                body=bodies[n],
                headers={
                    "Authorization": f"Token {tokens[i]}",
                    "Content-Type": "application/json",
                },
            )

        checkout_figures = _load(clients, orders, checkout)
    finally:
        server.terminate()
        server.wait(timeout=30)
    verified = _verify(store, units)
    return {
        "queries_per_checkout": _queries_per_checkout(store, skus, tokens[0]),
        "clients": clients,
        "gunicorn_workers": workers,
        "bare_reservation": bare,
        "checkout": checkout_figures,
        **verified,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8301)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args(argv)
    figures = run(args.clients, args.orders, args.port, args.workers)
    bare, checkout = figures["bare_reservation"], figures["checkout"]
    print(
        f"Checkout benchmark: {figures['clients']} clients, {figures['gunicorn_workers']} gunicorn "
        f"workers, {figures['queries_per_checkout']} SQL statements per checkout"
    )
    for name, f in (("bare reservation", bare), ("checkout (API)", checkout)):
        print(
            f"  {name:17} {f['requests_per_s']:7.1f} req/s  {f['created_per_s']:7.1f} created/s  "
            f"p50 {f['p50_ms']:6.1f} ms  p95 {f['p95_ms']:6.1f} ms  p99 {f['p99_ms']:6.1f} ms  "
            f"statuses {f['statuses']}"
        )
    print(
        f"  oversold units: {figures['oversold_units']}   "
        f"stock rows out of balance: {figures['rows_out_of_balance']}"
    )
    print(
        f"  targets: ≥ {TARGET_ORDERS_PER_S} orders/s "
        f"({'met' if checkout['created_per_s'] >= TARGET_ORDERS_PER_S else 'NOT met'}), "
        f"p95 < {TARGET_P95_MS} ms ({'met' if checkout['p95_ms'] < TARGET_P95_MS else 'NOT met'})"
    )
    if figures["oversold_units"] or figures["rows_out_of_balance"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
