"""Till receipts of anonymous shoppers at the demo store, so that "Kunden kauften auch" and
"Für Sie" have co-purchases to show after `make run`; then the nightly job runs once.

Booked through the till service (stock moves, receipts stored), once: a store that already has
demo receipts gets none.
"""

from decimal import Decimal

from django.db.models import F

from inventory.models import StockLevel
from loyalty.models import TillReceipt
from loyalty.till.services import ReceiptLineIn, till_receipt_book
from shop.catalogue.models import Variant
from shop.recommendations.services import ComputeReport, recommendations_compute
from stores.models import Store

NUMBER_PREFIX = "DEMO-R"
# Each receipt as indexes into the store's first in-stock variants (one per product). The demo
# shopper's orders hold the first six (shop.demo.orders), so these make picks for them too.
DEMO_RECEIPTS = [
    (0, 6),
    (0, 6, 7),
    (0, 7),
    (1, 8),
    (1, 8, 9),
    (2, 9),
    (3, 10),
    (4, 10, 11),
    (5, 11),
    (6, 7),
    (8, 9),
    (10, 11),
]


def demo_receipts_seed(*, store: Store) -> int:
    """Book the demo receipts at `store`; returns how many were booked."""
    if TillReceipt.objects.filter(store=store, number__startswith=NUMBER_PREFIX).exists():
        return 0
    variants: list[Variant] = []
    seen: set[int] = set()
    candidates = Variant.objects.filter(
        is_active=True,
        product__is_active=True,
        stock_levels__in=StockLevel.objects.filter(
            store=store, on_hand__gte=F("reserved") + F("safety_buffer") + 2
        ),
    ).order_by("pk")
    for variant in candidates[:200]:
        if variant.product_id not in seen:
            seen.add(variant.product_id)
            variants.append(variant)
    if len(variants) < 12:
        return 0
    for number, indexes in enumerate(DEMO_RECEIPTS, start=1):
        lines = [
            ReceiptLineIn(quantity=1, unit_price=variants[i].price, sku=variants[i].sku)
            for i in indexes
        ]
        till_receipt_book(
            store=store,
            number=f"{NUMBER_PREFIX}{number:03d}",
            total=sum((line.unit_price for line in lines), Decimal(0)),
            lines=lines,
        )
    return len(DEMO_RECEIPTS)


def demo_recommendations_compute() -> ComputeReport:
    return recommendations_compute()
