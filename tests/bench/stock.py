"""Stock integrity at chain scale: reconciliation and snapshot import on PostgreSQL.

In its own database (`omni_bench_stock` by default), builds (once; reused when present) 50 stores × 10,000 variants = 500,000 stock rows and
2,000,000 movements with `INSERT … SELECT generate_series`, then times a full reconciliation and a
500,000-row snapshot import, and prints the figures with the process's peak memory. Targets:
reconciliation < 60 s and < 300 MB, snapshot import < 60 s.
"""

import io
import resource
import time
from decimal import Decimal

from .harness import Check, database_url, server_env, setup_django

STORES = 50
VARIANTS = 10_000
VARIANTS_PER_PRODUCT = 5
MOVEMENTS_PER_LEVEL = 4  # 500,000 × 4 = 2,000,000
PREFIX = "bench"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _catalogue() -> tuple[list[int], list[int]]:
    """The bench stores and variants, created through the ORM (so new model fields get defaults)."""
    from shop.catalogue.models import Category, Product, Variant
    from stores.models import Store

    Store.objects.bulk_create(
        [
            Store(
                code=f"{PREFIX}-{n:02d}",
                name=f"Bench {n:02d}",
                street="Benchstraße 1",
                postcode=f"{10000 + n}",
                city="Benchstadt",
                latitude=Decimal("52.5"),
                longitude=Decimal("13.4"),
            )
            for n in range(STORES)
        ],
        ignore_conflicts=True,
    )
    category, _ = Category.objects.get_or_create(slug=PREFIX, defaults={"name": "Bench"})
    Product.objects.bulk_create(
        [
            Product(category=category, name=f"Bench {n}", slug=f"{PREFIX}-{n}")
            for n in range(VARIANTS // VARIANTS_PER_PRODUCT)
        ],
        ignore_conflicts=True,
    )
    products = dict(Product.objects.filter(slug__startswith=f"{PREFIX}-").values_list("slug", "pk"))
    Variant.objects.bulk_create(
        [
            Variant(
                product_id=products[f"{PREFIX}-{n // VARIANTS_PER_PRODUCT}"],
                sku=f"BENCH-{n:06d}",
                price=Decimal("9.99"),
            )
            for n in range(VARIANTS)
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    stores = list(Store.objects.filter(code__startswith=f"{PREFIX}-").values_list("pk", flat=True))
    variants = list(Variant.objects.filter(sku__startswith="BENCH-").values_list("pk", flat=True))
    return stores, variants


def _stock(cursor, stores: list[int]) -> None:
    """500,000 stock rows, 2,000,000 movements and their reservations, in three statements.

    Per row: receipt +12, sale −1, sale −1, and a fourth movement that is a pickup reservation
    (reserved +1, with its Reservation row) for one row in 25 and a sale −1 otherwise.
    """
    cursor.execute(
        "INSERT INTO inventory_stocklevel (store_id, variant_id, on_hand, reserved, safety_buffer,"
        " reorder_point, updated_at)"
        " SELECT s.id, v.id, 0, 0, 0, 5, now() FROM stores_store s CROSS JOIN shop_variant v"
        " WHERE s.code LIKE 'bench-%%' AND v.sku LIKE 'BENCH-%%'"
        " ON CONFLICT (store_id, variant_id) DO NOTHING"
    )
    cursor.execute(
        "UPDATE inventory_stocklevel l SET on_hand = CASE WHEN (l.id %% 25 = 0) THEN 10 ELSE 9 END,"
        " reserved = CASE WHEN (l.id %% 25 = 0) THEN 1 ELSE 0 END WHERE l.store_id = ANY(%s)",
        [stores],
    )
    cursor.execute(
        "INSERT INTO inventory_stockmovement (store_id, variant_id, kind, quantity,"
        " reserved_delta, reference, external_id, note, created_at)"
        " SELECT l.store_id, l.variant_id,"
        " CASE WHEN k = 1 THEN 'receipt' WHEN k = 4 AND (l.id %% 25 = 0) THEN 'pickup_reserved'"
        "  ELSE 'sale' END,"
        " CASE WHEN k = 1 THEN 12 WHEN k = 4 AND (l.id %% 25 = 0) THEN 0 ELSE -1 END,"
        " CASE WHEN k = 4 AND (l.id %% 25 = 0) THEN 1 ELSE 0 END,"
        " CASE WHEN k = 4 AND (l.id %% 25 = 0) THEN 'BENCH-' || l.id ELSE '' END, '', '',"
        " now() - make_interval(days => 5 - k)"
        " FROM inventory_stocklevel l CROSS JOIN generate_series(1, %s) AS k"
        " WHERE l.store_id = ANY(%s)",
        [MOVEMENTS_PER_LEVEL, stores],
    )
    cursor.execute(
        "INSERT INTO inventory_reservation (store_id, variant_id, reference, quantity, created_at)"
        " SELECT l.store_id, l.variant_id, 'BENCH-' || l.id, 1, now()"
        " FROM inventory_stocklevel l WHERE l.store_id = ANY(%s) AND (l.id %% 25 = 0)",
        [stores],
    )


def prepare() -> dict:
    """Create the data set unless it is already there; returns its size."""
    from django.db import connection, transaction

    from inventory.models import StockLevel, StockMovement

    started = time.perf_counter()
    stores, variants = _catalogue()
    levels = StockLevel.objects.filter(store_id__in=stores)
    expected = STORES * VARIANTS
    built = False
    if (
        levels.count() != expected
        or not StockMovement.objects.filter(store_id__in=stores).count()
        >= expected * MOVEMENTS_PER_LEVEL
    ):
        with transaction.atomic(), connection.cursor() as cursor:
            for table in ("inventory_stockmovement", "inventory_reservation"):
                cursor.execute(f"DELETE FROM {table} WHERE store_id = ANY(%s)", [stores])  # noqa: S608
            cursor.execute("DELETE FROM inventory_stocklevel WHERE store_id = ANY(%s)", [stores])
            _stock(cursor, stores)
        built = True
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_stocklevel")
        cursor.execute("ANALYZE inventory_stockmovement")
        cursor.execute("ANALYZE inventory_reservation")
    return {
        "stores": len(stores),
        "variants": len(variants),
        "stock_rows": levels.count(),
        "movements": StockMovement.objects.count(),
        "built_now": built,
        "prepare_s": round(time.perf_counter() - started, 1),
    }


def _snapshot_csv(stores: list[int]) -> str:
    """Every bench stock row as a snapshot; one row in 20 counts one unit more than the system."""
    from django.db import connection

    buffer = io.StringIO()
    buffer.write("store,sku,quantity\n")
    with connection.cursor() as cursor:
        copy_sql = (
            "COPY (SELECT s.code, v.sku, l.on_hand + CASE WHEN l.id % 20 = 0 THEN 1 ELSE 0 END"
            " FROM inventory_stocklevel l JOIN stores_store s ON s.id = l.store_id"
            " JOIN shop_variant v ON v.id = l.variant_id WHERE s.code LIKE 'bench-%%')"
            " TO STDOUT WITH (FORMAT csv)"
        )
        with cursor.cursor.copy(copy_sql.replace("%%", "%")) as copy:
            for block in copy:
                buffer.write(bytes(block).decode())
    return buffer.getvalue()


def _reconcile_with_drift(stores: list[int]) -> dict:
    """Drift in 4.5 % of the rows (0.5 % on hand, 4 % reserved): time the run, then undo it."""
    import logging

    from django.db import connection

    from inventory.services import stock_reconcile

    shift = "UPDATE inventory_stocklevel SET on_hand = on_hand + %s WHERE id %% 200 = 1 AND store_id = ANY(%s)"
    with connection.cursor() as cursor:
        cursor.execute(shift, [1, stores])
        cursor.execute(
            "UPDATE inventory_stocklevel SET reserved = 0"
            " WHERE id %% 25 = 0 AND id %% 200 <> 1 AND store_id = ANY(%s)",
            [stores],
        )
    logging.getLogger("inventory.notifications").setLevel(
        logging.ERROR
    )  # one line per store otherwise
    started = time.perf_counter()
    run = stock_reconcile()
    seconds = round(time.perf_counter() - started, 2)
    with connection.cursor() as cursor:
        cursor.execute(shift, [-1, stores])
    print(
        f"reconciliation with drift in 4.5 % of the rows: {seconds} s, {run.findings_count:,} "
        f"findings, {run.repaired_count:,} reserved repairs; peak memory {_peak_mb():.1f} MB"
    )
    return {"reconcile_drift_s": seconds, "reconcile_drift_findings": run.findings_count}


def run() -> list[Check]:
    env = server_env(database_url("_stock"))
    print(f"Stock on {env['DATABASE_URL']}")
    setup_django(env)
    from inventory.services import stock_reconcile
    from inventory.snapshots import snapshot_read, stock_snapshot_import
    from stores.models import Store

    figures = prepare()
    print(
        f"stock bench data: {figures['stores']} stores × {figures['variants']} variants = "
        f"{figures['stock_rows']:,} stock rows, {figures['movements']:,} movements "
        f"({'built' if figures['built_now'] else 'reused'} in {figures['prepare_s']} s)"
    )

    started = time.perf_counter()
    run = stock_reconcile()
    figures["reconcile_s"] = round(time.perf_counter() - started, 2)
    figures["reconcile_peak_mb"] = round(_peak_mb(), 1)
    print(
        f"reconciliation: {figures['reconcile_s']} s for {run.levels_checked:,} rows, "
        f"{run.findings_count} findings; peak memory {figures['reconcile_peak_mb']} MB "
        "(targets < 60 s, < 300 MB)"
    )

    stores = list(Store.objects.filter(code__startswith=f"{PREFIX}-").values_list("pk", flat=True))
    figures.update(_reconcile_with_drift(stores))

    text = _snapshot_csv(stores)
    started = time.perf_counter()
    report = stock_snapshot_import(rows=snapshot_read(text, "bench.csv"), note="bench")
    figures["snapshot_s"] = round(time.perf_counter() - started, 2)
    figures["snapshot_rows"] = report.rows
    figures["snapshot_differences"] = len(report.differences)
    started = time.perf_counter()
    again = stock_snapshot_import(rows=snapshot_read(text, "bench.csv"), note="bench")
    figures["snapshot_repeat_s"] = round(time.perf_counter() - started, 2)
    figures["peak_mb"] = round(_peak_mb(), 1)
    print(
        f"snapshot import: {figures['snapshot_s']} s for {report.rows:,} rows, "
        f"{len(report.differences):,} differences applied (target < 60 s); "
        f"same file again: {figures['snapshot_repeat_s']} s, {len(again.differences)} differences"
    )
    started = time.perf_counter()
    after = stock_reconcile()
    figures["reconcile_after_s"] = round(time.perf_counter() - started, 2)
    print(
        f"reconciliation after the import: {figures['reconcile_after_s']} s, "
        f"{after.findings_count} findings; process peak memory {figures['peak_mb']} MB"
    )
    rows = f"{figures['stock_rows']:,} rows"
    return [
        Check(
            f"reconciliation ({rows})",
            f"{figures['reconcile_s']} s",
            "< 60 s",
            figures["reconcile_s"] < 60,
        ),
        Check(
            "reconciliation with 4.5 % drift",
            f"{figures['reconcile_drift_s']} s",
            "< 60 s",
            figures["reconcile_drift_s"] < 60,
        ),
        Check(
            f"snapshot import ({figures['snapshot_rows']:,} rows)",
            f"{figures['snapshot_s']} s",
            "< 60 s",
            figures["snapshot_s"] < 60,
        ),
        Check(
            "reconciliation peak memory",
            f"{figures['reconcile_peak_mb']} MB",
            "< 300 MB",
            figures["reconcile_peak_mb"] < 300,
        ),
    ]
