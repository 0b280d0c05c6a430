"""The KPI dashboard at chain scale on PostgreSQL.

In its own database (`omni_bench_insight` by default) builds (once; reused when present) 20 stores,
2,000 variants in 10 categories, 20,000 members, 100,000 pickup orders with their lines and points,
300,000 till receipts with a line each and 2,000,000 stock movements, all spread over the last
year, with `INSERT … SELECT generate_series`. Then times what the dashboard computes for the head
office and a quarter: every KPI of the quarter and of the quarter before, the revenue per day and
the stores side by side. Target: < 1 s.
"""

import datetime as dt
import os
import statistics
import time
from decimal import Decimal

from .harness import Check, database_url, server_env, setup_django

STORES = 20
VARIANTS = 2_000
CATEGORIES = 10
MEMBERS = 20_000
ORDERS = 100_000
RECEIPTS = 300_000
MOVEMENTS = 2_000_000
PREFIX = "ibench"


def _catalogue() -> tuple[list[int], list[int]]:
    from shop.catalogue.models import Category, Product, Variant
    from stores.models import Store

    Store.objects.bulk_create(
        [
            Store(
                code=f"{PREFIX}-{n:02d}",
                name=f"Insight {n:02d}",
                street="Benchstraße 1",
                postcode=f"{20000 + n}",
                city="Benchstadt",
                latitude=Decimal("52.5"),
                longitude=Decimal("13.4"),
            )
            for n in range(STORES)
        ],
        ignore_conflicts=True,
    )
    Category.objects.bulk_create(
        [Category(slug=f"{PREFIX}-{n}", name=f"Kategorie {n}") for n in range(CATEGORIES)],
        ignore_conflicts=True,
    )
    categories = list(
        Category.objects.filter(slug__startswith=f"{PREFIX}-").values_list("pk", flat=True)
    )
    Product.objects.bulk_create(
        [
            Product(category_id=categories[n % CATEGORIES], name=f"I {n}", slug=f"{PREFIX}-p{n}")
            for n in range(VARIANTS)
        ],
        ignore_conflicts=True,
    )
    products = dict(
        Product.objects.filter(slug__startswith=f"{PREFIX}-p").values_list("slug", "pk")
    )
    Variant.objects.bulk_create(
        [
            Variant(
                product_id=products[f"{PREFIX}-p{n}"], sku=f"IB-{n:05d}", price=Decimal("29.90")
            )
            for n in range(VARIANTS)
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    stores = list(Store.objects.filter(code__startswith=f"{PREFIX}-").values_list("pk", flat=True))
    variants = list(Variant.objects.filter(sku__startswith="IB-").values_list("pk", flat=True))
    return stores, variants


BUILD = [
    # Members: users and their cards (card numbers in the store range 2…).
    "INSERT INTO accounts_user (password, is_superuser, is_staff, is_active, date_joined,"
    " first_name, last_name, email, phone, language)"
    " SELECT '!', false, false, true, now(), 'Bench', 'Kunde', 'ib' || g || '@example.com', '', 'de'"
    " FROM generate_series(1, {MEMBERS}) g",
    "INSERT INTO loyalty_loyaltyaccount (user_id, card_number, created_at, tier_id)"
    " SELECT u.id, '29' || lpad(u.id::text, 11, '0'), now(), NULL FROM accounts_user u"
    " WHERE u.email LIKE 'ib%%@example.com'",
    # Pickup orders over the last year: 80 % collected, 8 % cancelled, 6 % expired, rest open.
    "INSERT INTO shop_order (public_id, number, customer_id, store_id, status, phone, email,"
    " language, pickup_code, total, amount_due, idempotency_key, loyalty_discount,"
    " points_redeemed, store_credit_used, created_at, ready_at, collected_at, cancelled_at,"
    " expired_at, promised_ready_at, collector_name, collector_email, collector_code,"
    " collected_by, contract_model, payment_method)"
    " SELECT gen_random_uuid(), 'IB-' || g, u.first + (g %% {MEMBERS}), s.ids[1 + g %% {STORES}],"
    "  CASE WHEN g %% 50 < 40 THEN 'collected' WHEN g %% 50 < 44 THEN 'cancelled'"
    "   WHEN g %% 50 < 47 THEN 'expired' ELSE 'placed' END,"
    "  '', '', 'de', lpad((g %% 1000000)::text, 6, '0'), 10 + (g %% 90), 10 + (g %% 90), '', 0, 0, 0,"
    "  t.at, CASE WHEN g %% 50 < 40 OR g %% 50 BETWEEN 44 AND 46 THEN t.at + make_interval(hours => 1 + g %% 6) END,"
    "  CASE WHEN g %% 50 < 40 THEN t.at + make_interval(hours => 8 + g %% 40) END,"
    "  CASE WHEN g %% 50 BETWEEN 40 AND 43 THEN t.at + interval '1 hour' END,"
    "  CASE WHEN g %% 50 BETWEEN 44 AND 46 THEN t.at + interval '4 days' END,"
    "  t.at + interval '4 hours', '', '', '', '', 'reservation', 'counter'"
    " FROM generate_series(1, {ORDERS}) g"
    " CROSS JOIN (SELECT min(id) AS first FROM accounts_user WHERE email LIKE 'ib%%@example.com') u"
    " CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM stores_store WHERE code LIKE '{PREFIX}-%%') s"
    " CROSS JOIN LATERAL (SELECT now() - make_interval(mins => (g * 5) %% 525600) AS at) t",
    "INSERT INTO shop_orderline (order_id, variant_id, sku, product_name, variant_label,"
    " unit_price, vat_rate, quantity_unit, quantity, quantity_short)"
    " SELECT o.id, v.ids[1 + o.id %% {VARIANTS}], 'IB', 'I', '', o.total, 19, '', 1,"
    "  CASE WHEN o.id %% 40 = 0 THEN 1 ELSE 0 END"
    " FROM shop_order o CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM shop_variant"
    "  WHERE sku LIKE 'IB-%%') v WHERE o.number LIKE 'IB-%%'",
    "INSERT INTO loyalty_pointsentry (public_id, account_id, kind, points, source, amount,"
    " store_id, channel, description, occurred_at, created_at)"
    " SELECT gen_random_uuid(), a.id, 'earn', floor(o.total)::int, 'order:' || o.number, o.total,"
    "  o.store_id, 'online', '', o.collected_at, now()"
    " FROM shop_order o JOIN loyalty_loyaltyaccount a ON a.user_id = o.customer_id"
    " WHERE o.number LIKE 'IB-%%' AND o.status = 'collected'",
    # Till receipts: 60 % with a card, one line each.
    "INSERT INTO loyalty_tillreceipt (public_id, store_id, number, account_id, total, fingerprint,"
    " occurred_at, created_at)"
    " SELECT gen_random_uuid(), s.ids[1 + g %% {STORES}], 'IB-' || g,"
    "  CASE WHEN g %% 5 < 3 THEN a.first + (g * 7) %% {MEMBERS} END, 5 + (g %% 120), '',"
    "  now() - make_interval(secs => (g * 105) %% 31536000),"
    "  now() - make_interval(secs => (g * 105) %% 31536000)"
    " FROM generate_series(1, {RECEIPTS}) g"
    " CROSS JOIN (SELECT min(a.id) AS first FROM loyalty_loyaltyaccount a JOIN accounts_user u"
    "  ON u.id = a.user_id WHERE u.email LIKE 'ib%%@example.com') a"
    " CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM stores_store WHERE code LIKE '{PREFIX}-%%') s",
    "INSERT INTO loyalty_tillreceiptline (receipt_id, position, variant_id, quantity, unit_price,"
    " discount, amount)"
    " SELECT r.id, 1, v.ids[1 + r.id %% {VARIANTS}], 1, r.total, 0, r.total"
    " FROM loyalty_tillreceipt r CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids"
    "  FROM shop_variant WHERE sku LIKE 'IB-%%') v WHERE r.number LIKE 'IB-%%'",
    "INSERT INTO loyalty_pointsentry (public_id, account_id, kind, points, source, amount,"
    " store_id, channel, description, occurred_at, created_at)"
    " SELECT gen_random_uuid(), r.account_id, 'earn', floor(r.total)::int,"
    "  'receipt:' || r.store_id || ':' || r.number, r.total, r.store_id, 'store', '',"
    "  r.occurred_at, now()"
    " FROM loyalty_tillreceipt r WHERE r.number LIKE 'IB-%%' AND r.account_id IS NOT NULL",
    # The movement ledger: a delivery of 40 per store and variant a year ago, then sales.
    "INSERT INTO inventory_stockmovement (store_id, variant_id, kind, quantity, reserved_delta,"
    " reference, external_id, note, created_at)"
    " SELECT s.id, v.id, 'receipt', 60, 0, '', '', '', now() - interval '365 days'"
    " FROM stores_store s CROSS JOIN shop_variant v"
    " WHERE s.code LIKE '{PREFIX}-%%' AND v.sku LIKE 'IB-%%'",
    "INSERT INTO inventory_stockmovement (store_id, variant_id, kind, quantity, reserved_delta,"
    " reference, external_id, note, created_at)"
    " SELECT s.ids[1 + g %% {STORES}], v.ids[1 + (g / {STORES}) %% {VARIANTS}],"
    "  CASE WHEN g %% 10 = 0 THEN 'pickup_collected' ELSE 'sale' END, -1, 0, '', '', '',"
    "  now() - make_interval(secs => (g * 17) %% 31536000)"
    " FROM generate_series(1, {SALES}) g"
    " CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM stores_store WHERE code LIKE '{PREFIX}-%%') s"
    " CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM shop_variant WHERE sku LIKE 'IB-%%') v",
]


# On hand per store and variant: the sum of its movements (as the ledger says).
LEVELS = (
    "INSERT INTO inventory_stocklevel (store_id, variant_id, on_hand, reserved, safety_buffer,"
    " reorder_point, updated_at)"
    " SELECT m.store_id, m.variant_id, sum(m.quantity), 0, 0, 0, now()"
    " FROM inventory_stockmovement m WHERE m.store_id = ANY(%s)"
    " GROUP BY m.store_id, m.variant_id ON CONFLICT (store_id, variant_id) DO NOTHING"
)


def prepare() -> dict:
    from django.db import connection, transaction

    from loyalty.models import TillReceipt

    started = time.perf_counter()
    stores, variants = _catalogue()
    built = False
    if TillReceipt.objects.filter(number__startswith="IB-").count() != RECEIPTS:
        sizes = {
            "MEMBERS": MEMBERS,
            "STORES": STORES,
            "ORDERS": ORDERS,
            "VARIANTS": VARIANTS,
            "RECEIPTS": RECEIPTS,
            "SALES": MOVEMENTS - STORES * VARIANTS,
            "PREFIX": PREFIX,
        }
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in BUILD:
                text = statement
                for key, value in sizes.items():
                    text = text.replace("{" + key + "}", str(value))
                cursor.execute(text.replace("%%", "%"))
        built = True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM inventory_stocklevel WHERE store_id = ANY(%s) LIMIT 1", [stores]
        )
        if cursor.fetchone() is None:
            cursor.execute(LEVELS, [stores])
        for table in (
            "shop_order",
            "shop_orderline",
            "loyalty_tillreceipt",
            "loyalty_tillreceiptline",
            "loyalty_pointsentry",
            "inventory_stockmovement",
            "inventory_stocklevel",
        ):
            cursor.execute(f"ANALYZE {table}")
    return {
        "stores": stores,
        "variants": len(variants),
        "built_now": built,
        "prepare_s": round(time.perf_counter() - started, 1),
    }


def _round_trip_seconds(connection) -> float:
    """The median time of the smallest statement on this connection: what each of the
    dashboard's queries costs at the least."""
    samples = []
    with connection.cursor() as cursor:
        for _ in range(50):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def dashboard(stores: list[int], period) -> None:
    """What the dashboard computes for the head office (every store) and one period."""
    from insight import selectors, tables
    from stores.models import Store

    with selectors.reading():  # as the view does
        now = selectors.kpis(period=period, store_ids=stores)
        before = selectors.kpis(period=period.previous(), store_ids=stores)
        tables.headline(now, before)
        tables.store_comparison(period=period, stores=Store.objects.filter(pk__in=stores))
        tables.detail_tables(now)
        selectors.daily_revenue(period=period, store_ids=stores)


def run() -> list[Check]:
    env = server_env(database_url("_insight"))
    print(f"Insight on {env['DATABASE_URL']}")
    setup_django(env)
    from django.db import connection, reset_queries
    from django.utils import timezone

    from insight.selectors import Period
    from inventory.models import StockMovement
    from loyalty.models import TillReceipt
    from shop.orders.models import Order

    figures = prepare()
    print(
        f"insight bench data: {len(figures['stores'])} stores, {figures['variants']:,} variants, "
        f"{Order.objects.count():,} orders, {TillReceipt.objects.count():,} till receipts, "
        f"{StockMovement.objects.count():,} movements "
        f"({'built' if figures['built_now'] else 'reused'} in {figures['prepare_s']} s)"
    )
    today = timezone.localdate()
    quarter = Period(first=today - dt.timedelta(days=90), last=today)
    # The daily roll-ups, as the beat job and `manage.py insight_rollups` write them: the year
    # the data spans (the 12-month customer value of the quarter before reaches back that far).
    from django.core.management import call_command

    from insight.selectors import rollups_cover
    from insight.tasks import refresh_rollups

    started = time.perf_counter()
    first = quarter.previous().last - dt.timedelta(days=364)
    if rollups_cover(first, today):  # built before: the beat job's run (recent days) only
        days = refresh_rollups()
    else:
        call_command(
            "insight_rollups",
            "--from",
            first.isoformat(),
            "--to",
            today.isoformat(),
            stdout=open(os.devnull, "w"),  # noqa: SIM115
        )
        days = (today - first).days + 1
    with connection.cursor() as cursor:  # as autovacuum would after the rewrite
        for table in (
            "insight_dailycustomerspend",
            "insight_dailyinterest",
            "insight_dailyconversion",
            "insight_dailystock",
            "insight_dailystoresales",
            "insight_rollupday",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"daily roll-ups: {days} days recomputed in {time.perf_counter() - started:.1f} s")
    dashboard(figures["stores"], quarter)  # warm the caches once
    connection.force_debug_cursor = True
    reset_queries()
    started = time.perf_counter()
    dashboard(figures["stores"], quarter)
    seconds = round(time.perf_counter() - started, 2)
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    floor = queries * _round_trip_seconds(connection)
    print(
        f"quarter dashboard, head office, {len(figures['stores'])} stores: {seconds} s, {queries} "
        f"queries (target < 1 s); floor in this run: {queries} × the round trip of `SELECT 1` = "
        f"{floor:.3f} s"
    )
    return [
        Check("quarter dashboard (head office)", f"{seconds} s", "< 1 s", seconds < 1),
    ]
