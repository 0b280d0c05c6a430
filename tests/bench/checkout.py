"""Checkout throughput through the API on PostgreSQL, next to a bare reservation request.

Against gunicorn with the production settings, with the same concurrent keep-alive clients:

0. floor: `GET /bench/floor/`, the least any Django view costs;
1. bare: `POST /bench/reserve/<id>/` — one conditional UPDATE behind a minimal view, the floor
   of what any reservation can cost through HTTP + Django + PostgreSQL;
2. checkout: `POST /api/v1/orders/` with token auth, two random lines out of a small set of
   popular variants whose stock runs out near the end, so shortages (409) happen under load.

Afterwards it checks the database: oversold units (reserved beyond on-hand, or more units
promised in open orders than were on the shelf) must be 0, and every stock row's `reserved`
must equal the sum of its open reservations. Each run adds its own store, products and
shoppers, so runs can share the database (`omni_bench_checkout` by default).

Targets from issue 3 (2-core machine): ≥ 250 orders/s, p95 < 60 ms; 0 units oversold.
"""

import json
import os
import random
import secrets

from .catalogue import FLOOR
from .harness import (
    Check,
    Server,
    Target,
    checks,
    concurrency,
    database_url,
    http_request,
    load_description,
    measure,
    server_env,
    setup_django,
    table,
)

ORDERS = int(os.environ.get("BENCH_ORDERS", 2000))
VARIANTS = 20
BARE = "bare reservation (1 UPDATE)"
CHECKOUT = "checkout (POST /api/v1/orders/)"
TARGETS = {CHECKOUT: Target(min_rps=250, max_p95_ms=60)}


def _create_data(run_id: str, clients: int, variants: int, units: int):
    """A fresh store, products and shoppers named after `run_id`, so runs can share a database."""
    from decimal import Decimal

    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from inventory.models import StockLevel
    from inventory.services import stock_receive
    from shop.catalogue.models import Category, Product, Variant
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


def _verify(store, units: int) -> tuple[int, int]:
    """Units oversold and stock rows whose `reserved` disagrees with reservations or orders."""
    from django.db.models import Sum

    from inventory.models import Reservation, StockLevel
    from shop.orders.models import OrderLine

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
    return oversold, mismatched


def _queries_per_checkout(store, skus, token) -> int:
    """SQL statements behind one successful checkout request (measured in this process)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from inventory.services import stock_receive
    from shop.catalogue.models import Variant

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


def run() -> list[Check]:
    env = server_env(database_url("_checkout"))
    print(f"Checkout on {env['DATABASE_URL']}: {ORDERS:,} orders of two lines")
    setup_django(env)
    run_id = secrets.token_hex(3)
    clients = concurrency()
    # Demand ≈ orders × 2 lines × 1.5 units; stock covers ~90 % so the last checkouts run short.
    units = int(ORDERS * 2 * 1.5 * 0.9 / VARIANTS)
    store, popular, bare_level, tokens = _create_data(run_id, clients, VARIANTS, units)
    skus = [v.sku for v in popular]
    rng = random.Random(42)
    with Server(env) as server:
        checkouts = [
            http_request(
                server.port,
                "/api/v1/orders/",
                {
                    "Authorization": f"Token {tokens[n % clients]}",
                    "Content-Type": "application/json",
                },
                method="POST",
                body=json.dumps(
                    {
                        "store": store.code,
                        "lines": [
                            {"sku": sku, "quantity": rng.randint(1, 2)}
                            for sku in rng.sample(skus, 2)
                        ],
                        "phone": "+49 30 1234567",
                    }
                ).encode(),
            )
            for n in range(ORDERS)
        ]
        print(f"{server.description}; {load_description()}")
        results = [
            measure(server, FLOOR, ["/bench/floor/"]),
            measure(
                server,
                BARE,
                requests=[
                    http_request(server.port, f"/bench/reserve/{bare_level.pk}/", method="POST")
                ],
                expected=(201,),
            ),
            # No warm-up (every order counts against the stock); the bare run warmed the workers.
            measure(
                server,
                CHECKOUT,
                requests=checkouts,
                warmup=0,
                duration=60,
                max_requests=ORDERS,
                expected=(201, 409),
            ),
        ]
    print(table(results, TARGETS, floor=BARE))
    oversold, unbalanced = _verify(store, units)  # before the next order, which adds stock
    queries = _queries_per_checkout(store, skus, tokens[0])
    print(
        f"{queries} SQL statements per checkout; {oversold} units oversold; {unbalanced} stock rows out of balance"
    )
    return [
        *checks(results, TARGETS, floor=BARE),
        Check("SQL statements per checkout", str(queries)),
        Check("units oversold", str(oversold), "0", oversold == 0, correctness=True),
        Check("stock rows out of balance", str(unbalanced), "0", unbalanced == 0, correctness=True),
    ]
