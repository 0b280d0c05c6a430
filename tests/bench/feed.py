"""Catalogue feed: `POST /api/v1/catalogue/import/` with 10,000 products on PostgreSQL.

In its own database (`omni_bench_feed` by default), through the API in-process (JSON parsing,
checks, bulk writes, price history, search index): first a feed of 10,000 new products with
2 variants each (20,000 rows), then the same feed again (nothing changes), then a nightly feed in
which one price in ten and one name in twenty changed, then a full feed that leaves out 1,000
products. Target (issue 19): each under 30 s.
"""

import json
import os
import time
from pathlib import Path

from .harness import Check, database_url, server_env, setup_django

PRODUCTS = 10_000
VARIANTS = 2
TARGET_S = 30.0
PREFIX = "feed-bench"


def _feed(price_changed: int = 0, renamed: int = 0, leave_out: int = 0, full: bool = False):
    products = []
    for n in range(leave_out, PRODUCTS):
        name = f"Bench-Artikel {n}" + (" neu" if renamed and n % renamed == 0 else "")
        products.append(
            {
                "slug": f"{PREFIX}-{n}",
                "name": name,
                "category": PREFIX,
                "brand": "Bench",
                "description": "Ein Artikel aus dem Warenwirtschaftssystem.",
                "tax_class": "reduced" if n % 7 == 0 else "standard",
                "variants": [
                    {
                        "sku": f"FB-{n:05d}-{v}",
                        "ean": "",
                        "size": ("S", "M", "L")[v % 3],
                        "colour": "Blau",
                        "price": "17.90"
                        if price_changed and (n * VARIANTS + v) % price_changed == 0
                        else "19.90",
                    }
                    for v in range(VARIANTS)
                ],
            }
        )
    return json.dumps({"full": full, "products": products})


def _database_cpu_seconds() -> float | None:
    """CPU time of this process's PostgreSQL backend (None when the server is not local)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:  # utime and stime, in clock ticks, follow the command name in /proc/<pid>/stat
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _post(client, body: str) -> tuple[float, str, dict]:
    """Wall time, the CPU it took (this process and its PostgreSQL backend: steady however
    busy the machine is) and the answer."""
    database_before = _database_cpu_seconds()
    cpu_before = time.process_time()
    started = time.perf_counter()
    response = client.post("/api/v1/catalogue/import/", body, content_type="application/json")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    database_after = _database_cpu_seconds()
    if response.status_code != 200:
        raise SystemExit(
            f"catalogue import failed: {response.status_code} {response.content[:500]}"
        )
    cpu_text = f"CPU {cpu:.1f} s Django"
    if database_before is not None and database_after is not None:
        cpu_text += f" + {database_after - database_before:.1f} s PostgreSQL"
    return seconds, cpu_text, response.json()


def _forget_earlier_runs() -> None:
    """Delete the products of an earlier run with three statements (the ORM's delete would
    refresh the search index once per variant through the signals)."""
    from django.db import connection, transaction

    products = "SELECT id FROM shop_product WHERE slug LIKE %s"
    variants = f"SELECT id FROM shop_variant WHERE product_id IN ({products})"  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        pattern = [f"{PREFIX}-%"]
        cursor.execute(f"DELETE FROM shop_pricechange WHERE variant_id IN ({variants})", pattern)  # noqa: S608
        cursor.execute(f"DELETE FROM shop_variant WHERE id IN ({variants})", pattern)  # noqa: S608
        cursor.execute(f"DELETE FROM shop_product WHERE id IN ({products})", pattern)  # noqa: S608


def run() -> list[Check]:
    env = server_env(database_url("_feed"), ALLOWED_HOSTS="testserver")
    setup_django(env)
    from django.contrib.auth.models import Permission
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from shop.catalogue.models import Category

    _forget_earlier_runs()
    Category.objects.get_or_create(slug=PREFIX, defaults={"name": "Bench"})
    user, _ = User.objects.get_or_create(email="erp@bench.invalid", defaults={"is_staff": True})
    user.user_permissions.add(Permission.objects.get(codename="import_catalogue"))
    token, _ = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    runs = [
        ("first feed, 10,000 new products (20,000 variants)", _feed()),
        ("the same feed again (no change)", _feed()),
        ("nightly feed: 10 % of prices, 5 % of names changed", _feed(10, 20)),
        ("full feed leaving out 1,000 products", _feed(10, 20, leave_out=1000, full=True)),
    ]
    found = []
    for name, body in runs:
        seconds, cpu_text, counts = _post(client, body)
        shown = ", ".join(f"{k} {v:,}" for k, v in counts.items() if isinstance(v, int) and v)
        print(f"catalogue import, {name}: {seconds:.1f} s; {cpu_text} ({shown})", flush=True)
        found.append(
            Check(
                f"catalogue import: {name}",
                f"{seconds:.1f} s",
                f"< {TARGET_S:.0f} s",
                seconds < TARGET_S,
            )
        )
    return found
