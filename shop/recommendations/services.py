"""The nightly co-purchase count (`recommendations_compute`): beat, `manage.py
recommendations_compute` and the demo data call it.

A *basket* is what one customer bought in every channel (online orders and till receipts with
their card), or one till receipt without a card. Two products bought in the same basket are a
co-purchase; `AlsoBought.score` counts the baskets holding both. A customer's picks ("Für Sie")
add up the scores of the products related to what the customer bought, leaving out what the
customer bought. Inactive products are left out. The whole result replaces the previous one in
one transaction, so a run is idempotent and readers see either the old or the new rows.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from shop.catalogue.models import Product

from .baskets import purchase_sources
from .models import AlsoBought, CustomerPick

# Kept per product and per customer: more than a page shows, so that the products in stock at
# the shopper's store can come first.
KEEP = 24
# A basket's products counted at most (the latest bought products would be better; the pairs of
# a very large basket grow with its square and say little).
MAX_BASKET = 200
BATCH = 2000


@dataclass(frozen=True)
class ComputeReport:
    baskets: int
    pairs: int
    customers: int


def recommendations_compute(*, now: dt.datetime | None = None) -> ComputeReport:
    """Count the co-purchases of every basket and replace the stored recommendations."""
    now = now or timezone.now()
    active = set(Product.objects.filter(is_active=True).values_list("pk", flat=True))
    # one basket per customer (every channel), one per receipt without a card
    customers: dict[int, set[int]] = defaultdict(set)
    anonymous: dict[str, set[int]] = defaultdict(set)
    for source in purchase_sources():
        for customer_id, basket, product_id in source():
            if product_id not in active:
                continue
            if customer_id is not None:
                customers[customer_id].add(product_id)
            else:
                anonymous[basket].add(product_id)
    baskets = [*customers.values(), *anonymous.values()]
    pairs: Counter[tuple[int, int]] = Counter()
    for products in baskets:
        for a, b in combinations(sorted(products)[:MAX_BASKET], 2):
            pairs[(a, b)] += 1
    related: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (a, b), score in pairs.items():
        related[a].append((score, b))
        related[b].append((score, a))
    top = {
        product: sorted(found, key=lambda item: (-item[0], item[1]))[:KEEP]
        for product, found in related.items()
    }
    also_bought = [
        AlsoBought(product_id=product, related_id=other, score=score, computed_at=now)
        for product, found in top.items()
        for score, other in found
    ]
    # Picks only for active accounts (an erased customer's orders stay, without the person).
    active_customers = set(
        User.objects.filter(pk__in=list(customers), is_active=True).values_list("pk", flat=True)
    )
    picks: list[CustomerPick] = []
    for customer_id, bought in customers.items():
        if customer_id not in active_customers:
            continue
        scores: Counter[int] = Counter()
        for product in bought:
            for score, other in top.get(product, []):
                if other not in bought:
                    scores[other] += score
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:KEEP]
        picks += [
            CustomerPick(customer_id=customer_id, product_id=product, score=score, computed_at=now)
            for product, score in best
        ]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two runs at once would each insert after the other's delete: one after the other.
            with connection.cursor() as cursor:
                cursor.execute(
                    "LOCK TABLE recommendations_alsobought, recommendations_customerpick "
                    "IN EXCLUSIVE MODE"
                )
        AlsoBought.objects.all().delete()
        CustomerPick.objects.all().delete()
        AlsoBought.objects.bulk_create(also_bought, batch_size=BATCH)
        CustomerPick.objects.bulk_create(picks, batch_size=BATCH)
    return ComputeReport(baskets=len(baskets), pairs=len(pairs), customers=len(customers))
